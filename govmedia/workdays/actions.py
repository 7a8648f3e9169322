"""Every change to the calendar: enter (or replace) a year, import days, delete a year.

Each function checks the permission, runs in one transaction and writes one
audit record per year it changes (govmedia.core.audit), so the admin page, the
import and the command line change the calendar the same way. ``user=None``
is the system: a management command run by the operator, audited as such;
a web request always passes its (possibly anonymous) user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from govmedia.core.audit import log_state_change
from govmedia.workdays.builtin import builtin_schedule
from govmedia.workdays.models import HolidayYear, SpecialDay
from govmedia.workdays.schedule import HOLIDAY, WORKDAY, Entry, entries_from_maps
from govmedia.workdays.signals import send_calendar_changed

YEAR_SAVE = "govmedia.workdays_year_save"
YEAR_DELETE = "govmedia.workdays_year_delete"
DAYS_IMPORT = "govmedia.workdays_import"
EDIT_PERMISSION = "workdays.change_holidayyear"
NOT_ENTERED = "未录入（只按周末计算）"


def can_edit(user) -> bool:
    """Superusers, and whoever holds workdays.change_holidayyear (through a group)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.has_perm(EDIT_PERMISSION))


def _require_edit(user) -> None:
    if user is not None and not can_edit(user):
        raise PermissionDenied


def _counts(entries: Iterable[Entry]) -> str:
    entries = list(entries)
    holidays = sum(1 for e in entries if e.kind == HOLIDAY)
    workdays = sum(1 for e in entries if e.kind == WORKDAY)
    return f"放假 {holidays} 天、调休上班 {workdays} 天"


def describe_year(year: int, row: HolidayYear | None = None) -> str:
    """The state of a year as the audit record shows it."""
    if row is None:
        row = HolidayYear.objects.filter(year=year).first()
    if row is not None:
        return f"{row.get_source_display()}：{_counts(row.entries())}"
    return _describe_unstored(year)


def _describe_unstored(year: int) -> str:
    builtin = builtin_schedule()
    if year in builtin.years:
        return "内置：" + _counts(entries_from_maps(builtin.holidays, builtin.workdays, year))
    return NOT_ENTERED


def _replace_days(row: HolidayYear, entries: Iterable[Entry]) -> None:
    row.days.all().delete()
    SpecialDay.objects.bulk_create(
        SpecialDay(year=row, day=e.day, kind=e.kind, name=e.name) for e in entries
    )


def do_save_holiday_year(
    user,
    *,
    year: int,
    entries: list[Entry],
    announced_by: str = "",
    note: str = "",
    source: str = HolidayYear.Source.ADMIN,
) -> HolidayYear:
    """Enter a year's whole schedule, replacing what the year had (built-in or entered)."""
    _require_edit(user)
    if any(e.day.year != year for e in entries):
        raise ValueError(f"entries outside {year}")
    with transaction.atomic():
        row = HolidayYear.objects.select_for_update().filter(year=year).first()
        before = describe_year(year, row)
        if row is None:
            row = HolidayYear(year=year)
        row.source = source
        row.announced_by = announced_by
        row.note = note
        row.entered_by = user
        row.entered_at = timezone.now()
        row.save()
        _replace_days(row, entries)
        log_state_change(
            row,
            YEAR_SAVE,
            before=before,
            after=f"{row.get_source_display()}：{_counts(entries)}",
            user=user,
            year=year,
            announced_by=announced_by,
        )
        send_calendar_changed(year)
    return row


def do_delete_holiday_year(user, *, year: int) -> None:
    """Remove an entered year: the package's schedule (or weekends only) applies again."""
    _require_edit(user)
    with transaction.atomic():
        row = HolidayYear.objects.select_for_update().get(year=year)
        log_state_change(
            row,
            YEAR_DELETE,
            before=describe_year(year, row),
            after=_describe_unstored(year),
            user=user,
            year=year,
        )
        row.delete()
        send_calendar_changed(year)


@dataclass
class YearImport:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    seeded_from_builtin: bool = False


@dataclass
class ImportResult:
    years: list[YearImport] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(y.created for y in self.years)

    @property
    def updated(self) -> int:
        return sum(y.updated for y in self.years)


def do_import_special_days(
    user, entries: list[Entry], *, announced_by: dict[int, str], source_name: str = ""
) -> ImportResult:
    """Merge days into their years, in one transaction.

    A day already entered is updated; a year not yet in the database is
    created, starting from the package's schedule when the package knows it
    (so one corrected row does not drop the rest of a built-in year).
    """
    _require_edit(user)
    by_year: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_year[entry.day.year].append(entry)
    result = ImportResult()
    builtin = builtin_schedule()
    with transaction.atomic():
        for year in sorted(by_year):
            report = YearImport(year=year)
            row = HolidayYear.objects.select_for_update().filter(year=year).first()
            before = describe_year(year, row)
            if row is None:
                row = HolidayYear(year=year, source=HolidayYear.Source.ADMIN)
                row.entered_at = timezone.now()
                row.entered_by = user
                row.save()
                if year in builtin.years:
                    _replace_days(row, entries_from_maps(builtin.holidays, builtin.workdays, year))
                    report.seeded_from_builtin = True
            existing = {day.day: day for day in row.days.all()}
            for entry in by_year[year]:
                day = existing.get(entry.day)
                if day is None:
                    SpecialDay.objects.create(
                        year=row, day=entry.day, kind=entry.kind, name=entry.name
                    )
                    report.created += 1
                elif (day.kind, day.name) != (entry.kind, entry.name):
                    day.kind, day.name = entry.kind, entry.name
                    day.save(update_fields=["kind", "name", "updated_at"])
                    report.updated += 1
                else:
                    report.unchanged += 1
            row.source = HolidayYear.Source.ADMIN
            if announced_by.get(year):
                row.announced_by = announced_by[year]
            row.entered_by = user
            row.entered_at = timezone.now()
            row.save()
            log_state_change(
                row,
                DAYS_IMPORT,
                before=before,
                after=describe_year(year, row),
                user=user,
                year=year,
                source=source_name,
                created=report.created,
                updated=report.updated,
            )
            result.years.append(report)
        send_calendar_changed(*sorted(by_year))
    return result
