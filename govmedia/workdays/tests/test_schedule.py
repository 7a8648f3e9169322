"""Reading a year's schedule as people type it."""

from __future__ import annotations

from datetime import date

import pytest

from govmedia.workdays.schedule import (
    HOLIDAY,
    WORKDAY,
    Entry,
    ScheduleError,
    format_lines,
    parse_line,
    parse_lines,
)


def test_a_range_a_single_day_and_the_usual_spellings():
    entries, errors = parse_lines(
        "# 2027\n"
        "2027-02-11..2027-02-13 春节 放假\n"
        "2027年2月7日 春节 补班\n"
        "2027/01/01，元旦，放假\n"
        "2027-10-01 至 2027-10-02　国庆节　放假\n"
        "\n",
        year=2027,
    )
    assert not errors
    assert [(e.day, e.kind) for e in entries] == [
        (date(2027, 2, 11), HOLIDAY),
        (date(2027, 2, 12), HOLIDAY),
        (date(2027, 2, 13), HOLIDAY),
        (date(2027, 2, 7), WORKDAY),
        (date(2027, 1, 1), HOLIDAY),
        (date(2027, 10, 1), HOLIDAY),
        (date(2027, 10, 2), HOLIDAY),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2027-01-01 元旦", "每行应为「日期 名称 类型」三项"),
        ("2027-02-30 春节 放假", "不是有效的日期"),
        ("明年元旦 元旦 放假", "不是日期"),
        ("2027-02-17..2027-02-11 春节 放假", "结束日早于开始日"),
        ("2027-12-31..2028-01-01 元旦 放假", "跨了年份"),
        ("2027-01-01..2027-03-01 春节 放假", "超过 31 天"),
        ("2027-01-04 元旦 调休上班", "2027-01-04 是周一，调休上班日应为周六或周日"),
        ("2027-01-01 元旦 调休", "类型「调休」无法识别"),
    ],
)
def test_each_mistake_says_what_is_wrong(line, message):
    with pytest.raises(ScheduleError, match=message):
        parse_line(line)


def test_lines_round_trip_through_format_lines():
    entries = [
        Entry(date(2025, 10, d), "国庆节" if d != 6 else "中秋节", HOLIDAY) for d in range(1, 9)
    ] + [Entry(date(2025, 9, 28), "国庆节", WORKDAY)]
    text = format_lines(entries)
    assert text.splitlines() == [
        "2025-09-28 国庆节 调休上班",
        "2025-10-01..2025-10-05 国庆节 放假",
        "2025-10-06 中秋节 放假",
        "2025-10-07..2025-10-08 国庆节 放假",
    ]
    again, errors = parse_lines(text)
    assert not errors
    assert sorted(again, key=lambda e: e.day) == sorted(entries, key=lambda e: e.day)
