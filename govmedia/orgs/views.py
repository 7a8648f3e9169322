"""Admin views of 机构与渠道: the .xlsx import page and its downloads, and the scoped generic views."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets.button import HeaderButton

from govmedia.orgs.forms import ImportForm, MembershipFormSet, max_import_bytes
from govmedia.orgs.importing import (
    HEADERS,
    KIND_LABELS,
    KINDS,
    REQUIRED_HEADERS,
    ImportFileError,
    export_workbook,
    import_workbook,
    template_workbook,
)
from govmedia.orgs.models import Department, Membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_ROWS_SESSION_KEY = "orgs_bad_rows_{kind}"


def _require_administrator(request) -> None:
    if not (request.user.is_authenticated and request.user.is_active and request.user.is_superuser):
        raise PermissionDenied


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# ---------------------------------------------------------------- import page


class ImportView(WagtailAdminTemplateMixin, FormView):
    """Upload a workbook of one kind; show counts and bad rows, offer the bad rows back."""

    form_class = ImportForm
    template_name = "orgs/import.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _require_administrator(request)
        self.kind = _kind(kwargs["kind"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("导入%(label)s") % {"label": KIND_LABELS[self.kind]}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            kinds=[(k, KIND_LABELS[k]) for k in KINDS],
            headers=[(h, h in REQUIRED_HEADERS[self.kind]) for h in HEADERS[self.kind]],
            max_mb=max_import_bytes() // 1024 // 1024,
            template_url=reverse("orgs_import_template", args=[self.kind]),
            export_url=reverse("orgs_export", args=[self.kind]),
        )
        return context

    def form_valid(self, form):
        session_key = BAD_ROWS_SESSION_KEY.format(kind=self.kind)
        try:
            report = import_workbook(self.kind, form.cleaned_data["file"])
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if report.errors:
            self.request.session[session_key] = base64.b64encode(report.bad_rows_workbook()).decode(
                "ascii"
            )
        else:
            self.request.session.pop(session_key, None)
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(),
                report=report,
                errors_by_row=sorted(report.errors_by_row().items()),
                bad_rows_url=reverse("orgs_import_bad_rows", args=[self.kind])
                if report.errors
                else "",
            )
        )


def import_template(request, kind: str) -> HttpResponse:
    _require_administrator(request)
    kind = _kind(kind)
    return _xlsx_response(template_workbook(kind), f"{kind}-template.xlsx")


def import_bad_rows(request, kind: str) -> HttpResponse:
    _require_administrator(request)
    kind = _kind(kind)
    encoded = request.session.get(BAD_ROWS_SESSION_KEY.format(kind=kind))
    if not encoded:
        raise Http404
    return _xlsx_response(base64.b64decode(encoded), f"{kind}-bad-rows.xlsx")


def export(request, kind: str) -> HttpResponse:
    """Everything of `kind` in the import format (the listings' own export is for reading)."""
    _require_administrator(request)
    kind = _kind(kind)
    return _xlsx_response(export_workbook(kind), f"{kind}.xlsx")


class ImportButtonMixin:
    """Adds an 导入 button to an index view for administrators."""

    import_kind = ""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.is_superuser and self.import_kind:
            buttons.append(
                HeaderButton(
                    _("导入 Excel"),
                    url=reverse("orgs_import", args=[self.import_kind]),
                    icon_name="upload",
                )
            )
        return buttons


# ---------------------------------------------------------------- departments


class DepartmentIndexView(ImportButtonMixin, generic.IndexView):
    import_kind = "departments"

    def order_queryset(self, queryset):
        # Without an explicit sort, list departments depth-first so indentation shows the tree.
        if self.request.GET.get("ordering"):
            return super().order_queryset(queryset)
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Department.objects.order_by("order", "id").values_list(
            "pk", "parent_id"
        ):
            children.setdefault(parent_id, []).append(pk)
        ordered: list[int] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            pk = stack.pop()
            ordered.append(pk)
            stack.extend(reversed(children.get(pk, [])))
        position = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ordered)],
            output_field=IntegerField(),
        )
        return queryset.order_by(position, "pk") if ordered else queryset


# ---------------------------------------------------------------- channels


