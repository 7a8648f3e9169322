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

Grouped counts whatever the number of messages, each read from a covering
index of `Message` (`desk_msg_stats_received`, `desk_msg_stats_answered`):
receipts by department; answers by department, handling days and rating
(the groups' answered counts are the histograms of handling days and
ratings: the days are small integers, so mean and percentile come exactly
from the histogram, in Python, without sorting rows); and receipts and
answers per day for the monthly trend. Answers are counted by their local
date `answered_on`, as receipts by `received_on`.
"""

from __future__ import annotations

import datetime as dt
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
    base = _base(period)
    rows: dict[int | None, Row] = {}
    names = dict(Department.objects.values_list("pk", "name"))

    def row(department_id: int | None) -> Row:
        if department_id not in rows:
            rows[department_id] = Row(department_id, names.get(department_id, UNDISPATCHED))
        return rows[department_id]

    # Two grouped counts, each answered from its covering index (see the model):
    # receipts by department, answers by department, handling days and rating
    # (the answered counts of those groups are the histograms).
    for g in (
        base.filter(received_on__gte=period.start, received_on__lte=period.end)
        .values("department_id")
        .annotate(
            received=Count("pk"),
            overdue_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        )
        .order_by()
    ):
        r = row(g["department_id"])
        r.received += g["received"]
        r.overdue_open += g["overdue_open"]
    for g in (
        base.filter(answered_on__gte=period.start, answered_on__lte=period.end)
        .values("department_id", "handling_days", "rating")
        .annotate(answered=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .order_by()
    ):
        r = row(g["department_id"])
        r.answered += g["answered"]
        r.on_time += g["on_time"]
        if g["handling_days"] is not None:
            r.days[g["handling_days"]] = r.days.get(g["handling_days"], 0) + g["answered"]
        if g["rating"] is not None:
            r.ratings[g["rating"]] = r.ratings.get(g["rating"], 0) + g["answered"]
    ordered = sorted(rows.values(), key=lambda r: (r.department_id is None, r.department))
    total = Row(None, "合计")
    for r in ordered:
        total.add(r)
    return Report(period, ordered, total, monthly(period))


def monthly(period: Period) -> list[tuple[str, int, int]]:
    """Messages received and answered per month of the period (the trend chart).

    Both grouped by day (date columns, a few hundred groups, read from the
    covering indexes) and summed per month here: truncating to months in SQL
    would run a Python function per row on SQLite.
    """
    base = _base(period)
    per_month: dict[str, list[int]] = {
        f"{first:%Y-%m}": [0, 0] for first in _month_starts(period.start, period.end)[:-1]
    }
    for column, slot in (("received_on", 0), ("answered_on", 1)):
        in_period = {f"{column}__gte": period.start, f"{column}__lte": period.end}
        for day, n in (
            base.filter(**in_period).values_list(column).annotate(n=Count("pk")).order_by()
        ):
            per_month[f"{day:%Y-%m}"][slot] += n
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
