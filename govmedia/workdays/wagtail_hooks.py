"""The 工作日历 admin: a menu item, its pages, the edit permission and the audit labels."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from govmedia.workdays import views


@hooks.register("register_admin_urls")
def register_workdays_urls():
    return [
        path("workdays/", views.index, name="workdays_index"),
        path("workdays/year/", views.year_edit, name="workdays_year_edit"),
        path("workdays/year/<int:year>/delete/", views.year_delete, name="workdays_year_delete"),
        path("workdays/import/", views.import_view, name="workdays_import"),
        path("workdays/export.xlsx", views.export, name="workdays_export"),
    ]


@hooks.register("register_admin_menu_item")
def register_workdays_menu_item():
    return MenuItem(_("工作日历"), reverse("workdays_index"), icon_name="date", order=270)


@hooks.register("register_permissions")
def register_workdays_permissions():
    # Shown in 设置 → 用户组, so an administrator can let a group enter new years.
    return Permission.objects.filter(
        content_type__app_label="workdays", codename="change_holidayyear"
    )


@hooks.register("register_log_actions")
def register_workdays_log_actions(actions):
    from govmedia.core.audit import StateChangeFormatter
    from govmedia.workdays import actions as workdays_actions

    @actions.register_action(workdays_actions.YEAR_SAVE)
    class YearSave(StateChangeFormatter):
        label = "录入节假日安排"

    @actions.register_action(workdays_actions.YEAR_DELETE)
    class YearDelete(StateChangeFormatter):
        label = "删除节假日安排"

    @actions.register_action(workdays_actions.DAYS_IMPORT)
    class DaysImport(StateChangeFormatter):
        label = "导入节假日安排"
