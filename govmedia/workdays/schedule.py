"""A year's schedule as people type it: one line per day or range of days.

    2027-01-01 元旦 放假
    2027-02-07 春节 调休上班
    2027-02-11..2027-02-17 春节 放假

The same three parts, date (or range), holiday name and kind, are the columns
of the import file, so the form and the import parse through `parse_entry`.
Messages are Chinese: they are shown to the administrator who typed the line.
Plain Python with no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from govmedia.workdays.calendar import WEEKDAY_NAMES

HOLIDAY = "holiday"
WORKDAY = "workday"
KIND_LABELS = {HOLIDAY: "放假", WORKDAY: "调休上班"}
# What people write in the kind column, mapped to the kind.
KIND_WORDS = {
    "放假": HOLIDAY,
    "休息": HOLIDAY,
    "休假": HOLIDAY,
    "调休上班": WORKDAY,
    "上班": WORKDAY,
    "补班": WORKDAY,
    HOLIDAY: HOLIDAY,
    WORKDAY: WORKDAY,
}
MAX_RANGE_DAYS = 31
MAX_NAME_LENGTH = 50
RANGE_SEPARATORS = re.compile(r"\s*(?:\.\.|至|~|～|—|－－)\s*")
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
FIELD_SEPARATORS = re.compile(r"[\s,，、\t\u3000]+")
EXAMPLE_LINE = "2027-01-01 元旦 放假"


class ScheduleError(ValueError):
    """One line or row that cannot be read; the message is for the person who typed it."""


@dataclass(frozen=True)
class Entry:
    day: date
    name: str
    kind: str  # HOLIDAY or WORKDAY

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class LineError:
    line: int  # 1-based line (or row) number
    text: str
    message: str


def parse_date(text: str) -> date:
    match = DATE_PATTERN.match(text.strip())
    if not match:
        raise ScheduleError(f"「{text}」不是日期，请写成 2027-01-01 的形式")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ScheduleError(f"「{text}」不是有效的日期") from None


def parse_days(text: str) -> list[date]:
    """One date, or a range "2027-02-11..2027-02-17" (also 至, ~), both ends included."""
    parts = RANGE_SEPARATORS.split(text.strip())
    if len(parts) == 1:
        return [parse_date(parts[0])]
    if len(parts) != 2:
        raise ScheduleError(f"「{text}」不是日期或日期范围，范围请写成 2027-02-11..2027-02-17")
    first, last = parse_date(parts[0]), parse_date(parts[1])
    if last < first:
        raise ScheduleError(f"日期范围「{text}」的结束日早于开始日")
    if first.year != last.year:
        raise ScheduleError(f"日期范围「{text}」跨了年份，请按年份分成两行")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ScheduleError(f"日期范围「{text}」超过 {MAX_RANGE_DAYS} 天，请检查是否写错")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def parse_kind(text: str) -> str:
    kind = KIND_WORDS.get(text.strip())
    if kind is None:
        raise ScheduleError(f"类型「{text}」无法识别，应为「放假」或「调休上班」")
    return kind


def parse_entry(days_text: str, name: str, kind_text: str) -> list[Entry]:
    """The days one line or row stands for. Raises ScheduleError."""
    name = name.strip()
    if not days_text.strip():
        raise ScheduleError("缺少日期")
    if not name:
        raise ScheduleError("缺少节日名称，例如「春节」")
    if len(name) > MAX_NAME_LENGTH:
        raise ScheduleError(f"节日名称超过 {MAX_NAME_LENGTH} 个字")
    if not kind_text.strip():
        raise ScheduleError("缺少类型，应为「放假」或「调休上班」")
    kind = parse_kind(kind_text)
    days = parse_days(days_text)
    if kind == WORKDAY:
        for day in days:
            if day.weekday() < 5:
                raise ScheduleError(
                    f"{day.isoformat()} 是{WEEKDAY_NAMES[day.weekday()]}，"
                    "调休上班日应为周六或周日（工作日本来就上班）"
                )
    return [Entry(day=day, name=name, kind=kind) for day in days]


def parse_line(line: str) -> list[Entry]:
    parts = FIELD_SEPARATORS.split(line.strip())
    # "2027-02-11 .. 2027-02-17" or "2027-02-11 至 2027-02-17": rejoin a spaced range.
    if len(parts) == 5 and RANGE_SEPARATORS.fullmatch(parts[1]):
        parts = [f"{parts[0]}..{parts[2]}", parts[3], parts[4]]
    if len(parts) != 3:
        raise ScheduleError(f"每行应为「日期 名称 类型」三项，用空格分开，例如「{EXAMPLE_LINE}」")
    return parse_entry(*parts)


def parse_lines(text: str, *, year: int | None = None) -> tuple[list[Entry], list[LineError]]:
    """Every entry of a typed schedule, and an error for each line that is wrong.

    Blank lines and lines starting with # are skipped. With ``year``, every day
    must lie in it. A day given twice is an error on the second line.
    """
    entries: list[Entry] = []
    errors: list[LineError] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found = parse_line(line)
            check_year(found, year)
            check_repeats(found, seen, number)
        except ScheduleError as exc:
            errors.append(LineError(line=number, text=line, message=str(exc)))
            continue
        entries.extend(found)
    return entries, errors


def check_year(entries: Iterable[Entry], year: int | None) -> None:
    if year is None:
        return
    for entry in entries:
        if entry.day.year != year:
            raise ScheduleError(f"{entry.day.isoformat()} 不在 {year} 年")


def check_repeats(entries: list[Entry], seen: dict[date, int], number: int) -> None:
    """Raise if a day of `entries` was already given (on line seen[day]); else remember them."""
    for entry in entries:
        if entry.day in seen:
            raise ScheduleError(f"{entry.day.isoformat()} 已在第 {seen[entry.day]} 行写过")
    for entry in entries:
        seen[entry.day] = number


def format_lines(entries: Iterable[Entry]) -> str:
    """Entries back as lines, consecutive days of one holiday and kind joined into a range."""
    ordered = sorted(entries, key=lambda e: e.day)
    lines: list[str] = []
    run: list[Entry] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        days = first.day.isoformat()
        if last.day != first.day:
            days += f"..{last.day.isoformat()}"
        lines.append(f"{days} {first.name} {first.kind_label}")

    for entry in ordered:
        if (
            run
            and entry.day == run[-1].day + timedelta(days=1)
            and (entry.name, entry.kind) == (run[-1].name, run[-1].kind)
        ):
            run.append(entry)
        else:
            flush()
            run = [entry]
    flush()
    return "\n".join(lines)


def entries_from_maps(
    holidays: dict[date, str], workdays: dict[date, str], year: int
) -> list[Entry]:
    """One year's entries out of the calendar's two maps."""
    entries = [Entry(d, n, HOLIDAY) for d, n in holidays.items() if d.year == year]
    entries += [Entry(d, n, WORKDAY) for d, n in workdays.items() if d.year == year]
    return sorted(entries, key=lambda e: e.day)
