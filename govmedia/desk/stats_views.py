"""The 政民互动统计 admin page: the figures of desk/stats.py as a table, charts and .xlsx.

A supervisor sees every department; a department's staff see their own and
those under it (`access.handled_department_ids`), and a department outside
that in the address is refused, not silently widened.
"""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from govmedia.desk import access, stats
from govmedia.desk.admin_views import forbidden
from govmedia.desk.models import Kind
from govmedia.orgs.models import Department

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SPAN_DAYS = 3660  # ten years: a period beyond is refused as a mistake


class StatsFilterForm(forms.Form):
    start = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部类型"), *Kind.choices], required=False
    )
    department = forms.ModelChoiceField(
        label="承办单位", queryset=Department.objects.none(), required=False, empty_label="全部单位"
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("起始日期不能晚于截止日期。")
            if (end - start).days > MAX_SPAN_DAYS:
                raise forms.ValidationError("统计区间不能超过十年。")
        return data


def scope(user) -> frozenset[int] | None:
    """The departments `user` may count: None for every one (a supervisor)."""
    if access.can_supervise(user):
        return None
    return frozenset(access.handled_department_ids(user))


def _departments(allowed: frozenset[int] | None):
    qs = Department.objects.order_by("name")
    return qs if allowed is None else qs.filter(pk__in=allowed)


def _period(request, allowed) -> tuple[StatsFilterForm, stats.Period | None]:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", dt.date(today.year, 1, 1).isoformat())
    data.setdefault("end", today.isoformat())
    form = StatsFilterForm(data, departments=_departments(allowed))
    if not form.is_valid():
        return form, None
    department = form.cleaned_data.get("department")
    ids = frozenset([department.pk]) if department else allowed
    period = stats.Period(
        form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["kind"], ids
    )
    return form, period


def stats_page(request):
    allowed = scope(request.user)
    if allowed is not None and not allowed:
        return forbidden(request, "只有监管员和各单位办理留言的工作人员可以查看政民互动统计。")
    form, period = _period(request, allowed)
    report = stats.compute(period) if period else None
    if report is not None and request.GET.get("export") == "xlsx":
        return _xlsx(report)
    query = request.GET.copy()
    query.pop("export", None)
    return TemplateResponse(
        request,
        "desk/stats/index.html",
        {
            "form": form,
            "report": report,
            "columns": stats.COLUMNS,
            "table": list(stats.table(report)) if report else [],
            "charts": _charts(report) if report else None,
            "query": query.urlencode(),
            "supervisor": allowed is None,
        },
    )


def _charts(report: stats.Report) -> dict:
    from govmedia.desk.models import Rating

    return {
        "departments": [r.department for r in report.rows],
        "received": [r.received for r in report.rows],
        "answered": [r.answered for r in report.rows],
        "on_time": [r.on_time for r in report.rows],
        "months": [m for m, _, _ in report.months],
        "month_received": [n for _, n, _ in report.months],
        "month_answered": [n for _, _, n in report.months],
        "ratings": [
            {"name": str(level.label), "value": report.total.ratings.get(level, 0)}
            for level in sorted(Rating, reverse=True)
        ],
    }


def _xlsx(report: stats.Report) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    period = report.period
    book = Workbook()
    sheet = book.active
    sheet.title = "政民互动统计"
    kind = f"，类型：{Kind(period.kind).label}" if period.kind else ""
    sheet.append([f"政民互动统计（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}{kind}）"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(stats.COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in stats.table(report):
        sheet.append(row)
    sheet.column_dimensions["A"].width = 28
    months = book.create_sheet("按月")
    months.append(["月份", "收到", "答复"])
    for row in report.months:
        months.append(list(row))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"desk-stats-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