class DepartmentDeleteView(generic.DeleteView):
    """Deleting a department that still has sub-departments, pages or records says why, in Chinese.

    Wagtail refuses a protected deletion only when its reference index lists
    the references (and then with a bare permission refusal); a department's
    children and catalogue page are protected by the database's own foreign
    keys. So Django's deletion collector is asked first, which deletes nothing.
    """

    def form_valid(self, form):
        blockers = self._blockers()
        if blockers:
            messages.error(
                self.request,
                _("“%(name)s”仍被以下内容引用，不能删除：%(what)s。可改为停用。")
                % {"name": self.object, "what": "、".join(blockers)},
            )
            return redirect(self.get_success_url())
        return super().form_valid(form)

    def _blockers(self) -> list[str]:
        collector = Collector(using=router.db_for_write(Department))
        try:
            collector.collect([self.object])
        except (ProtectedError, RestrictedError) as error:
            return sorted({str(obj) for obj in error.args[1]})[:5]
        return []


class ScopedChannelMixin:
    """Channels outside the user's reach are simply not found (404), in every view."""

    scope_actions = ("view", "change")

    def scoped_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, list(self.scope_actions)
        )


class ChannelIndexView(ScopedChannelMixin, ImportButtonMixin, generic.IndexView):
    import_kind = "channels"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(pk__in=self.scoped_queryset().values("pk"))
            .select_related("department")
        )


class ChannelFormMixin:
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        user = self.request.user
        if not user.is_superuser and "department" in form.fields:
            own = self.permission_policy._editor_departments(user)
            form.fields["department"].queryset = Department.objects.filter(pk__in=own)
        return form


class ChannelCreateView(ChannelFormMixin, generic.CreateView):
    pass


# Other apps add sections to a channel's edit form (publishing: the channel's API
# credentials) through this hook, so orgs imports none of them. A hook function
# takes (request, channel, data) and returns None or a section with
# `is_valid()`, `save(user, channel)` and `render()` (its HTML, inside the form).
CHANNEL_FORM_SECTIONS_HOOK = "orgs_channel_form_sections"


class ChannelFormSectionsMixin:
    """The edit form plus the sections other apps register, validated and saved together."""

    template_name = "orgs/channel_form.html"

    def get_sections(self):
        if not hasattr(self, "_sections"):
            data = self.request.POST if self.request.method == "POST" else None
            sections = (
                make(self.request, self.object, data)
                for make in hooks.get_hooks(CHANNEL_FORM_SECTIONS_HOOK)
            )
            self._sections = [section for section in sections if section is not None]
        return self._sections

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = self.get_sections()
        return context

    def is_valid(self, form):
        valid = super().is_valid(form)
        sections_valid = all([section.is_valid() for section in self.get_sections()])
        if valid and not sections_valid:
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
        return valid and sections_valid

    def save_instance(self):
        with transaction.atomic():
            channel = super().save_instance()
            for section in self.get_sections():
                section.save(self.request.user, channel)
        return channel


class ChannelEditView(
    ScopedChannelMixin, ChannelFormSectionsMixin, ChannelFormMixin, generic.EditView
):
    scope_actions = ("change",)

    def get_queryset(self):
        return self.scoped_queryset()


class ChannelInspectView(ScopedChannelMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset(), pk=self.pk)


class ChannelHistoryView(ScopedChannelMixin, HistoryView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ChannelUsageView(ScopedChannelMixin, UsageView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


# ---------------------------------------------------------------- people


class PersonFormsetMixin:
    """The person's form plus one row per (机构, 角色), saved together."""

    template_name = "orgs/person_form.html"

    def get_formset(self):
        if not hasattr(self, "_formset"):
            instance = self.object if getattr(self, "object", None) and self.object.pk else None
            data = self.request.POST if self.request.method == "POST" else None
            self._formset = MembershipFormSet(data, instance=instance, prefix="memberships")
        return self._formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formset"] = self.get_formset()
        return context

    def is_valid(self, form):
        valid = super().is_valid(form)
        formset_valid = self.get_formset().is_valid()
        if valid and not formset_valid:
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
        return valid and formset_valid

    def save_instance(self):
        with transaction.atomic():
            person = self.form.save()
            formset = self.get_formset()
            formset.instance = person
            formset.save()
            phone = self.form.cleaned_data.get("phone", "")
            Membership.objects.filter(user=person).exclude(phone=phone).update(phone=phone)
        return person


class PersonIndexView(ImportButtonMixin, generic.IndexView):
    import_kind = "people"

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("memberships__department")


class PersonCreateView(PersonFormsetMixin, generic.CreateView):
    pass


class PersonEditView(PersonFormsetMixin, generic.EditView):
    pass


PERSON_ROLE_LABEL = gettext_lazy("机构与角色")
