"""Publication dates as Chinese government sites and platforms write them.

``find_date(text, now=...)`` finds the first date in a piece of text and
returns it with the words it was read from (kept as evidence: inspection
shows "页面日期：2026年03月01日" next to its judgement). Every time without
a zone is Asia/Shanghai; the result is always timezone-aware.

Forms, in the order they are tried:

- ISO 8601 and RFC 822 (feeds): 2026-03-01T10:20:00+08:00, Sun, 01 Mar 2026 10:20:00 +0800;
- full dates: 2026年3月1日, 2026年03月01日 10:20, 2026-03-01, 2026/3/1, 2026.03.01,
  each with an optional time (10:20, 10:20:30, 10时20分);
- relative: 刚刚, 5分钟前, 2小时前, 3天前, 2周前, 今天, 昨天 10:20, 前天;
- month and day without a year: 03-01, 3月1日, 3/1 (the year is inferred: the
  latest such date that is not in the future, as list pages show this year's
  entries without the year).

A date that does not exist (2026-02-30) is no date. No Django here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_TIME = r"(?:\s*(?:T|\s)\s*|\s*)(?P<hour>\d{1,2})\s*[:：时]\s*(?P<minute>\d{1,2})(?:\s*[:：分]\s*(?P<second>\d{1,2})(?:\.\d+)?)?\s*秒?"
_ZONE = r"(?P<zone>Z|[+-]\d{2}:?\d{2})?"

FULL = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<month>\d{1,2})\s*(?:月|[-/.])\s*"
    r"(?P<day>\d{1,2})(?!\d)\s*日?(?:" + _TIME + _ZONE + r")?"
)
# 20260301 (no separators) only where the whole text is that, or in a URL path (t20260301_123.html).
COMPACT = re.compile(r"(?<!\d)(?P<year>20\d{2})(?P<month>[01]\d)(?P<day>[0-3]\d)(?!\d)")
MONTH_DAY = re.compile(
    r"(?<![\d年/.\-])(?P<month>\d{1,2})\s*(?:月|[-/])\s*(?P<day>\d{1,2})(?![\d/\-])\s*日?(?:"
    + _TIME
    + r")?"
)
AGO = re.compile(r"(?P<count>\d+)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|个月)\s*前")
NAMED_DAY = re.compile(r"(?P<word>刚刚|今天|今日|昨天|昨日|前天)(?:" + _TIME + r")?")
RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[A-Z]{1,5})?"
)

_UNIT_SECONDS = {
    "秒": 1,
    "分钟": 60,
    "分": 60,
    "小时": 3600,
    "个小时": 3600,
    "天": 86400,
    "日": 86400,
    "周": 7 * 86400,
    "星期": 7 * 86400,
}
_DAYS_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
# How far back a year-less date may be pushed to find one that exists (29 February).
_YEAR_SEARCH = 8


@dataclass(frozen=True)
class FoundDate:
    at: datetime  # aware, in Asia/Shanghai unless the text named another zone
    text: str  # the words the date was read from
    has_time: bool


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(SHANGHAI)
    if now.tzinfo is None:
        return now.replace(tzinfo=SHANGHAI)
    return now.astimezone(SHANGHAI)


def _clock(match: re.Match[str]) -> time | None:
    if match.groupdict().get("hour") is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"]) if match["second"] else 0
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError("no such time")
    return time(hour, minute, second)


def _zone(match: re.Match[str]) -> tzinfo:
    zone = match.groupdict().get("zone")
    if not zone:
        return SHANGHAI
    if zone == "Z":
        return UTC
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _full(match: re.Match[str]) -> FoundDate:
    day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    clock = _clock(match)
    at = datetime.combine(day, clock or time(0), tzinfo=_zone(match))
    return FoundDate(at, match.group(0).strip(), clock is not None)


def _month_day(match: re.Match[str], now: datetime) -> FoundDate:
    month, day_of_month = int(match["month"]), int(match["day"])
    clock = _clock(match)
    for year in range(now.year, now.year - _YEAR_SEARCH, -1):
        try:
            day = date(year, month, day_of_month)
        except ValueError:
            continue
        at = datetime.combine(day, clock or time(0), tzinfo=SHANGHAI)
        in_future = at > now if clock else day > now.date()
        if not in_future:
            return FoundDate(at, match.group(0).strip(), clock is not None)
    raise ValueError("no such day")


def _ago(match: re.Match[str], now: datetime) -> FoundDate:
    count, unit = int(match["count"]), match["unit"]
    if unit == "个月":
        month_index = now.year * 12 + now.month - 1 - count
        year, month = divmod(month_index, 12)
        day = min(now.day, 28)
        at = now.replace(year=year, month=month + 1, day=day)
    else:
        at = now - timedelta(seconds=count * _UNIT_SECONDS[unit])
    # Hours and minutes ago are a time; days ago and more are a day.
    has_time = unit in {"秒", "分钟", "分", "小时", "个小时"}
    return FoundDate(at.replace(microsecond=0), match.group(0).strip(), has_time)


def _named_day(match: re.Match[str], now: datetime) -> FoundDate:
    word = match["word"]
    if word == "刚刚":
        return FoundDate(now.replace(microsecond=0), word, True)
    day = now.date() - timedelta(days=_DAYS_BACK[word])
    clock = _clock(match)
    return FoundDate(
        datetime.combine(day, clock or time(0), tzinfo=SHANGHAI),
        match.group(0).strip(),
        clock is not None,
    )


def _rfc822(text: str) -> FoundDate | None:
    match = RFC822.search(text)
    if not match:
        return None
    try:
        at = parsedate_to_datetime(match.group(0))
    except (TypeError, ValueError, IndexError):
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=SHANGHAI)
    return FoundDate(at, match.group(0).strip(), True)


def _first(pattern: re.Pattern[str], text: str, build) -> FoundDate | None:
    for match in pattern.finditer(text):
        try:
            return build(match)
        except ValueError:
            continue  # 2026-02-30 and 25:61 are no dates: look further
    return None


def find_date(text: str, now: datetime | None = None) -> FoundDate | None:
    """The first date written in `text`, or None. `now` anchors 3天前 and 03-01."""
    if not text:
        return None
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    current = _now(now)
    found = _first(FULL, text, _full) or _rfc822(text)
    if found:
        return found
    found = _first(AGO, text, lambda m: _ago(m, current))
    if found:
        return found
    found = _first(NAMED_DAY, text, lambda m: _named_day(m, current))
    if found:
        return found
    found = _first(MONTH_DAY, text, lambda m: _month_day(m, current))
    if found:
        return found
    stripped = text.strip()
    if COMPACT.fullmatch(stripped):
        return _first(COMPACT, stripped, _full_compact)
    return None


def _full_compact(match: re.Match[str]) -> FoundDate:
    day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    return FoundDate(datetime.combine(day, time(0), tzinfo=SHANGHAI), match.group(0), False)


def date_in_url(url: str) -> FoundDate | None:
    """The date many government CMSs put in an article's address: /202603/t20260301_123.html."""
    return _first(COMPACT, url, _full_compact)


def parse_date(text: str, now: datetime | None = None) -> datetime | None:
    """The first date in `text` as an aware datetime, or None."""
    found = find_date(text, now)
    return found.at if found else None
