"""The 舆情监测 admin: the menu, its pages, plans, the 辟谣库 and vendors as snippets, audit labels."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from govmedia.opinion import views
from govmedia.opinion.access import may_use
from govmedia.opinion.models import Claim, MonitoringPlan, Vendor


@hooks.register("register_admin_urls")
def register_opinion_urls():
    return [
        path("opinion/", views.dashboard, name="opinion_dashboard"),
        path("opinion/events/", views.event_list, name="opinion_events"),
        path("opinion/events/<int:event_id>/", views.event, name="opinion_event"),
        path(
            "opinion/alerts/<int:alert_id>/incident/",
            views.open_incident,
            name="opinion_open_incident",
        ),
        path("opinion/incidents/", views.incident_list, name="opinion_incidents"),
        path("opinion/import/", views.import_table, name="opinion_import"),
        path("opinion/incidents/<int:incident_id>/", views.incident, name="opinion_incident"),
        path(
            "opinion/incidents/<int:incident_id>/report/",
            views.incident_report,
            name="opinion_report",
        ),
    ]


class OpinionMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return may_use(request.user)


@hooks.register("register_admin_menu_item")
def register_opinion_menu():
    menu = Menu(
        items=[
            MenuItem("舆情概览", reverse("opinion_dashboard"), icon_name="view", order=1),
            MenuItem("舆情事件", reverse("opinion_events"), icon_name="list-ul", order=2),
            MenuItem("处置与通报", reverse("opinion_incidents"), icon_name="warning", order=3),
            MenuItem(
                "监测方案",
                reverse("wagtailsnippets_opinion_monitoringplan:list"),
                icon_name="search",
                order=4,
            ),
            MenuItem(
                "辟谣库",
                reverse("wagtailsnippets_opinion_claim:list"),
                icon_name="doc-full",
                order=5,
            ),
            MenuItem("导入帖子", reverse("opinion_import"), icon_name="upload", order=6),
        ]
    )
    return OpinionMenuItem("舆情监测", menu, icon_name="view", order=270)


class PlanViewSet(SnippetViewSet):
    model = MonitoringPlan
    icon = "search"
    menu_label = "监测方案"
    list_display = ["name", "department", "analyst", "enabled"]
    add_to_admin_menu = False


class ClaimViewSet(SnippetViewSet):
    model = Claim
    icon = "doc-full"
    menu_label = "辟谣库"
    list_display = ["text", "verdict", "date", "department"]
    list_filter = ["verdict"]
    search_fields = ["text"]
    add_to_admin_menu = False


class VendorViewSet(SnippetViewSet):
    model = Vendor
    icon = "key"
    menu_label = "舆情数据供应商"
    list_display = ["name", "token_prefix", "enabled", "created_at"]
    add_to_admin_menu = False


register_snippet(PlanViewSet)
register_snippet(ClaimViewSet)
register_snippet(VendorViewSet)


@hooks.register("register_log_actions")
def register_opinion_log_actions(actions):
    actions.register_action("govmedia.opinion.open_incident", "立为处置事件", "立为处置事件")
    actions.register_action("govmedia.opinion.draft_release", "起草通报", "起草通报")
    actions.register_action(
        "govmedia.opinion.clock_stopped", "权威发布，计时停止", "权威发布，计时停止"
    )
    actions.register_action("govmedia.opinion.escalate", "临近时限督办", "临近时限督办")
    actions.register_action("govmedia.opinion.close_incident", "结案", "结案")


@hooks.register("register_permissions")
def register_opinion_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="opinion", codename="analyse")
