"""The 舆情监测 admin: the menu, its pages, plans, the 辟谣库 and vendors, audit labels."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from govmedia.opinion import views
from govmedia.opinion.access import (
    ScopedPolicy,
    SupervisorOnlyPolicy,
    may_manage_vendors,
    may_use,
)
from govmedia.opinion.admin_views import ClaimViewSet, PlanViewSet, VendorViewSet
from govmedia.opinion.models import Claim, MonitoringPlan, Vendor

# Registered before any viewset asks, so Wagtail never falls back to Django model permissions.
register_permission_policy(MonitoringPlan, ScopedPolicy(MonitoringPlan))
register_permission_policy(Claim, ScopedPolicy(Claim))
register_permission_policy(Vendor, SupervisorOnlyPolicy(Vendor))

plan_viewset = PlanViewSet()
claim_viewset = ClaimViewSet()
vendor_viewset = VendorViewSet()


@hooks.register("register_admin_viewset")
def register_opinion_viewsets():
    return [plan_viewset, claim_viewset, vendor_viewset]


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


class SupervisorMenuItem(MenuItem):
    def is_shown(self, request):
        return may_manage_vendors(request.user)


@hooks.register("register_admin_menu_item")
def register_opinion_menu():
    menu = Menu(
        items=[
            MenuItem("舆情概览", reverse("opinion_dashboard"), icon_name="view", order=1),
            MenuItem("舆情事件", reverse("opinion_events"), icon_name="list-ul", order=2),
            MenuItem("处置与通报", reverse("opinion_incidents"), icon_name="warning", order=3),
            MenuItem(
                "监测方案",
                reverse("opinion_plans:index"),
                icon_name="search",
                order=4,
            ),
            MenuItem(
                "辟谣库",
                reverse("opinion_claims:index"),
                icon_name="doc-full",
                order=5,
            ),
            MenuItem("导入帖子", reverse("opinion_import"), icon_name="upload", order=6),
            SupervisorMenuItem(
                "舆情数据供应商",
                reverse("opinion_vendors:index"),
                icon_name="key",
                order=7,
            ),
        ]
    )
    return OpinionMenuItem("舆情监测", menu, icon_name="view", order=270)


@hooks.register("register_log_actions")
def register_opinion_log_actions(actions):
    actions.register_action("govmedia.opinion.open_incident", "立为处置事件", "立为处置事件")
    actions.register_action("govmedia.opinion.draft_release", "起草通报", "起草通报")
    actions.register_action(
        "govmedia.opinion.clock_stopped", "权威发布，计时停止", "权威发布，计时停止"
    )
    actions.register_action("govmedia.opinion.escalate", "临近时限督办", "临近时限督办")
    actions.register_action("govmedia.opinion.close_incident", "结案", "结案")
    actions.register_action("govmedia.opinion.attach_events", "合并舆情事件", "合并舆情事件")
    actions.register_action("govmedia.opinion.detach_event", "移出舆情事件", "移出舆情事件")


@hooks.register("register_permissions")
def register_opinion_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="opinion", codename="analyse")
