"""The 信息源 admin: the list, the form with its 试读 preview, a source's page, 立即读取 and upload."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.views import generic

from govmedia.sources import service
from govmedia.sources.forms import UploadForm
from govmedia.sources.models import Kind, Source, Status

ENTRIES_PER_PAGE = 50
PROBES_SHOWN = 48  # two days at the default hourly probe


def _require_change(request: HttpRequest) -> None:
    if not request.user.has_perm("sources.change_source"):
        raise PermissionDenied


class SourceIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(entry_count=Count("entries"))


class PreviewMixin:
    """试读: the form's 'preview' button reads the source with the unsaved values and shows what it finds.

    A column's preview also proposes selectors (guess_selectors); 'use_guess'
    puts them into the form and reads again with them.
    """

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        if self.request.method == "POST" and "use_guess" in self.request.POST:  # type: ignore[attr-defined]
            data = self.request.POST.copy()  # type: ignore[attr-defined]
            data["config"] = data.get("guessed_config", "")
            kwargs["data"] = data
        return kwargs

    def post(self, request, *args, **kwargs):
        if "preview" in request.POST or "use_guess" in request.POST:
            if not hasattr(self, "object"):
                self.object = self.object_for_preview()
            form = self.get_form()  # type: ignore[attr-defined]
            preview = None
            if form.is_valid():
                preview = service.preview_source(
                    form.cleaned_data["kind"], form.cleaned_data["url"], form.cleaned_data["config"]
                )
            context = self.get_context_data(form=form, preview=preview)  # type: ignore[attr-defined]
            return self.render_to_response(context)  # type: ignore[attr-defined]
        return super().post(request, *args, **kwargs)  # type: ignore[misc]


class SourceCreateView(PreviewMixin, generic.CreateView):
    template_name = "sources/source_create.html"

    def object_for_preview(self):
        return None


class SourceEditView(PreviewMixin, generic.EditView):
    template_name = "sources/source_edit.html"

    def object_for_preview(self):
        return self.get_object()


class SourceInspectView(generic.InspectView):
    template_name = "sources/source_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source: Source = self.object
        entries = source.entries.order_by("-published_at", "-pk")
        page = Paginator(entries, ENTRIES_PER_PAGE).get_page(self.request.GET.get("page"))
        up, total = source.availability(days=7)
        context.update(
            source=source,
            entries_page=page,
            entry_count=page.paginator.count,
            undated_count=source.entries.filter(published_at__isnull=True).count(),
            probes=source.probes.order_by("-at")[:PROBES_SHOWN],
            availability=(up, total, round(100 * up / total, 1) if total else None),
            can_change=self.request.user.has_perm("sources.change_source"),
            upload_form=UploadForm() if source.kind == Kind.TABULAR else None,
            is_busy=source.status == Status.RUNNING or source.progress.startswith("已排队"),
        )
        return context


@require_POST
def run_now(request: HttpRequest, pk: int) -> HttpResponse:
    """立即读取: enqueue a read; the source's page shows its progress."""
    _require_change(request)
    source = get_object_or_404(Source, pk=pk)
    if source.status == Status.RUNNING:
        messages.warning(request, _("“%(name)s”正在读取中。") % {"name": source.name})
    else:
        service.request_run(source.pk)
        messages.success(
            request, _("已安排读取“%(name)s”，后台进程空闲时开始。") % {"name": source.name}
        )
    return redirect("sources:inspect", source.pk)


def status_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The row's state, polled by the source's page while it runs."""
    if not request.user.has_perm("sources.view_source") and not request.user.has_perm(
        "sources.change_source"
    ):
        raise PermissionDenied
    source = get_object_or_404(Source, pk=pk)
    return JsonResponse(
        {
            "status": source.status,
            "status_label": source.status_summary(),
            "progress": source.progress,
            "last_error": source.last_error,
            "busy": source.status == Status.RUNNING or source.progress.startswith("已排队"),
        }
    )


@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Read an exported table into a tabular source; bad rows are listed, good rows kept."""
    _require_change(request)
    source = get_object_or_404(Source, pk=pk, kind=Kind.TABULAR)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要导入的文件。"))
        return redirect("sources:inspect", source.pk)
    upload_file = form.cleaned_data["file"]
    outcome = service.import_table(source.pk, upload_file.read(), upload_file.name)
    if outcome.status == "skipped":
        messages.warning(request, _("“%(name)s”正在读取中，请稍后再导入。") % {"name": source.name})
    elif outcome.status == "error":
        messages.error(request, outcome.error)
    else:
        text = _("已导入 %(read)s 条（新增 %(new)s 条）。") % {
            "read": outcome.read,
            "new": len(outcome.new_keys),
        }
        if outcome.warnings:
            text += _("有 %(count)s 行未导入，见“最近提示”。") % {"count": len(outcome.warnings)}
            messages.warning(request, text)
        else:
            messages.success(request, text)
    return redirect("sources:inspect", source.pk)
