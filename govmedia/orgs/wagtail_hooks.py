"""The 机构与渠道 admin: departments, people and channels, with .xlsx import and export."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from govmedia.core.admin_columns import yes_no_column
from govmedia.orgs import views
from govmedia.orgs.filters import ChannelFilterSet
from govmedia.orgs.forms import PersonForm
from govmedia.orgs.models import Channel, Department, Person
from govmedia.orgs.policies import AdministratorOnlyPolicy, ChannelPermissionPolicy

# Registered before any viewset asks, so Wagtail never falls back to Django model permissions.
register_permission_policy(Department, AdministratorOnlyPolicy(Department))
register_permission_policy(Person, AdministratorOnlyPolicy(Person))
register_permission_policy(Channel, ChannelPermissionPolicy(Channel))


class PolicyOnlyMixin:
    """The policies above decide; group permission checkboxes for these models would mislead."""

    def get_permissions_to_register(self):
        return Permission.objects.none()


class DepartmentViewSet(PolicyOnlyMixin, ModelViewSet):
    model = Department
    name = "orgs_departments"
    url_prefix = "orgs/departments"
    icon = "site"
    menu_label = _("机构")
    index_view_class = views.DepartmentIndexView
    delete_view_class = views.DepartmentDeleteView
    copy_view_enabled = False
    list_per_page = 100
    form_fields = ["name", "short_name", "kind", "parent", "code", "order", "is_active"]
    list_display = [
        "tree_label",
        "short_name",
        "kind",
        "parent",
        "code",
        "order",
        yes_no_column(Department, "is_active"),
    ]
    list_filter = ["kind", "parent", "is_active"]
    search_fields = ["name", "short_name", "code"]
    list_export = ["name", "short_name", "get_kind_display", "parent", "code", "order", "is_active"]
    export_headings = {"get_kind_display": _("类型"), "parent": _("上级机构")}
    export_filename = "departments"


class PersonViewSet(PolicyOnlyMixin, ModelViewSet):
    model = Person
    name = "orgs_people"
    url_prefix = "orgs/people"
    icon = "user"
    menu_label = _("人员")
    index_view_class = views.PersonIndexView
    add_view_class = views.PersonCreateView
    edit_view_class = views.PersonEditView
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "username",
        Column("full_name", label=_("姓名"), accessor="get_full_name"),
        "roles_summary",
        yes_no_column(Person, "is_active"),
        "last_login",
    ]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name"]
    list_export = ["username", "get_full_name", "roles_summary", "is_active", "last_login"]
    export_headings = {"get_full_name": _("姓名")}
    export_filename = "people"

    def get_form_class(self, for_update=False):
        return PersonForm


class ChannelViewSet(PolicyOnlyMixin, ModelViewSet):
    model = Channel
    name = "orgs_channels"
    url_prefix = "orgs/channels"
    icon = "link"
    menu_label = _("渠道")
    index_view_class = views.ChannelIndexView
    add_view_class = views.ChannelCreateView
    edit_view_class = views.ChannelEditView
    inspect_view_class = views.ChannelInspectView
    history_view_class = views.ChannelHistoryView
    usage_view_class = views.ChannelUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    form_fields = list(Channel.EDITABLE_FIELDS)
    list_display = [
        "name",
        "department",
        "kind",
        "account_id",
        "responsible",
        "update_every_days",
        "status",
    ]
    filterset_class = ChannelFilterSet
    search_fields = ["name", "account_id", "url", "responsible"]
    list_export = [
        "department",
        "get_kind_display",
        "name",
        "url",
        "account_id",
        "responsible",
        "responsible_phone",
        "update_every_days",
        "get_status_display",
    ]
    export_headings = {
        "department": _("机构"),
        "get_kind_display": _("类型"),
        "get_status_display": _("状态"),
    }
    export_filename = "channels"


class OrgsViewSetGroup(ModelViewSetGroup):
    menu_label = _("机构与渠道")
    menu_icon = "group"
    menu_order = 250
    submenu_hook = "register_orgs_menu_item"
    items = (DepartmentViewSet, PersonViewSet, ChannelViewSet)


@hooks.register("register_log_actions")
def register_orgs_log_actions(actions):
    from govmedia.core.audit import StateChangeFormatter
    from govmedia.orgs import audit

    @actions.register_action(audit.ROLE_GRANT)
    class RoleGrant(StateChangeFormatter):
        label = "授予角色"

    @actions.register_action(audit.ROLE_REVOKE)
    class RoleRevoke(StateChangeFormatter):
        label = "撤销角色"

    @actions.register_action(audit.CHANNEL_STATUS)
    class ChannelStatusChange(StateChangeFormatter):
        label = "渠道状态变更"


@hooks.register("register_admin_viewset")
def register_orgs_viewsets():
    return OrgsViewSetGroup()


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_orgs_menu_item")
def register_import_menu_item():
    return AdministratorMenuItem(
        _("Excel 导入"), reverse("orgs_import", args=["departments"]), icon_name="upload", order=900
    )


@hooks.register("register_admin_urls")
def register_orgs_urls():
    return [
        path("orgs/import/<str:kind>/", views.ImportView.as_view(), name="orgs_import"),
        path(
            "orgs/import/<str:kind>/template.xlsx",
            views.import_template,
            name="orgs_import_template",
        ),
        path(
            "orgs/import/<str:kind>/bad-rows.xlsx",
            views.import_bad_rows,
            name="orgs_import_bad_rows",
        ),
        path("orgs/export/<str:kind>.xlsx", views.export, name="orgs_export"),
    ]
