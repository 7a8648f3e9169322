"""The 巡检 admin: the menu, its pages, the rule table and watched channels as snippets, audit labels."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from govmedia.inspection import views
from govmedia.inspection.models import DepartmentProfile, Rule, WatchedChannel


@hooks.register("register_admin_urls")
def register_inspection_urls():
    return [
        path("inspection/", views.dashboard, name="inspection_dashboard"),
        path("inspection/run/", views.run_now, name="inspection_run"),
        path("inspection/watch/", views.watch, name="inspection_watch"),
        path(
            "inspection/alerts/<int:alert_id>/seen/", views.alert_seen, name="inspection_alert_seen"
        ),
        path("inspection/ranking/", views.ranking, name="inspection_ranking"),
        path(
            "inspection/department/<int:department_id>/",
            views.department,
            name="inspection_department",
        ),
        path("inspection/channel/<int:watched_id>/", views.channel, name="inspection_channel"),
        path("inspection/notices/", views.notices, name="inspection_notices"),
        path("inspection/notices/<int:notice_id>/", views.notice, name="inspection_notice"),
        path("inspection/report/", views.report, name="inspection_report"),
    ]


@hooks.register("register_admin_menu_item")
def register_inspection_menu():
    menu = Menu(
        items=[
            MenuItem("巡检概览", reverse("inspection_dashboard"), icon_name="view", order=1),
            MenuItem("排名", reverse("inspection_ranking"), icon_name="list-ol", order=2),
            MenuItem("整改通知", reverse("inspection_notices"), icon_name="warning", order=3),
            MenuItem("检查报告", reverse("inspection_report"), icon_name="doc-full", order=4),
        ]
    )
    return SubmenuMenuItem("巡检", menu, icon_name="view", order=260)


class RuleViewSet(SnippetViewSet):
    model = Rule
    icon = "cog"
    menu_label = "巡检指标"
    list_display = ["name", "value", "default", "unit", "is_veto", "basis"]
    add_to_admin_menu = False


class WatchedChannelViewSet(SnippetViewSet):
    model = WatchedChannel
    icon = "view"
    menu_label = "巡检渠道"
    list_display = ["channel", "column_type", "source", "should_update", "enabled"]
    list_filter = ["column_type", "enabled"]


class DepartmentProfileViewSet(SnippetViewSet):
    model = DepartmentProfile
    icon = "group"
    menu_label = "巡检机构设置"
    list_display = ["department", "has_external_services"]


register_snippet(RuleViewSet)
register_snippet(WatchedChannelViewSet)
register_snippet(DepartmentProfileViewSet)


@hooks.register("register_log_actions")
def register_inspection_log_actions(actions):
    from govmedia.core.audit import StateChangeFormatter
    from govmedia.inspection import actions as inspection_actions

    @actions.register_action(inspection_actions.NOTICE_RECTIFIED)
    class NoticeRectified(StateChangeFormatter):
        label = "整改通知标记为已整改"

        def detail(self, data):
            return data.get("note", "")
