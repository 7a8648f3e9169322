"""The working-day calendar: weekends, public holidays and make-up workdays (调休).

Plain Python with no Django import, so the desk, the statistics page, a worker
and the command line count deadlines with the same code.

Rules:
- A deadline of N working days counts from the day AFTER the start (次日起算):
  the first day considered is ``start + 1``, and the result is the N-th working
  day among ``start + 1, start + 2, ...``. ``N == 0`` gives the start itself.
- A day is a working day when it is a make-up workday (调休上班, normally a
  weekend day announced as working), or else when it is a Monday to Friday
  that is not a holiday.
- Holidays and make-up days apply only within the calendar's known years (the
  years whose State Council notice has been entered). A year that is not
  known is counted on weekends alone, and any result that considered a day in
  such a year is marked ``provisional`` (暂定): it may change once the year's
  schedule is entered.

Speed: a statistics page computes a deadline for every message (100,000 of
them), so nothing here loops over days except the explanations. The count of
working days up to a day is a closed formula for weekdays outside the known
span, and one bisection into the sorted ordinals of the span's working days
inside it; adding N working days inverts that count the same way. A
`Deadline`'s day-by-day ``notes`` are computed only when read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
REASON_WORKDAY = "工作日"
PROVISIONAL_LABEL = "暂定"


@dataclass(frozen=True)
class DayNote:
    """One day skipped or counted, for explanations."""

    day: date
    counted: bool  # True: a working day that counted
    reason: str  # "周六", "周日", "国庆节", "春节", "调休上班（周六）", "工作日"


@dataclass(frozen=True)
class Deadline:
    """The result of `Calendar.add_workdays`.

    ``notes`` holds every day from the day after ``start`` to ``day``, in order;
    it is computed on first access (a per-day loop) so that computing many
    deadlines stays fast.
    """

    day: date
    provisional: bool  # True if any day considered lies in a year the calendar does not know
    start: date
    calendar: Calendar = field(repr=False, compare=False)

    @cached_property
    def notes(self) -> tuple[DayNote, ...]:
        return self.calendar.notes(self.start, self.day)


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _ordinal_of_weekday_number(k: int) -> int:
    """The smallest ordinal o with _weekdays_through(o) >= k, for k >= 1."""
    weeks, rest = divmod(k, 5)
    if rest == 0:
        return weeks * 7 - 2  # the Friday closing week number `weeks`
    return weeks * 7 + rest


class Calendar:
    """Working days over known years, weekends alone elsewhere.

    ``holidays`` maps a day off to its holiday's name (entries on weekends are
    allowed and only name the day in explanations); ``workdays`` maps a make-up
    working day (调休上班) to the holiday it makes up for. Entries outside
    ``known_years`` are ignored: such years count weekends only.
    """

    def __init__(
        self,
        holidays: Mapping[date, str],
        workdays: Mapping[date, str],
        known_years: Iterable[int],
    ) -> None:
        self.known_years: frozenset[int] = frozenset(known_years)
        self.holidays: dict[date, str] = {
            d: name for d, name in holidays.items() if d.year in self.known_years
        }
        self.workdays: dict[date, str] = {
            d: name for d, name in workdays.items() if d.year in self.known_years
        }
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"days both holiday and make-up workday: {both[:5]}")
        if self.known_years:
            first, last = min(self.known_years), max(self.known_years)
            self._lo = date(first, 1, 1).toordinal()
            self._hi = date(last, 12, 31).toordinal()
            # Ordinals of every working day in the known span (unknown years inside
            # the span count weekends only, as outside it).
            self._span: list[int] = [
                o for o in range(self._lo, self._hi + 1) if self._is_workday_ordinal(o)
            ]
        else:
            self._lo, self._hi, self._span = 1, 0, []
        self._before_span = _weekdays_through(self._lo - 1)
        self._through_span = self._before_span + len(self._span)

    # -- single days --------------------------------------------------------
    def _is_workday_ordinal(self, ordinal: int) -> bool:
        day = date.fromordinal(ordinal)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_known(self, day: date) -> bool:
        """Whether the day's year has its holiday schedule in this calendar."""
        return day.year in self.known_years

    def reason(self, day: date) -> str:
        """Why a day counts or not, in Chinese, as a requester would read it."""
        weekday = WEEKDAY_NAMES[day.weekday()]
        if day in self.workdays:
            return f"调休上班（{weekday}）" if day.weekday() >= 5 else REASON_WORKDAY
        if day in self.holidays:
            return self.holidays[day]
        return weekday if day.weekday() >= 5 else REASON_WORKDAY

    # -- counting -----------------------------------------------------------
    def _count_through(self, ordinal: int) -> int:
        """Working days among ordinals 1..ordinal (a running total; only differences matter)."""
        if ordinal < self._lo:
            return _weekdays_through(ordinal)
        if ordinal <= self._hi:
            return self._before_span + bisect_right(self._span, ordinal)
        return self._through_span + _weekdays_through(ordinal) - _weekdays_through(self._hi)

    def _ordinal_of_count(self, k: int) -> int:
        """The smallest ordinal whose running total reaches k: the k-th working day."""
        if k <= self._before_span:
            return _ordinal_of_weekday_number(k)
        if k <= self._through_span:
            return self._span[k - self._before_span - 1]
        return _ordinal_of_weekday_number(k - self._through_span + _weekdays_through(self._hi))

    def _all_known(self, first: date, last: date) -> bool:
        return all(year in self.known_years for year in range(first.year, last.year + 1))

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The N-th working day after ``start``, counting from the next day (次日起算)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return Deadline(day=start, provisional=False, start=start, calendar=self)
        ordinal = self._ordinal_of_count(self._count_through(start.toordinal()) + n)
        day = date.fromordinal(ordinal)
        provisional = not self._all_known(start + timedelta(days=1), day)
        return Deadline(day=day, provisional=provisional, start=start, calendar=self)

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (minus those in (end, start]) if end < start."""
        return self._count_through(end.toordinal()) - self._count_through(start.toordinal())

    def next_workday(self, day: date) -> date:
        """The day itself if a working day, else the first working day after it."""
        if self.is_workday(day):
            return day
        return date.fromordinal(self._ordinal_of_count(self._count_through(day.toordinal()) + 1))

    def is_provisional(self, start: date, end: date) -> bool:
        """Whether a count over (start, end] touches a year the calendar does not know."""
        first, last = sorted((start, end))
        if first == last:
            return False
        return not self._all_known(first + timedelta(days=1), last)

    # -- explanations -------------------------------------------------------
    def notes(self, start: date, end: date) -> tuple[DayNote, ...]:
        """Every day from the day after ``start`` to ``end``, counted or not, with its reason."""
        result = []
        day = start + timedelta(days=1)
        while day <= end:
            result.append(DayNote(day=day, counted=self.is_workday(day), reason=self.reason(day)))
            day += timedelta(days=1)
        return tuple(result)

    def explain(self, start: date, n: int) -> list[str]:
        """Chinese lines a requester can read: skipped days and why, the result, 暂定 when provisional."""
        deadline = self.add_workdays(start, n)
        lines = [f"起算日：{format_day(start)}，自次日起算 {n} 个工作日。"]
        if n == 0:
            lines.append(f"工作日数为 0，截止日即起算日：{format_day(start)}。")
            return lines
        notes = deadline.notes
        for group in _runs(notes):
            first, last = group[0], group[-1]
            if not first.counted:
                reasons = "、".join(dict.fromkeys(note.reason for note in group))
                if first.day == last.day:
                    lines.append(f"不计：{format_day(first.day)}，{reasons}。")
                else:
                    lines.append(
                        f"不计：{format_day(first.day)}至{format_day(last.day)}，"
                        f"共 {len(group)} 天，{reasons}。"
                    )
            else:
                for note in group:
                    if note.reason != REASON_WORKDAY:
                        name = self.workdays.get(note.day)
                        source = f"，{name}" if name else ""
                        lines.append(f"计入：{format_day(note.day)}，{note.reason}{source}。")
        skipped = sum(1 for note in notes if not note.counted)
        lines.append(
            f"截止日：{format_day(deadline.day)}"
            + (f"（{PROVISIONAL_LABEL}）" if deadline.provisional else "")
            + f"。共 {len(notes)} 个自然日，其中工作日 {n} 天，不计的休息日 {skipped} 天。"
        )
        if deadline.provisional:
            unknown = sorted(
                {note.day.year for note in notes if note.day.year not in self.known_years}
            )
            years = "、".join(f"{year} 年" for year in unknown)
            lines.append(
                f"{PROVISIONAL_LABEL}：{years}的节假日安排尚未录入工作日历，该年份只排除周六、周日；"
                "国务院办公厅公布安排并录入后，截止日可能变化。"
            )
        return lines


def format_day(day: date) -> str:
    """2025年10月8日（周三）"""
    return f"{day.year}年{day.month}月{day.day}日（{WEEKDAY_NAMES[day.weekday()]}）"


def _runs(notes: Iterable[DayNote]) -> list[list[DayNote]]:
    """Consecutive notes grouped by whether they counted."""
    groups: list[list[DayNote]] = []
    for note in notes:
        if groups and groups[-1][0].counted == note.counted:
            groups[-1].append(note)
        else:
            groups.append([note])
    return groups
