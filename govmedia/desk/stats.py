"""The desk's statistics per department and period, computed by the database (docs/desk-api.md).

For a period (first and last day, both included), optionally one kind and
some departments:

- received: messages received in the period (spam held or refused in
  moderation is not counted);
- answered: messages whose answer was given in the period (`answered_on`),
  whenever received;
- answered on time: of those, answered on or before their deadline
  (`Message.on_time`, set when the answer is given);
- overdue open: messages received in the period, still open now, whose
  deadline has passed (today is after `due_on`);
- handling time: `Message.handling_days`, the working days from the day after
  receipt to the answer, stored when the answer is given; its mean and its
  90th percentile (nearest rank: the smallest value that at least 90% of the
  answers do not exceed) over the answers of the period;
- ratings: the five 好差评 levels over the messages answered in the period
  and rated; the satisfaction rate is 非常满意 + 满意 + 基本满意 over all
  rated.

Everything but the overdue count is read from the running tallies of
desk/tally.py (per day or month, kind and department, kept by database
triggers): a period is its whole months' rows plus the days at either end,
at most a few thousand rows whatever its length, summed by the database per
department (the received, answered and on-time counts, the ratings and the
histogram of handling days 0..40; longer handling times from their own
table), and per month for the trend. The handling days are whole numbers,
so mean and percentile come exactly from the histogram, without sorting
rows. The overdue count depends on today and on the messages still open: a
grouped count of the open messages received in the period, read from a
partial index that holds only the open ones.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from govmedia.desk.models import OPEN_STATUSES, Message, Rating
from govmedia.desk.tally import NOT_COUNTED  # noqa: F401 (what the statistics leave out)
from govmedia.desk.tally_models import (
    COUNT_COLUMNS,
    MAX_DAYS,
    RATING_LEVELS,
    Span,
    StatsLongTally,
    StatsTally,
)
from govmedia.orgs.models import Department

SATISFIED = (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.NEUTRAL)
PERCENTILE = 0.9
UNDISPATCHED = "（未分派）"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included
    kind: str = ""
    department_ids: frozenset[int] | None = None  # None: every department


@dataclass
class Row:
    department_id: int | None
    department: str
    received: int = 0
    answered: int = 0
    on_time: int = 0
    overdue_open: int = 0
    days: dict[int, int] = field(default_factory=dict)  # handling days -> answers
    ratings: dict[int, int] = field(default_factory=dict)  # rating -> messages

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None

    @property
    def mean_days(self) -> float | None:
        n = sum(self.days.values())
        return sum(d * c for d, c in self.days.items()) / n if n else None

    @property
    def p90_days(self) -> int | None:
        return percentile(self.days, PERCENTILE)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfaction_rate(self) -> float | None:
        rated = self.rated
        return sum(self.ratings.get(r, 0) for r in SATISFIED) / rated if rated else None

    def add(self, other: Row) -> None:
        self.received += other.received
        self.answered += other.answered
        self.on_time += other.on_time
        self.overdue_open += other.overdue_open
        for d, c in other.days.items():
            self.days[d] = self.days.get(d, 0) + c
        for r, c in other.ratings.items():
            self.ratings[r] = self.ratings.get(r, 0) + c


@dataclass
class Report:
    period: Period
    rows: list[Row]
    total: Row
    months: list[tuple[str, int, int]]  # (YYYY-MM, received, answered)


def percentile(histogram: dict[int, int], q: float) -> int | None:
    """Nearest-rank percentile of a histogram {value: count}."""
    n = sum(histogram.values())
    if not n:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable")


def _spans(period: Period) -> Q:
    """The tally rows of the period: its whole months, and the days before and after them."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    after = _next_month(period.end)
    last = after if period.end == after - dt.timedelta(days=1) else period.end.replace(day=1)
    if first >= last:  # no whole month
        return Q(span=Span.DAY, day__gte=period.start, day__lte=period.end)
    return (
        Q(span=Span.MONTH, day__gte=first, day__lt=last)
        | Q(span=Span.DAY, day__gte=period.start, day__lt=first)
        | Q(span=Span.DAY, day__gte=last, day__lte=period.end)
    )


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)


