"""Posts sorted into the categories practitioners use for 上海发布."""

from __future__ import annotations

from govmedia.reach import categories


def test_an_emergency_word_wins_over_a_policy_category():
    assert (
        categories.classify("暴雨红色预警：全市停课", disclosure_category="政策文件") == "emergency"
    )


def test_the_disclosure_category_decides_before_keywords():
    assert categories.classify("关于印发某某的通知", disclosure_category="规范性文件") == "policy"
    assert (
        categories.classify("2026年公务员招考公告", disclosure_category="公务员招考") == "service"
    )
    assert categories.classify("前三季度经济运行情况", disclosure_category="统计信息") == "news"


def test_keywords_sort_the_rest_and_anything_else_is_other():
    assert categories.classify("一图读懂：新版住房公积金提取办法") == "policy"
    assert categories.classify("社保卡线上办理指南") == "service"
    assert categories.classify("今日我市举行马拉松比赛") == "news"
    assert categories.classify("秋色正好") == "other"


def test_keywords_can_be_replaced():
    words = {"service": ("赏秋",)}
    assert categories.classify("赏秋路线", keywords=words) == "service"
