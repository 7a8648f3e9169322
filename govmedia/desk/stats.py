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
triggers): a period is its whole months' rows, and for a month it covers in
part either its days in the period or its month row less its days outside
(`_selection`): a few hundred rows whatever its length, summed by the
database per department (the received, answered and on-time counts, the ratings and the
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
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from govmedia.desk.models import OPEN_STATUSES, Message, Rating
from govmedia.desk.tally import NOT_COUNTED  # noqa: F401 (what the statistics leave out)
from govmedia.desk.tally_models import (
    COUNT_COLUMNS,
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


def _selection(period: Period) -> tuple[Q, Q | None]:
    """The tally rows whose sums, less those of the second (if any), are the period's.

    Whole months are read from their month rows. A month the period covers
    in part is read either as its days in the period, or as its month row
    less its days outside the period, whichever counts fewer days: a period
    ending today takes this month's row less the days still to come (none
    stored yet), and two years are some 24 month rows and a handful of days.
    """
    months: list[dt.date] = []
    plus: list[Q] = []  # days read as they are
    minus: list[Q] = []  # days taken from their month's row
    for first in _month_starts(period.start, period.end)[:-1]:
        last = _next_month(first) - dt.timedelta(days=1)
        start, end = max(period.start, first), min(period.end, last)
        inside = (end - start).days + 1
        if inside < (last - first).days + 1 - inside:
            plus.append(Q(span=Span.DAY, day__gte=start, day__lte=end))
            continue
        months.append(first)
        if start > first:
            minus.append(Q(span=Span.DAY, day__gte=first, day__lt=start))
        if end < last:
            minus.append(Q(span=Span.DAY, day__gt=end, day__lte=last))
    if months:  # consecutive: only the first and last month can be partial
        plus.append(Q(span=Span.MONTH, day__gte=months[0], day__lte=months[-1]))
    return reduce(operator.or_, plus), reduce(operator.or_, minus) if minus else None


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)


def _sums(
    period: Period, by: tuple[str, ...], columns: tuple[str, ...] = COUNT_COLUMNS
) -> dict[tuple, list[int]]:
    """{group: sums of `columns`} over the period's tally rows (`_selection`), grouped `by`."""
    plus, minus = _selection(period)
    out: dict[tuple, list[int]] = {}
    for selection, sign in ((plus, 1), (minus, -1)):
        if selection is None:
            continue
        tallies = _filtered(StatsTally.objects.filter(selection), period, "department_key")
        groups = tallies.values_list(*by).annotate(*(Sum(c) for c in columns)).order_by()
        for g in groups:
            counts = out.setdefault(g[: len(by)], [0] * len(columns))
            for i, n in enumerate(g[len(by) :]):
                counts[i] += sign * n
    return out


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

    for key, counts in _sums(period, ("department_key",)).items():
        received, answered, on_time = counts[:3]
        if not (received or answered):
            continue
        r = row(key[0] or None)
        r.received += received
        r.answered += answered
        r.on_time += on_time
        for level, n in zip(RATING_LEVELS, counts[3 : 3 + len(RATING_LEVELS)], strict=True):
            if n:
                r.ratings[level] = r.ratings.get(level, 0) + n
        for days, n in enumerate(counts[3 + len(RATING_LEVELS) :]):
            if n:
                r.days[days] = r.days.get(days, 0) + n
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
    for department_id, n in overdue_open(period, today):
        row(department_id).overdue_open += n
    ordered = sorted(rows.values(), key=lambda r: (r.department_id is None, r.department))
    total = Row(None, "合计")
    for r in ordered:
        total.add(r)
    return Report(period, ordered, total, monthly(period))


OPEN_INDEX = "desk_msg_open_received"


def overdue_open(period: Period, today: dt.date) -> list[tuple[int | None, int]]:
    """(department, count) of the open messages received in the period and past their deadline.

    Read from the partial index of the open messages (`desk_msg_open_received`).
    Its condition is matched only by the same literal list of statuses, not
    by a query's parameters, so the statuses are written into the SQL (they
    are constants), and SQLite is told the index, which it would otherwise
    pass over for `(kind, received_on)` and read the wide rows: an error if
    it could not use it, never a silent slow plan.
    """
    statuses = ", ".join(f"'{status.value}'" for status in OPEN_STATUSES)
    table = Message._meta.db_table
    indexed = f" INDEXED BY {OPEN_INDEX}" if connection.vendor == "sqlite" else ""
    where = [f"status IN ({statuses})", "received_on >= %s", "received_on <= %s", "due_on < %s"]
    params: list[object] = [period.start, period.end, today]
    if period.kind:
        where.append("kind = %s")
        params.append(period.kind)
    if period.department_ids is not None:
        if not period.department_ids:
            return []
        where.append(f"department_id IN ({', '.join(['%s'] * len(period.department_ids))})")
        params.extend(sorted(period.department_ids))
    sql = (
        f"SELECT department_id, COUNT(*) FROM {table}{indexed} "
        f"WHERE {' AND '.join(where)} GROUP BY department_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(department_id, n) for department_id, n in cursor.fetchall()]


def monthly(period: Period) -> list[tuple[str, int, int]]:
    """Messages received and answered per month of the period (the trend chart).

    From the tallies, grouped by row (month or day) and added up per month here.
    """
    per_month: dict[str, list[int]] = {
        f"{first:%Y-%m}": [0, 0] for first in _month_starts(period.start, period.end)[:-1]
    }
    for (day,), (received, answered) in _sums(period, ("day",), ("received", "answered")).items():
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
