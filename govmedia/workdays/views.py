"""The 工作日历 admin page: known years, a year's months, the calculator, entry, import, export.

Every admin user may look and calculate; entering, importing and deleting
need `actions.can_edit` (checked again inside each action).
"""

from __future__ import annotations

import calendar as month_tables
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from govmedia.core import tabular
from govmedia.core.forms import table_error_message
from govmedia.workdays import actions, service
from govmedia.workdays.builtin import builtin_schedule
from govmedia.workdays.calendar import Calendar
from govmedia.workdays.forms import MAX_YEAR, MIN_YEAR, CalculatorForm, ImportForm, YearForm
from govmedia.workdays.importing import export_workbook, parse_file
from govmedia.workdays.models import HolidayYear
from govmedia.workdays.schedule import format_lines

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH_NAMES = [f"{m}月" for m in range(1, 13)]
WEEKDAY_HEADINGS = ["一", "二", "三", "四", "五", "六", "日"]


def _require_edit(request) -> None:
    if not actions.can_edit(request.user):
        raise PermissionDenied


@dataclass(frozen=True)
class DayCell:
    day: int
    css: str  # "holiday", "makeup", "weekend" or ""
    reason: str
    iso: str


def month_grid(cal: Calendar, year: int) -> list[dict]:
    """Twelve months of weeks (Monday first), each day marked as the calendar counts it."""
    tables = month_tables.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in tables.monthdatescalendar(year, month):
            cells: list[DayCell | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                if day in cal.workdays and day.weekday() >= 5:
                    css = "makeup"
                elif day in cal.holidays:
                    css = "holiday"
                elif day.weekday() >= 5:
                    css = "weekend"
                else:
                    css = ""
                cells.append(DayCell(day.day, css, cal.reason(day), day.isoformat()))
            weeks.append(cells)
        months.append({"name": MONTH_NAMES[month - 1], "weeks": weeks})
    return months


def _year_param(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


def index(request):
    cal = service.calendar()
    today = service.today()
    year = _year_param(request, today.year)
    calculator = CalculatorForm(request.GET if "start" in request.GET else None)
    result = None
    if calculator.is_bound and calculator.is_valid():
        start, days = calculator.cleaned_data["start"], calculator.cleaned_data["days"]
        result = {"deadline": cal.add_workdays(start, days), "lines": cal.explain(start, days)}
    years = service.known_years()
    return render(
        request,
        "workdays/index.html",
        {
            "year": year,
            "year_known": year in cal.known_years,
            "months": month_grid(cal, year),
            "weekday_headings": WEEKDAY_HEADINGS,
            "years": years,
            "next_year": max(cal.known_years, default=today.year - 1) + 1,
            "calculator": calculator,
            "result": result,
            "can_edit": actions.can_edit(request.user),
            "year_row": HolidayYear.objects.filter(year=year).first(),
            "package_last_year": max(builtin_schedule().years),
        },
    )


def year_edit(request):
    """Enter (or replace) one year's schedule; GET ?year= fills the form with what it has now."""
    _require_edit(request)
    if request.method == "POST":
        form = YearForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            actions.do_save_holiday_year(
                request.user,
                year=data["year"],
                entries=form.entries,
                announced_by=data["announced_by"],
                note=data["note"],
            )
            messages.success(
                request,
                _("已保存 %(year)s 年的节假日安排，期限按新安排计算。") % {"year": data["year"]},
            )
            return redirect(f"{reverse('workdays_index')}?year={data['year']}")
        year = form.data.get("year", "")
    else:
        cal = service.calendar()
        year = _year_param(request, max(cal.known_years, default=service.today().year - 1) + 1)
        row = HolidayYear.objects.filter(year=year).first()
        form = YearForm(
            initial={
                "year": year,
                "lines": format_lines(service.year_entries(year)),
                "announced_by": row.announced_by if row else "",
                "note": row.note if row else "",
            }
        )
    return render(
        request,
        "workdays/year_form.html",
        {
            "form": form,
            "year": year,
            "is_builtin": str(year).isdigit() and service.is_builtin_year(int(year)),
        },
    )


@require_POST
def year_delete(request, year: int):
    _require_edit(request)
    if HolidayYear.objects.filter(year=year).exists():
        actions.do_delete_holiday_year(request.user, year=year)
        messages.success(request, _("已删除 %(year)s 年录入的安排。") % {"year": year})
    return redirect(f"{reverse('workdays_index')}?year={year}")


def import_view(request):
    _require_edit(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    parsed = result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = parse_file(upload, upload.name)
        except tabular.TableError as exc:
            if exc.reason == tabular.REASON_MISSING_COLUMNS:
                message = _("表头缺少必填列：%(columns)s。第一行应为：日期、名称、类型、文号。") % {
                    "columns": "、".join(exc.columns)
                }
            else:
                message = table_error_message(exc)
            form.add_error("file", message)
        if parsed is not None and parsed.entries:
            result = actions.do_import_special_days(
                request.user,
                parsed.entries,
                announced_by=parsed.announced_by,
                source_name=upload.name,
            )
    return render(
        request,
        "workdays/import.html",
        {"form": form, "parsed": parsed, "result": result},
    )


def export(request):
    """The schedule of one year (?year=) or of every known year, in the import format."""
    cal = service.calendar()
    years = sorted(cal.known_years)
    if "year" in request.GET:
        years = [y for y in years if str(y) == request.GET["year"]]
    rows_by_year = {row.year: row for row in HolidayYear.objects.filter(year__in=years)}
    rows = []
    for year in years:
        row = rows_by_year.get(year)
        source = row.get_source_display() if row else "内置"
        notice = row.announced_by if row else ""
        for entry in service.year_entries(year):
            rows.append((entry, notice, source))
    name = f"workdays-{years[0]}.xlsx" if len(years) == 1 else "workdays.xlsx"
    response = HttpResponse(export_workbook(rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
