"""The calendar over real holiday years, across a year boundary and beyond the known years.

The expected days are read off the State Council General Office's notices
(国办发明电〔2023〕7号 for 2024, 国办发明电〔2024〕12号 for 2025,
国办发明电〔2025〕7号 for 2026), not computed by the code under test.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govmedia.workdays.builtin import builtin_schedule
from govmedia.workdays.calendar import Calendar, DayNote


@pytest.fixture(scope="module")
def cal() -> Calendar:
    s = builtin_schedule()
    return Calendar(s.holidays, s.workdays, s.years)


def test_builtin_years_cover_2004_to_2026():
    years = builtin_schedule().years
    assert min(years) == 2004
    assert set(range(2004, 2027)) <= years


def test_spring_festival_2025_with_its_make_up_days(cal):
    # 1月28日至2月4日放假调休，共8天；1月26日（周日）、2月8日（周六）上班。
    for day in range(28, 32):
        assert not cal.is_workday(date(2025, 1, day))
    for day in range(1, 5):
        assert not cal.is_workday(date(2025, 2, day))
    assert cal.is_workday(date(2025, 1, 26))
    assert cal.is_workday(date(2025, 2, 8))
    assert cal.is_workday(date(2025, 2, 5))
    # Mon 20 Jan + 10: 21-24 (4), Sun 26 make-up (5), Mon 27 (6), 5-7 Feb (9), Sat 8 Feb (10).
    deadline = cal.add_workdays(date(2025, 1, 20), 10)
    assert deadline.day == date(2025, 2, 8)
    assert not deadline.provisional


def test_national_day_2025_eight_days_with_mid_autumn(cal):
    # 10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班。
    deadline = cal.add_workdays(date(2025, 9, 26), 20)
    assert deadline.day == date(2025, 10, 30)
    assert not deadline.provisional
    notes = {note.day: note for note in deadline.notes}
    assert notes[date(2025, 9, 27)] == DayNote(date(2025, 9, 27), False, "周六")
    assert notes[date(2025, 9, 28)] == DayNote(date(2025, 9, 28), True, "调休上班（周日）")
    assert notes[date(2025, 10, 1)] == DayNote(date(2025, 10, 1), False, "国庆节")
    assert notes[date(2025, 10, 6)].reason == "中秋节"
    assert notes[date(2025, 10, 11)] == DayNote(date(2025, 10, 11), True, "调休上班（周六）")
    assert notes[date(2025, 10, 12)] == DayNote(date(2025, 10, 12), False, "周日")
    assert notes[date(2025, 10, 9)] == DayNote(date(2025, 10, 9), True, "工作日")
    assert [n.day for n in deadline.notes] == [
        date(2025, 9, 27) + timedelta(days=i) for i in range(34)
    ]
    assert sum(n.counted for n in deadline.notes) == 20


def test_2024_spring_festival_and_national_day(cal):
    # 2月10日至17日放假调休；2月4日（周日）、2月18日（周日）上班；除夕 2月9日 is a working day.
    assert cal.is_workday(date(2024, 2, 4))
    assert cal.is_workday(date(2024, 2, 9))
    assert cal.is_workday(date(2024, 2, 18))
    assert cal.add_workdays(date(2024, 2, 8), 3).day == date(2024, 2, 19)
    # 10月1日至7日放假调休；9月29日（周日）、10月12日（周六）上班。
    assert cal.add_workdays(date(2024, 9, 27), 5).day == date(2024, 10, 10)
    assert cal.add_workdays(date(2024, 10, 10), 2).day == date(2024, 10, 12)


def test_across_the_year_boundary(cal):
    # 2026: 元旦 1月1日至3日放假，1月4日（周日）上班.
    deadline = cal.add_workdays(date(2025, 12, 25), 20)
    assert deadline.day == date(2026, 1, 23)
    assert not deadline.provisional
    assert cal.workdays_between(date(2025, 12, 25), date(2026, 1, 23)) == 20
    assert cal.workdays_between(date(2026, 1, 23), date(2025, 12, 25)) == -20


def test_beyond_the_known_years_weekends_only_and_provisional(cal):
    last = max(builtin_schedule().years)
    assert last == 2026  # chinesecalendar 1.11.0; a newer pin moves the years below
    assert not cal.is_known(date(2027, 1, 1))
    deadline = cal.add_workdays(date(2026, 12, 21), 10)
    # 22-25 (4), 28-31 (8), Fri 1 Jan 2027 counted as a weekday (9), Mon 4 Jan (10).
    assert deadline.day == date(2027, 1, 4)
    assert deadline.provisional
    assert cal.workdays_between(date(2027, 1, 31), date(2027, 2, 28)) == 20  # February 2027
    # Once 2027 is known, 元旦 is a day off and the same deadline moves.
    s = builtin_schedule()
    known = Calendar(
        {**s.holidays, date(2027, 1, 1): "元旦"},
        s.workdays,
        s.years | {2027},
    )
    exact = known.add_workdays(date(2026, 12, 21), 10)
    assert exact.day == date(2027, 1, 5)
    assert not exact.provisional


def test_zero_days_and_next_workday(cal):
    assert cal.add_workdays(date(2025, 10, 3), 0).day == date(2025, 10, 3)
    assert cal.add_workdays(date(2025, 10, 3), 1).day == date(2025, 10, 9)
    assert cal.next_workday(date(2025, 10, 1)) == date(2025, 10, 9)
    assert cal.next_workday(date(2025, 9, 28)) == date(2025, 9, 28)
    assert cal.next_workday(date(2030, 6, 1)) == date(2030, 6, 3)
    with pytest.raises(ValueError):
        cal.add_workdays(date(2025, 1, 1), -1)


def test_explain_lines(cal):
    lines = cal.explain(date(2025, 9, 26), 20)
    assert lines[0] == "起算日：2025年9月26日（周五），自次日起算 20 个工作日。"
    assert "不计：2025年9月27日（周六），周六。" in lines
    assert "计入：2025年9月28日（周日），调休上班（周日），国庆节。" in lines
    assert "不计：2025年10月1日（周三）至2025年10月8日（周三），共 8 天，国庆节、中秋节。" in lines
    assert lines[-1].startswith("截止日：2025年10月30日（周四）。共 34 个自然日")
    assert not any("暂定" in line for line in lines)


def test_explain_marks_provisional(cal):
    lines = cal.explain(date(2026, 12, 21), 10)
    assert lines[-2].startswith("截止日：2027年1月4日（周一）（暂定）")
    assert lines[-1].startswith("暂定：2027 年的节假日安排尚未录入工作日历")


def naive_add(cal: Calendar, start: date, n: int) -> date:
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if cal.is_workday(day):
            left -= 1
    return day


@settings(max_examples=400, deadline=None)
@given(
    start=st.dates(min_value=date(2001, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=400),
)
def test_matches_a_day_by_day_count(start, n):
    cal = _shared_calendar()
    deadline = cal.add_workdays(start, n)
    assert deadline.day == naive_add(cal, start, n)
    assert cal.workdays_between(start, deadline.day) == n
    expected_provisional = n > 0 and any(
        not cal.is_known(start + timedelta(days=i))
        for i in range(1, (deadline.day - start).days + 1)
    )
    assert deadline.provisional == expected_provisional


@functools.cache
def _shared_calendar() -> Calendar:
    """The built-in years plus 2028, leaving 2027 an unknown gap that counts weekends only."""
    s = builtin_schedule()
    return Calendar(
        {**s.holidays, date(2028, 1, 3): "元旦", date(2027, 1, 1): "不计入"},
        s.workdays,
        s.years | {2028},
    )


def test_unknown_year_inside_the_span_counts_weekends_only():
    cal = _shared_calendar()
    assert cal.is_workday(date(2027, 1, 1))  # its entry is ignored: 2027 is not known
    assert not cal.is_workday(date(2028, 1, 3))
    assert cal.add_workdays(date(2027, 12, 31), 1).day == date(2028, 1, 4)
    assert cal.add_workdays(date(2026, 12, 31), 1).provisional


def test_2026_spring_festival_nine_days_and_national_day(cal):
    # 2月15日至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班。
    assert cal.add_workdays(date(2026, 2, 13), 1).day == date(2026, 2, 14)
    assert cal.add_workdays(date(2026, 2, 13), 2).day == date(2026, 2, 24)
    assert cal.workdays_between(date(2026, 2, 14), date(2026, 2, 28)) == 5
    # 10月1日至7日放假调休；9月20日（周日）、10月10日（周六）上班。
    assert cal.add_workdays(date(2026, 9, 30), 1).day == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 10, 10)) == date(2026, 10, 10)
