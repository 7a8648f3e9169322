from __future__ import annotations

from django.urls import path
from django.utils.text import capfirst
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Site
from wagtail.sites.views import IndexView as SiteIndexView

from govmedia.core import rescue


@hooks.register("register_admin_urls")
def urls():
    return [
        path("kept/<uuid:kept_id>/", rescue.kept_form, name="govmedia_kept_form"),
        path(
            "kept/<uuid:kept_id>/discard/",
            rescue.discard_kept_form,
            name="govmedia_discard_kept_form",
        ),
    ]


class KeptFormsPanel(Component):
    """On the dashboard: forms kept when the session expired, for whoever logs in another way."""

    name = "govmedia_kept_forms"
    order = 10
    template_name = "core/kept_forms_panel.html"

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"kept_forms": rescue.kept_forms_of(self.user)}


@hooks.register("construct_homepage_panels")
def kept_forms_panel(request, panels):
    panels.insert(0, KeptFormsPanel(request.user))


@hooks.register("register_log_actions")
def register_login_log_actions(actions):
    from wagtail.log_actions import LogFormatter

    from govmedia.core import logins

    @actions.register_action(logins.ACTION_LOGIN_FAILED)
    class LoginFailed(LogFormatter):
        label = "登录失败"

        def format_message(self, log_entry) -> str:
            data = log_entry.data or {}
            if data.get("refused"):
                return f"登录被拒绝：账号已锁定（来自 {data.get('address') or '未知地址'}）"
            return f"登录失败：密码错误（来自 {data.get('address') or '未知地址'}）"

    @actions.register_action(logins.ACTION_LOCKED_OUT)
    class LockedOut(LogFormatter):
        label = "登录锁定"

        def format_message(self, log_entry) -> str:
            data = log_entry.data or {}
            return (
                f"连续 {data.get('failures')} 次登录失败，登录锁定 {data.get('minutes')} 分钟"
                f"（来自 {data.get('address') or '未知地址'}）"
            )


# Wagtail's release notes and editor guide are English pages on Wagtail's site
# that name Wagtail, not this installation; the help menu keeps the shortcuts.
WAGTAIL_HELP_ITEMS = ("whats-new-in-wagtail-", "editor-guide")


@hooks.register("construct_help_menu")
def keep_own_help_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS)]


@hooks.register("construct_reports_menu")
def hide_page_types_report(request, menu_items):
    # The page types report lists Django's internal type names
    # ("publishing.itempage") beside the Chinese ones; nobody here needs it.
    menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


def _label_site_columns() -> None:
    # Wagtail's site listing gives three columns no label, so their headers are
    # the field names in English ("Site name"); use the fields' translated names.
    for column in SiteIndexView.columns:
        if column.name in {"port", "site_name", "root_page"}:
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


_label_site_columns()
