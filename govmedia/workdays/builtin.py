"""The built-in schedules: the years the `chinesecalendar` package knows.

The package transcribes the State Council General Office's annual notices on
holiday arrangements (国务院办公厅关于某年部分节假日安排的通知) from 2004 on.
Its holiday names are English; the calendar shows them in Chinese.
Plain Python with no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import chinese_calendar

# chinese_calendar.Holiday values -> the names the State Council notices use.
CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class Schedule:
    """Holidays (days off) and make-up workdays of some years, with the years they cover."""

    holidays: dict[date, str]
    workdays: dict[date, str]
    years: frozenset[int]


def _chinese(name: str) -> str:
    return CHINESE_NAMES.get(name, name)


@cache
def builtin_schedule() -> Schedule:
    """Every year chinesecalendar knows: each year with at least one holiday in its table."""
    holidays = {day: _chinese(name) for day, name in chinese_calendar.holidays.items()}
    workdays = {day: _chinese(name) for day, name in chinese_calendar.workdays.items()}
    return Schedule(holidays=holidays, workdays=workdays, years=frozenset(d.year for d in holidays))


def package_version() -> str:
    from importlib.metadata import version

    return version("chinesecalendar")
