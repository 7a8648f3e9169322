"""The 传播分析 admin pages: the monthly report (page, .xlsx, PDF), the export import, category overrides.

Every view asks `access.visible_departments`: a supervisor sees every
department, anyone else their own; a department outside that in the
address is refused, not silently widened.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from govmedia.core import tabular
from govmedia.core.forms import table_error_message
from govmedia.orgs.models import Department
from govmedia.reach import exports
from govmedia.reach import report as reports
from govmedia.reach.access import can_see, visible_departments
from govmedia.reach.forms import CategoryForm, ImportForm
from govmedia.reach.importing import do_import_export
from govmedia.reach.models import Category, Post
from govmedia.reach.store import do_set_post_category

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible(request) -> set[int] | None:
    visible = visible_departments(request.user)
    if visible is not None and not visible:
        raise PermissionDenied
    return visible


def _departments(visible: set[int] | None):
    qs = Department.objects.order_by("order", "name")
    return qs if visible is None else qs.filter(pk__in=visible)


def report(request):
    visible = _visible(request)
    departments = list(_departments(visible))
    today = timezone.localdate()
    default_month = f"{today:%Y-%m}"
    month = request.GET.get("month") or default_month
    chosen = request.GET.get("department") or ""
    department = None
    if chosen:
        try:
            department = Department.objects.get(pk=int(chosen))
        except (ValueError, Department.DoesNotExist) as exc:
            raise Http404 from exc
        if not can_see(request.user, department.pk):
            raise PermissionDenied
    elif visible is not None and len(departments) == 1:
        department = departments[0]
    ids = {department.pk} if department else visible
    label = department.name if department else ""
    try:
        built = reports.build(month, ids, label)
    except ValueError as exc:
        messages.error(request, str(exc))
        month = default_month
        built = reports.build(month, ids, label)
    fmt = request.GET.get("format")
    name = f"reach-report-{month}{'-' + str(department.pk) if department else ''}"
    if fmt == "xlsx":
        response = HttpResponse(reports.to_xlsx(built), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(reports.to_pdf(built), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if fmt:
        raise Http404
    query = request.GET.copy()
    query.pop("format", None)
    query["month"] = month
    return render(
        request,
        "reach/report.html",
        {
            "report": built,
            "month": month,
            "departments": departments,
            "department": department,
            "supervisor": visible is None,
            "charts": reports.charts(built),
            "query": query.urlencode(),
            "categories": Category.choices,
        },
    )


def import_view(request):
    visible = _visible(request)
    channels = reports.channels_for(visible)
    form = ImportForm(request.POST or None, request.FILES or None, channels=channels)
    parsed = result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        export = form.cleaned_data["export"]
        try:
            parsed = exports.parse(
                upload,
                upload.name,
                export,
                overrides=getattr(settings, "GOVMEDIA_REACH_EXPORT_COLUMNS", None),
            )
        except tabular.TableError as exc:
            form.add_error("file", table_error_message(exc))
        if parsed is not None and parsed.missing_headers:
            form.add_error(
                "file",
                f"表头缺少必需的列：{'、'.join(parsed.missing_headers)}。请确认导出文件类型是否选对。",
            )
            parsed = None
        if parsed is not None and (parsed.posts or parsed.days):
            result = do_import_export(
                request.user,
                form.cleaned_data["channel"],
                parsed,
                form.cleaned_data["day"],
                source_name=upload.name,
            )
    return render(
        request,
        "reach/import.html",
        {
            "form": form,
            "parsed": parsed,
            "result": result,
            "columns": exports.DEFAULT_COLUMNS,
            "labels": exports.EXPORT_LABELS,
        },
    )


@require_POST
def post_category(request, post_id: int):
    post = get_object_or_404(Post.objects.select_related("channel"), pk=post_id)
    if not can_see(request.user, post.channel.department_id):
        raise PermissionDenied
    form = CategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "分类无效。")
    else:
        do_set_post_category(request.user, post, form.cleaned_data["category"])
        messages.success(
            request, f"已将“{post.title[:30]}”的分类改为{post.get_effective_category_display()}。"
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "reach_report")
