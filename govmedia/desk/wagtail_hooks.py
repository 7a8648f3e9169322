"""The 政民互动 menu, its pages, the routing rules' admin, the audit labels, and an item's messages link."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from govmedia.core.admin_columns import yes_no_column
from govmedia.desk import access, admin_views
from govmedia.desk.forms import RoutingRuleForm, kind_labels
from govmedia.desk.models import RoutingRule

MENU_HOOK = "register_desk_menu_item"


class SupervisorOnlyPolicy(BasePermissionPolicy):
    """Routing rules decide where every message goes: supervisors keep them."""

    def user_has_permission(self, user, action):
        return access.can_supervise(user)

    def user_has_any_permission(self, user, actions):
        return access.can_supervise(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


register_permission_policy(RoutingRule, SupervisorOnlyPolicy(RoutingRule))


class RoutingRuleViewSet(ModelViewSet):
    model = RoutingRule
    name = "desk_rules"
    url_prefix = "desk/rules"
    icon = "redirect"
    menu_label = _("分派规则")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        Column("kinds", label=_("适用类型"), accessor=kind_labels),
        "department",
        "order",
        yes_no_column(RoutingRule, "enabled"),
    ]
    list_filter = ["department", "enabled"]
    search_fields = ["name", "keywords", "places"]

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def get_form_class(self, for_update=False):
        return RoutingRuleForm


rules_viewset = RoutingRuleViewSet()


@hooks.register("register_admin_viewset")
def register_rules_viewset():
    return rules_viewset


class ShownIf(MenuItem):
    def __init__(self, *args, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown

    def is_shown(self, request):
        return self.shown is None or self.shown(request.user)


def _staff(user) -> bool:
    return access.can_supervise(user) or bool(access.handled_department_ids(user))


@hooks.register("register_admin_menu_item")
def register_desk_menu():
    return SubmenuMenuItem(
        "政民互动", Menu(register_hook_name=MENU_HOOK), icon_name="mail", order=260
    )


@hooks.register(MENU_HOOK)
def todo_item():
    return ShownIf("待办", reverse("desk_todo"), icon_name="tasks", order=100, shown=_staff)


@hooks.register(MENU_HOOK)
def overdue_item():
    return ShownIf(
        "超期督办",
        reverse("desk_overdue"),
        icon_name="warning",
        order=200,
        shown=access.can_supervise,
    )


@hooks.register(MENU_HOOK)
def moderation_item():
    return ShownIf(
        "待审核", reverse("desk_moderation"), icon_name="help", order=300, shown=access.can_moderate
    )


@hooks.register(MENU_HOOK)
def all_item():
    return ShownIf("全部留言", reverse("desk_all"), icon_name="list-ul", order=400, shown=_staff)


@hooks.register(MENU_HOOK)
def rules_item():
    return ShownIf(
        "分派规则",
        reverse(rules_viewset.get_url_name("index")),
        icon_name="redirect",
        order=500,
        shown=access.can_supervise,
    )


@hooks.register("register_admin_urls")
def desk_urls():
    return [
        path("desk/", admin_views.todo, name="desk_todo"),
        path("desk/overdue/", admin_views.overdue, name="desk_overdue"),
        path("desk/moderation/", admin_views.moderation, name="desk_moderation"),
        path("desk/all/", admin_views.all_messages, name="desk_all"),
        path("desk/messages/<int:message_id>/", admin_views.message_page, name="desk_message"),
    ]


def _item_messages_button(page, user):
    from govmedia.publishing.models import ItemPage

    if page.specific_class is not ItemPage:
        return
    count = access.messages_for(user).filter(item_id=page.pk).count()
    if count:
        yield Button(
            f"本信息的留言 ({count})",
            f"{reverse('desk_all')}?item={page.pk}",
            priority=47,
            icon_name="mail",
        )


# On the item's own pages only (not in listings, where it would cost a count per row).
@hooks.register("register_page_header_buttons")
def item_messages_header_button(page, user, view_name, next_url=None):
    yield from _item_messages_button(page, user)


@hooks.register("register_log_actions")
def register_desk_log_actions(actions):
    from govmedia.core.audit import StateChangeFormatter
    from govmedia.desk import actions as desk_actions

    labels = {
        **{
            desk_actions.AUDIT_ACTIONS[name]: label
            for name, label in desk_actions.ACTION_LABELS.items()
        },
        desk_actions.AUDIT_ESCALATE: "超期督办",
        desk_actions.AUDIT_EXPIRE_CONSULTATION: "第三方意见征询逾期",
    }
    details = {
        desk_actions.AUDIT_ACTIONS[access.TRANSFER]: "reason",
        desk_actions.AUDIT_ACTIONS[access.EXTEND]: "reason",
        desk_actions.AUDIT_ACTIONS[access.REJECT]: "reason",
        desk_actions.AUDIT_ACTIONS[access.REQUEST_CORRECTION]: "what",
    }
    for name, label in labels.items():
        key = details.get(name, "")

        def detail(self, data, key=key):
            number = data.get("number", "")
            extra = data.get(key, "") if key else ""
            return "；".join(part for part in (number, extra) if part)

        formatter = type(
            f"Desk{name.rsplit('.', 1)[-1].title().replace('_', '')}",
            (StateChangeFormatter,),
            {"label": label, "detail": detail},
        )
        actions.register_action(name)(formatter)


# ---------------------------------------------------------------- statistics and the annual report


@hooks.register(MENU_HOOK)
def stats_item():
    from govmedia.desk import stats_views

    return ShownIf(
        "政民互动统计",
        reverse("desk_stats"),
        icon_name="table",
        order=600,
        shown=lambda user: stats_views.scope(user) != frozenset(),
    )


@hooks.register("register_admin_urls")
def desk_stats_urls():
    from govmedia.desk import annual_views, stats_views

    return [
        path("desk/stats/", stats_views.stats_page, name="desk_stats"),
        path("desk/annual-report/", annual_views.annual_page, name="desk_annual_report"),
    ]


@hooks.register(MENU_HOOK)
def annual_report_item():
    from govmedia.desk import stats_views

    return ShownIf(
        "信息公开年度报告",
        reverse("desk_annual_report"),
        icon_name="doc-full",
        order=700,
        shown=lambda user: stats_views.scope(user) != frozenset(),
    )


@hooks.register("register_log_actions")
def register_annual_report_log_action(actions):
    from govmedia.core.audit import StateChangeFormatter
    from govmedia.desk.annual_views import AUDIT_SAVE

    @actions.register_action(AUDIT_SAVE)
    class AnnualReportSaved(StateChangeFormatter):
        label = "保存政府信息公开工作年度报告"
