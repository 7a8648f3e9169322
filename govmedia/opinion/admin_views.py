"""The admin of 监测方案, the 辟谣库 and data vendors: Wagtail model views scoped by `access`.

A plan or claim of a department the user does not handle is not found (404)
in every view (edit, delete, history, usage); the listing shows only the
user's departments' rows; the department field offers only those
departments, and a form posted with another one is refused. Vendors are the
supervisors' (`access.SupervisorOnlyPolicy`: anyone else gets 403).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

from govmedia.core.admin_columns import yes_no_column
from govmedia.opinion import access
from govmedia.opinion.models import Claim, MonitoringPlan, Vendor


class ScopedMixin:
    """Rows outside the user's departments are simply not found."""

    def scoped_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change", "delete"]
        )


class ScopedIndexView(ScopedMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=self.scoped_queryset().values("pk"))


class DepartmentFormMixin:
    """The department field offers the user's departments only (required unless a supervisor);
    the analyst field, the people of those departments."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        user = self.request.user
        field = form.fields.get("department")
        if field is not None:
            field.queryset = access.assignable_departments(user)
            if access.visible_departments(user) is not None:
                field.required = True
        analyst = form.fields.get("analyst")
        if analyst is not None:
            analyst.queryset = access.assignable_analysts(user)
        return form


class ScopedCreateView(DepartmentFormMixin, generic.CreateView):
    pass


class ScopedEditView(ScopedMixin, DepartmentFormMixin, generic.EditView):
    def get_queryset(self):
        return self.scoped_queryset()


class ScopedDeleteView(ScopedMixin, generic.DeleteView):
    def get_queryset(self):
        return self.scoped_queryset()


class ScopedHistoryView(ScopedMixin, HistoryView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedUsageView(ScopedMixin, UsageView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedViewSet(ModelViewSet):
    """Permissions come from `access.ScopedPolicy`; no group checkboxes for these models."""

    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView

    def get_permissions_to_register(self):
        return Permission.objects.none()


class PlanViewSet(ScopedViewSet):
    model = MonitoringPlan
    name = "opinion_plans"
    url_prefix = "opinion/plans"
    icon = "search"
    menu_label = _("监测方案")
    form_fields = [
        "name",
        "department",
        "expression",
        "exclusions",
        "analyst",
        "watch_names",
        "enabled",
    ]
    list_display = ["name", "department", "analyst", yes_no_column(MonitoringPlan, "enabled")]
    list_filter = ["enabled"]
    search_fields = ["name", "expression"]


class ClaimViewSet(ScopedViewSet):
    model = Claim
    name = "opinion_claims"
    url_prefix = "opinion/claims"
    icon = "doc-full"
    menu_label = _("辟谣库")
    form_fields = ["text", "verdict", "date", "rebuttal_url", "rebuttal", "department"]
    list_display = ["text", "verdict", "date", "department"]
    list_filter = ["verdict"]
    search_fields = ["text"]


class VendorViewSet(ModelViewSet):
    model = Vendor
    name = "opinion_vendors"
    url_prefix = "opinion/vendors"
    icon = "key"
    menu_label = _("舆情数据供应商")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    # The binding to departments and plans is read by access.vendor_plan_ids.
    form_fields = ["name", "enabled", "departments", "plans"]
    list_display = [
        "name",
        Column("token_prefix", label=_("令牌前缀")),
        Column("scope", label=_("限定范围"), accessor="scope_label"),
        yes_no_column(Vendor, "enabled"),
        "created_at",
    ]

    def get_permissions_to_register(self):
        return Permission.objects.none()
