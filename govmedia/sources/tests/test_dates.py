"""Dates as Chinese government sites write them, and no date at all."""

from datetime import datetime

import pytest

from govmedia.sources.dates import SHANGHAI, date_in_url, find_date, parse_date

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=SHANGHAI)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年3月1日", at(2026, 3, 1)),
        ("2026年03月01日 10:20", at(2026, 3, 1, 10, 20)),
        ("发布时间：2026年03月01日 10:20:30", at(2026, 3, 1, 10, 20, 30)),
        ("2026-03-01", at(2026, 3, 1)),
        ("2026-03-01 08:05", at(2026, 3, 1, 8, 5)),
        ("2026/3/1", at(2026, 3, 1)),
        ("2026.03.01", at(2026, 3, 1)),
        ("[2026-03-01]", at(2026, 3, 1)),
        ("日期：2026-03-01", at(2026, 3, 1)),
        ("03-01", at(2026, 3, 1)),
        ("3月1日", at(2026, 3, 1)),
        ("03-05 09:00", at(2026, 3, 5, 9)),
        ("3天前", at(2026, 3, 2, 12)),
        ("5分钟前", at(2026, 3, 5, 11, 55)),
        ("2小时前", at(2026, 3, 5, 10)),
        ("昨天 10:20", at(2026, 3, 4, 10, 20)),
        ("前天", at(2026, 3, 3)),
        ("刚刚", NOW),
        ("今天", at(2026, 3, 5)),
        ("今天 08:30", at(2026, 3, 5, 8, 30)),
    ],
)
def test_it_reads_every_usual_chinese_form(text, expected):
    assert parse_date(text, NOW) == expected


def test_a_year_less_date_is_the_latest_one_not_in_the_future():
    # On 5 March, 12-25 is last Christmas and 03-06 is a year ago, never tomorrow.
    assert parse_date("12-25", NOW) == at(2025, 12, 25)
    assert parse_date("03-06", NOW) == at(2025, 3, 6)
    assert parse_date("03-05 13:00", NOW) == at(2025, 3, 5, 13)
    assert parse_date("02-29", NOW) == at(2024, 2, 29)


def test_feeds_dates_keep_their_zone():
    assert parse_date("Sun, 01 Mar 2026 10:20:00 +0800") == at(2026, 3, 1, 10, 20)
    assert parse_date("2026-03-01T02:20:00Z") == at(2026, 3, 1, 10, 20)
    assert parse_date("2026-03-01T10:20:00+08:00") == at(2026, 3, 1, 10, 20)


@pytest.mark.parametrize(
    "text", ["", "无", "暂无日期", "2026-02-30", "13-45", "电话：0571-88886666", "第3期"]
)
def test_text_without_a_real_date_has_none(text):
    assert parse_date(text, NOW) is None


def test_the_words_the_date_was_read_from_are_kept_as_evidence():
    found = find_date("来源：示例市人民政府办公室 发布时间：2026年03月01日 10:20 浏览次数：12", NOW)
    assert found is not None
    assert found.text == "2026年03月01日 10:20"
    assert found.has_time


def test_a_year_in_a_title_is_not_read_as_a_month_day():
    assert parse_date("关于做好2026年春季植树工作的通知", NOW) is None


def test_the_date_in_a_government_cms_address():
    found = date_in_url("http://www.example.gov.cn/col/dongtai/202603/t20260301_123.html")
    assert found is not None and found.at == at(2026, 3, 1)
    assert date_in_url("http://www.example.gov.cn/col/123456789.html") is None


def test_every_result_is_timezone_aware_in_shanghai_when_unzoned():
    result = parse_date("2026-03-01 10:20")
    assert result is not None and result.utcoffset().total_seconds() == 8 * 3600
