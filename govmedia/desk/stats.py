"""The desk's statistics per department and period, computed by the database (docs/desk-api.md).

For a period (first and last day, both included), optionally one kind and
some departments:

- received: messages received in the period (spam held or refused in
  moderation is not counted);
- answered: messages whose answer was given in the period, whenever received;
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

Two scans whatever the number of messages: one grouped by department,
handling days and rating with conditional counts (the groups' answered counts
are the histograms of handling days and ratings: the days are small
integers, so mean and percentile come exactly from the histogram, in Python,
without sorting rows), and one with a conditional count per month.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from govmedia.desk.models import OPEN_STATUSES, Message, Rating, Status
from govmedia.orgs.models import Department

NOT_COUNTED = (Status.MODERATION, Status.REJECTED)
SATISFIED = (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.NEUTRAL)
PERCENTILE = 0.9
UNDISPATCHED = "（未分派）"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included
    kind: str = ""
    department_ids: frozenset[int] | None = None  # None: every department

    def answered_range(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes in the local time zone (answers are timestamps)."""
        start = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))
        return start, end


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


def _base(period: Period):
    qs = Message.objects.exclude(status__in=NOT_COUNTED)
    if period.kind:
        qs = qs.filter(kind=period.kind)
    if period.department_ids is not None:
        qs = qs.filter(department_id__in=period.department_ids)
    return qs


def compute(period: Period, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    start, end = period.answered_range()
    received = Q(received_on__gte=period.start, received_on__lte=period.end)
    answered = Q(answered_at__gte=start, answered_at__lt=end)
    base = _base(period)
    rows: dict[int | None, Row] = {}
    names = dict(Department.objects.values_list("pk", "name"))

    def row(department_id: int | None) -> Row:
        if department_id not in rows:
            rows[department_id] = Row(department_id, names.get(department_id, UNDISPATCHED))
        return rows[department_id]

    # One scan: grouped by department, handling days and rating, with conditional
    # counts; the histograms are the answered counts of each group.
    groups = (
        base.filter(received | answered)
        .values("department_id", "handling_days", "rating")
        .annotate(
            received=Count("pk", filter=received),
            answered=Count("pk", filter=answered),
            on_time=Count("pk", filter=answered & Q(on_time=True)),
            overdue_open=Count(
                "pk", filter=received & Q(status__in=OPEN_STATUSES, due_on__lt=today)
            ),
        )
        .order_by()
    )
    for g in groups:
        r = row(g["department_id"])
        r.received += g["received"]
        r.answered += g["answered"]
        r.on_time += g["on_time"]
        r.overdue_open += g["overdue_open"]
        if g["answered"] and g["handling_days"] is not None:
            r.days[g["handling_days"]] = r.days.get(g["handling_days"], 0) + g["answered"]
        if g["answered"] and g["rating"] is not None:
            r.ratings[g["rating"]] = r.ratings.get(g["rating"], 0) + g["answered"]
    ordered = sorted(rows.values(), key=lambda r: (r.department_id is None, r.department))
    total = Row(None, "合计")
    for r in ordered:
        total.add(r)
    return Report(period, ordered, total, monthly(period))


def monthly(period: Period) -> list[tuple[str, int, int]]:
    """Messages received and answered per month of the period (the trend chart).

    Received: grouped by day (a date column, a few hundred groups) and summed
    per month here. Answered: a timestamp, so one conditional count per month
    over the period's answers; truncating to months in SQL would run a Python
    function per row on SQLite.
    """
    months = _month_starts(period.start, period.end)
    base = _base(period)
    received: dict[str, int] = {}
    for day, n in (
        base.filter(received_on__gte=period.start, received_on__lte=period.end)
        .values_list("received_on")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        received[f"{day:%Y-%m}"] = received.get(f"{day:%Y-%m}", 0) + n
    counts = {}
    for i, (first, after) in enumerate(itertools.pairwise(months)):
        starts, ends = (
            timezone.make_aware(dt.datetime.combine(d, dt.time.min))
            for d in (max(first, period.start), min(after, period.end + dt.timedelta(days=1)))
        )
        counts[f"a{i}"] = Count("pk", filter=Q(answered_at__gte=starts, answered_at__lt=ends))
    start, end = period.answered_range()
    answered = base.filter(answered_at__gte=start, answered_at__lt=end).aggregate(**counts)
    return [
        (f"{first:%Y-%m}", received.get(f"{first:%Y-%m}", 0), answered[f"a{i}"])
        for i, first in enumerate(months[:-1])
    ]


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
