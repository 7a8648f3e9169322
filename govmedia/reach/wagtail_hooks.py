"""The 传播分析 admin: its menu and pages."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from govmedia.reach import views
from govmedia.reach.access import visible_departments


class ReachMenuItem(MenuItem):
    """Shown to those who see at least one department's accounts."""

    def is_shown(self, request):
        return visible_departments(request.user) != set()


@hooks.register("register_admin_urls")
def register_reach_urls():
    return [
        path("reach/", views.report, name="reach_report"),
        path("reach/import/", views.import_view, name="reach_import"),
        path(
            "reach/posts/<int:post_id>/category/", views.post_category, name="reach_post_category"
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_reach_menu():
    menu = Menu(
        items=[
            ReachMenuItem("传播月报", reverse("reach_report"), icon_name="doc-full", order=1),
            ReachMenuItem("导入平台数据", reverse("reach_import"), icon_name="upload", order=2),
        ]
    )
    return SubmenuMenuItem("传播分析", menu, icon_name="site", order=265)


@hooks.register("register_log_actions")
def register_reach_log_actions(actions):
    from govmedia.core.audit import StateChangeFormatter
    from govmedia.reach.importing import IMPORTED
    from govmedia.reach.store import CATEGORY_SET

    @actions.register_action(IMPORTED)
    class ExportImported(StateChangeFormatter):
        label = "导入平台统计数据"

        def detail(self, data):
            return f"{data.get('file', '')}；有问题的行 {data.get('bad_rows', 0)} 行"

    @actions.register_action(CATEGORY_SET)
    class CategorySet(StateChangeFormatter):
        label = "人工调整作品分类"
