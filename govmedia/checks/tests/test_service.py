"""The contract the publishing workflow relies on (govmedia.checks.service)."""

from __future__ import annotations

from datetime import date

import pytest
from wagtail.models import Page

from govmedia.checks import service
from govmedia.checks.engine import CheckReport
from govmedia.checks.findings import Finding
from govmedia.checks.models import ContentFinding, Official, WordListEntry

pytestmark = pytest.mark.django_db


def test_it_checks_html_with_the_built_in_lists():
    report = service.check_content("<p>请按装好设备，代开发票。</p>", html=True)
    assert report.text == "请按装好设备，代开发票。"
    assert {f.category for f in report.findings} == {"typo", "sensitive"}
    assert report.has_blocking
    assert report.to_dict()["text"] == report.text


def test_it_uses_database_entries_as_soon_as_they_are_saved_and_forgets_deleted_ones():
    assert service.check_content("本地示例词", html=False).findings == []
    row = WordListEntry.objects.create(term="本地示例词", category="sensitive", severity="blocking")
    (finding,) = service.check_content("本地示例词", html=False).findings
    assert finding.rule == "list:sensitive@db"
    row.enabled = False
    row.save()
    assert service.check_content("本地示例词", html=False).findings == []
    row.delete()
    assert service.check_content("本地示例词", html=False).findings == []


def test_it_lets_a_database_allow_entry_silence_a_built_in_word():
    assert service.check_content("请按装好", html=False).findings
    WordListEntry.objects.create(term="请按装好", category="allow", severity="info")
    assert service.check_content("请按装好", html=False).findings == []


def test_it_checks_leader_titles_against_the_officials_table():
    Official.objects.create(
        name="张示例", title="副市长", organisation="示例市", start_date=date(2020, 1, 1)
    )
    (finding,) = service.check_content("市长张示例出席", html=False).findings
    assert finding.category == "leader" and finding.severity == "blocking"


def test_it_blocks_links_to_forbidden_hosts_from_settings(settings):
    settings.GOVMEDIA_CHECKS_FORBIDDEN_HOSTS = ["bad.example"]
    (finding,) = service.check_content(
        '<a href="http://x.bad.example/">点此</a>', html=True
    ).findings
    assert finding.rule == "link:forbidden-host"


def test_it_caches_the_engine_until_something_changes():
    first = service.get_engine()
    assert service.get_engine() is first
    WordListEntry.objects.create(term="新增示例", category="typo", severity="warning")
    assert service.get_engine() is not first


def test_it_highlights_findings_in_escaped_html():
    report = CheckReport(
        text="<b>按装</b>\n好",
        findings=[Finding("typo", "warning", 3, 5, "按装", "安装", "list:typo")],
    )
    html = service.highlight_html(report)
    assert html == (
        '&lt;b&gt;<mark class="finding finding--warning" title="typo: 安装">按装</mark>&lt;/b&gt;<br>好'
    )


def test_it_keeps_overlapping_highlights_well_nested():
    report = CheckReport(
        text="代开发票",
        findings=[
            Finding("sensitive", "blocking", 0, 4, "代开发票", "删除", "a"),
            Finding("typo", "warning", 2, 4, "发票", "x", "b"),
        ],
    )
    html = service.highlight_html(report)
    assert html.count("<mark") == html.count("</mark>") == 2
    assert "finding--warning" not in html  # the blocking finding covers both pieces


def _page():
    root = Page.get_first_root_node()
    return root.add_child(instance=Page(title="示例页面", slug="check-example"))


def test_it_records_findings_per_page_and_keeps_accepted_ones():
    page = _page()
    report = service.check_content("请按装好设备，既使下雨。", html=False)
    assert service.record_findings(page, report) == 2
    accepted = ContentFinding.objects.get(page=page, text="既使")
    accepted.state = ContentFinding.State.ACCEPTED
    accepted.save()

    again = service.check_content("请按装好设备，既使下雨，也要再接再励。", html=False)
    assert service.record_findings(page, again) == 2
    states = sorted(ContentFinding.objects.filter(page=page).values_list("text", "state"))
    assert states == [("再接再励", "open"), ("按装", "open"), ("既使", "accepted")]

    fixed = service.check_content("请安装好设备。", html=False)
    assert service.record_findings(page, fixed) == 0
    assert set(ContentFinding.objects.filter(page=page).values_list("state", flat=True)) == {
        "fixed",
        "accepted",
    }


def test_item_checks_show_the_typo_models_suspicions_as_hints_unless_switched_off(settings):
    text = "<p>我们要认真惯彻落实会议精神。</p>"
    report = service.check_content(text, html=True)
    [suspicion] = [f for f in report.findings if f.rule == "typos:model"]
    assert (suspicion.text, suspicion.suggestion, suspicion.severity) == ("惯", "贯", "info")
    assert not report.has_blocking

    settings.GOVMEDIA_CHECKS_TYPO_MODEL = False
    report = service.check_content(text, html=True)
    assert not [f for f in report.findings if f.rule == "typos:model"]
