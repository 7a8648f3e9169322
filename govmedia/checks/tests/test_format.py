import re

import pytest

from govmedia.checks.findings import Finding
from govmedia.checks.rules.format import (
    FindingGroup,
    entry_dict,
    find_format,
    fix_html,
    fix_text,
    group_findings,
)


def rules(text):
    return [(f.rule, f.start, f.text) for f in find_format(text)]


def test_it_flags_half_width_punctuation_between_chinese_characters():
    assert rules("会议要求,各单位落实") == [("format:half-width-punctuation", 4, ",")]
    assert rules("会议时间10:30，版本1.2，网址a.b") == []


def test_it_flags_brackets_closed_in_the_other_width():
    assert rules("本次会议（扩大会议)召开") == [("format:mixed-width-brackets", 9, ")")]


def test_it_flags_unclosed_and_stray_brackets_and_quotes():
    assert rules("印发《通知，请执行") == [("format:unclosed-bracket", 2, "《")]
    assert rules("他说：“要办好。") == [("format:unclosed-bracket", 3, "“")]
    assert rules("多余的】括号") == [("format:stray-bracket", 3, "】")]


def test_it_accepts_balanced_text_and_list_numbers():
    assert rules("《通知》（一）“好”【注】") == []
    assert rules("1）加强领导；2）落实责任。\n  3) 做好总结") == []


def test_it_checks_brackets_paragraph_by_paragraph():
    assert [r[0] for r in rules("第一段（开始\n第二段）结束")] == [
        "format:unclosed-bracket",
        "format:stray-bracket",
    ]


def test_it_suggests_a_dunhao_after_a_chinese_list_number():
    (finding,) = find_format("一.加强领导")
    assert finding.suggestion == "中文语句中应使用全角标点“、”"


def test_it_flags_doubled_full_width_marks_but_not_ellipses_or_dashes():
    assert rules("会议强调，，要抓好落实。。") == [
        ("format:duplicate-punctuation", 4, "，，"),
        ("format:duplicate-punctuation", 11, "。。"),
    ]
    assert rules("等等……以及——还有") == []


def test_every_format_finding_says_why_in_chinese():
    findings = find_format("要求,落实。。（扩大)《通知")
    assert {f.rule for f in findings} == {
        "format:half-width-punctuation",
        "format:duplicate-punctuation",
        "format:mixed-width-brackets",
        "format:unclosed-bracket",
    }
    for f in findings:
        assert re.search("[\u4e00-\u9fff]", f.reason), f


def test_fix_text_applies_the_mechanical_corrections_only():
    fixed, count = fix_text(
        "会议要求, 各单位落实;一.加强领导。。本次会议（扩大会议)召开,请执行《通知"
    )
    assert fixed == "会议要求，各单位落实；一、加强领导。本次会议（扩大会议）召开，请执行《通知"
    assert count == 6
    # The unclosed 《 is a reader's call: still reported, never "fixed".
    assert [f.rule for f in find_format(fixed)] == ["format:unclosed-bracket"]
    assert fix_text(fixed) == (fixed, 0)
    assert fix_text("时间10:30，版本1.2，网址a.b") == ("时间10:30，版本1.2，网址a.b", 0)


def test_fix_html_changes_text_nodes_and_keeps_the_markup():
    html = (
        '<p data-block-key="a1">会议要求,各单位&amp;落实;加强领导</p>'
        '<!-- 备注,不改 --><p><a href="/s?q=中,文" title="中,文">链接,文字</a></p>'
        "<script>var s='中,文';</script>"
    )
    fixed, count = fix_html(html)
    assert fixed == (
        '<p data-block-key="a1">会议要求，各单位&amp;落实；加强领导</p>'
        '<!-- 备注,不改 --><p><a href="/s?q=中,文" title="中,文">链接，文字</a></p>'
        "<script>var s='中,文';</script>"
    )
    assert count == 3


def test_findings_of_one_format_rule_are_grouped_with_every_position():
    text = "甲,乙" * 1100 + "（丙)"
    findings = sorted(find_format(text), key=lambda f: f.sort_key)
    assert len(findings) == 1101
    commas, bracket = group_findings(findings)
    assert isinstance(commas, FindingGroup)
    assert commas.count == 1100
    assert commas.positions == [(3 * i + 1, 3 * i + 2) for i in range(1100)]
    entry = entry_dict(commas)
    assert (entry["rule"], entry["start"], entry["count"]) == (
        "format:half-width-punctuation",
        1,
        1100,
    )
    assert len(entry["positions"]) == 1100
    assert entry_dict(bracket)["count"] == 1
    assert entry_dict(bracket)["positions"] == [[len(text) - 1, len(text)]]


def test_grouping_leaves_other_findings_in_place():
    typo = Finding("typo", "warning", 2, 4, "按装", "安装", "list:typo")
    first, second = find_format("甲,乙丙,丁")
    entries = group_findings([first, typo, second])
    assert entries[1] is typo
    assert entries[0].count == 2
    assert entry_dict(typo)["count"] == 1


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="，，。、；：,;:!?. 中文a1（）\n", max_size=80))
def test_marks_found_by_substring_search_are_those_a_regex_scan_finds(text):
    from govmedia.checks.rules.format import (
        DUPLICATE_RE,
        HALF_PUNCT_RE,
        _doubled_marks,
        _half_width_marks,
    )

    assert [m.span() for m in _half_width_marks(text)] == [
        m.span() for m in HALF_PUNCT_RE.finditer(text)
    ]
    assert [m.span() for m in _doubled_marks(text)] == [
        m.span() for m in DUPLICATE_RE.finditer(text)
    ]
    # A text full of marks is scanned by the regex itself.
    many = text + ",中" * (len(text) + 100)
    assert [m.span() for m in _half_width_marks(many)] == [
        m.span() for m in HALF_PUNCT_RE.finditer(many)
    ]
