from datetime import date

from govmedia.checks.engine import Engine
from govmedia.checks.lists import load_builtin_lists
from govmedia.checks.rules.leaders import Leader

from .helpers import engine, entry


def test_it_reports_offsets_into_the_text_as_given():
    text = "前言：代 开 发 票！國土資源部"
    report = engine(
        entry("代开发票"), entry("国土资源部", "expression", suggestion="自然资源部")
    ).check(text)
    assert [(f.category, text[f.start : f.end]) for f in report.findings] == [
        ("sensitive", "代 开 发 票"),
        ("expression", "國土資源部"),
    ]
    assert all(f.text == text[f.start : f.end] for f in report.findings)
    assert report.has_blocking


def test_it_reports_offsets_into_the_visible_text_of_html():
    html = "<p>请<b>按</b>装</p><p>手机13800138000</p>"
    report = engine(entry("按装", "typo")).check(html, html=True)
    assert report.text == "请按装\n手机13800138000"
    assert [(f.category, report.text[f.start : f.end]) for f in report.findings] == [
        ("typo", "按装"),
        ("privacy", "13800138000"),
    ]


def test_it_runs_every_rule_in_one_check():
    entries, _ = load_builtin_lists()
    leaders = [Leader("王建国", "市长", "示例市", date(2021, 1, 1))]
    report = Engine(
        entries, leaders, forbidden_hosts=["bad.example"], today=date(2026, 1, 1)
    ).check(
        "副市长王建国说,请按装好设备，身份证110101199003074514，见http://bad.example/ 。代开发票。國家衛生和計劃生育委員會"
    )
    assert set(report.stats["by_category"]) == {
        "leader",
        "format",
        "typo",
        "privacy",
        "link",
        "sensitive",
        "expression",
    }
    assert report.to_dict()["findings"][0]["category"] == "leader"


def test_it_can_switch_rules_off():
    report = engine(privacy=False, formatting=False).check("手机13800138000,好")
    assert report.findings == []


def test_it_checks_a_long_article_quickly():
    entries, _ = load_builtin_lists()
    e = Engine(entries)
    text = "市政府召开常务会议，研究部署安全生产工作，要求各单位认真落实。" * 160
    report = e.check(text)
    assert report.findings == []
    assert report.stats["seconds"] < 0.2


def test_it_lets_an_allowed_phrase_silence_other_rules_too():
    text = "服务专线138-0013-8000，手机13900139000"
    report = engine(entry("13800138000", "allow")).check(text)
    assert [f.text for f in report.findings] == ["13900139000"]


def test_it_checks_a_text_with_a_lone_surrogate_at_the_same_offsets():
    # JSON allows "\ud800" alone; such a text used to raise inside OpenCC.
    text = "代开发票\ud800联系13800138000"
    report = engine(entry("代开发票")).check(text)
    assert [(f.category, f.start, f.end) for f in report.findings] == [
        ("sensitive", 0, 4),
        ("privacy", 7, 18),
    ]
    assert report.findings[1].text == "13800138000"