def _filtered(qs, period: Period, department_field: str):
    if period.kind:
        qs = qs.filter(kind=period.kind)
    if period.department_ids is not None:
        qs = qs.filter(**{f"{department_field}__in": period.department_ids})
    return qs


def compute(period: Period, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    rows: dict[int | None, Row] = {}
    names = dict(Department.objects.values_list("pk", "name"))

    def row(department_id: int | None) -> Row:
        if department_id not in rows:
            rows[department_id] = Row(department_id, names.get(department_id, UNDISPATCHED))
        return rows[department_id]

    tallies = _filtered(StatsTally.objects.filter(_spans(period)), period, "department_key")
    for g in (
        tallies.values("department_key").annotate(**{c: Sum(c) for c in COUNT_COLUMNS}).order_by()
    ):
        if not (g["received"] or g["answered"]):
            continue
        r = row(g["department_key"] or None)
        r.received += g["received"]
        r.answered += g["answered"]
        r.on_time += g["on_time"]
        for level in RATING_LEVELS:
            if g[f"rated_{level}"]:
                r.ratings[level] = r.ratings.get(level, 0) + g[f"rated_{level}"]
        for days in range(MAX_DAYS + 1):
            if g[f"days_{days}"]:
                r.days[days] = r.days.get(days, 0) + g[f"days_{days}"]
    long = _filtered(
        StatsLongTally.objects.filter(day__gte=period.start, day__lte=period.end),
        period,
        "department_key",
    )
    for department_key, days, n in (
        long.values_list("department_key", "days").annotate(n=Sum("answers")).order_by()
    ):
        if n:
            r = row(department_key or None)
            r.days[days] = r.days.get(days, 0) + n
    overdue = _filtered(
        Message.objects.filter(
            status__in=OPEN_STATUSES,
            received_on__gte=period.start,
            received_on__lte=period.end,
            due_on__lt=today,
        ),
        period,
        "department_id",
    )
    for department_id, n in overdue.values_list("department_id").annotate(n=Count("pk")).order_by():
        row(department_id).overdue_open += n
    ordered = sorted(rows.values(), key=lambda r: (r.department_id is None, r.department))
    total = Row(None, "合计")
    for r in ordered:
        total.add(r)
    return Report(period, ordered, total, monthly(period))


def monthly(period: Period) -> list[tuple[str, int, int]]:
    """Messages received and answered per month of the period (the trend chart).

    From the tallies: the whole months' rows and the days at either end.
    """
    per_month: dict[str, list[int]] = {
        f"{first:%Y-%m}": [0, 0] for first in _month_starts(period.start, period.end)[:-1]
    }
    tallies = _filtered(StatsTally.objects.filter(_spans(period)), period, "department_key")
    for day, received, answered in (
        tallies.values_list("day").annotate(Sum("received"), Sum("answered")).order_by()
    ):
        counts = per_month[f"{day:%Y-%m}"]
        counts[0] += received
        counts[1] += answered
    return [(month, received, answered) for month, (received, answered) in per_month.items()]


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from `start`'s to `end`'s, and of the month after."""
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    out.append(dt.date(y, m, 1))
    return out


COLUMNS = (
    "承办单位", "收到", "答复", "按期答复", "按期答复率", "超期未答复",
    "平均办理用时（工作日）", "90%办理用时（工作日）",
    *(str(r.label) for r in sorted(Rating, reverse=True)), "评价数", "满意率",
)  # fmt: skip


def row_cells(r: Row) -> list[object]:
    """One table row, as shown on the page and written to .xlsx."""
    return [
        r.department,
        r.received,
        r.answered,
        r.on_time,
        _pct(r.on_time_rate),
        r.overdue_open,
        None if r.mean_days is None else round(r.mean_days, 1),
        r.p90_days,
        *(r.ratings.get(level, 0) for level in sorted(Rating, reverse=True)),
        r.rated,
        _pct(r.satisfaction_rate),
    ]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def table(report: Report) -> Iterable[list[object]]:
    for r in report.rows:
        yield row_cells(r)
    yield row_cells(report.total)
