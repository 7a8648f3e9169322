"""What the rest of govmedia calls: `calendar()`, the calendar every deadline uses.

It is built from the chinesecalendar package's years plus the years entered in
the admin; a year in the database replaces the package's schedule for that
year. It is cached per process: saving or deleting a year or a day bumps the
in-process version at once (signals.py), and a fingerprint of the two tables
(row counts and latest change), read at most every RECHECK_SECONDS, makes other
processes (the worker, other web workers) notice an entry within seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q

from govmedia.workdays.builtin import builtin_schedule
from govmedia.workdays.calendar import Calendar
from govmedia.workdays.schedule import HOLIDAY, WORKDAY, Entry, entries_from_maps

RECHECK_SECONDS = 5.0

_lock = threading.Lock()
_version = 0


@dataclass(frozen=True)
class _Cached:
    version: int
    fingerprint: tuple[Any, ...]
    checked_at: float
    calendar: Calendar


_cached: _Cached | None = None


def bump_version() -> None:
    global _version
    with _lock:
        _version += 1


def _fingerprint() -> tuple[Any, ...]:
    from govmedia.workdays.models import HolidayYear, SpecialDay

    years = HolidayYear.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    days = SpecialDay.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (years["n"], years["last"], days["n"], days["last"])


def build_calendar() -> Calendar:
    """The package's years, with every year entered in the database in place of its own."""
    from govmedia.workdays.models import HolidayYear, SpecialDay

    builtin = builtin_schedule()
    entered = set(HolidayYear.objects.values_list("year", flat=True))
    holidays = {d: n for d, n in builtin.holidays.items() if d.year not in entered}
    workdays = {d: n for d, n in builtin.workdays.items() if d.year not in entered}
    for day, kind, name in SpecialDay.objects.values_list("day", "kind", "name"):
        (holidays if kind == HOLIDAY else workdays)[day] = name
    return Calendar(holidays, workdays, builtin.years | entered)


def calendar() -> Calendar:
    """The current calendar, rebuilt only when the entered years changed."""
    global _cached
    cached = _cached
    now = time.monotonic()
    version = _version
    if cached is not None and cached.version == version:
        if now - cached.checked_at < RECHECK_SECONDS:
            return cached.calendar
        fingerprint = _fingerprint()
        if fingerprint == cached.fingerprint:
            _cached = _Cached(version, fingerprint, now, cached.calendar)
            return cached.calendar
    else:
        fingerprint = _fingerprint()
    built = build_calendar()
    _cached = _Cached(version, fingerprint, now, built)
    return built


@dataclass(frozen=True)
class YearSummary:
    year: int
    source: str  # "package" (not stored), or a stored row's HolidayYear.Source
    source_label: str
    holidays: int
    workdays: int
    announced_by: str = ""
    entered_by: str = ""
    entered_at: Any = None
    stored: bool = False  # a database row (editable, deletable)
    overrides_builtin: bool = False


def known_years() -> list[YearSummary]:
    """Every known year, the database's rows in place of the package's, newest first."""
    from govmedia.workdays.models import HolidayYear

    builtin = builtin_schedule()
    rows = {
        row.year: row
        for row in HolidayYear.objects.select_related("entered_by").annotate(
            n_holidays=Count("days", filter=Q(days__kind=HOLIDAY)),
            n_workdays=Count("days", filter=Q(days__kind=WORKDAY)),
        )
    }
    summaries = []
    for year in sorted(builtin.years | set(rows), reverse=True):
        row = rows.get(year)
        if row is not None:
            summaries.append(
                YearSummary(
                    year=year,
                    source=row.source,
                    source_label=row.get_source_display(),
                    holidays=row.n_holidays,
                    workdays=row.n_workdays,
                    announced_by=row.announced_by,
                    entered_by=_person(row.entered_by),
                    entered_at=row.entered_at,
                    stored=True,
                    overrides_builtin=year in builtin.years,
                )
            )
        else:
            summaries.append(
                YearSummary(
                    year=year,
                    source="package",
                    source_label="内置",
                    holidays=sum(1 for d in builtin.holidays if d.year == year),
                    workdays=sum(1 for d in builtin.workdays if d.year == year),
                )
            )
    return summaries


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def year_entries(year: int) -> list[Entry]:
    """One year's schedule as the calendar uses it: the database's, else the package's."""
    from govmedia.workdays.models import HolidayYear

    row = HolidayYear.objects.filter(year=year).first()
    if row is not None:
        return row.entries()
    builtin = builtin_schedule()
    return entries_from_maps(builtin.holidays, builtin.workdays, year)


def is_builtin_year(year: int) -> bool:
    return year in builtin_schedule().years


def today() -> date:
    from django.utils import timezone

    return timezone.localdate()
