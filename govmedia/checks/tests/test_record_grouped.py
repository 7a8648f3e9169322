"""检查发现 keeps one row per format rule, not one per half-width comma."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from govmedia.checks import service
from govmedia.checks.models import ContentFinding

pytestmark = pytest.mark.django_db


def test_a_rules_format_findings_are_one_recorded_row_with_the_count():
    page = Page.get_first_root_node().add_child(instance=Page(title="示例", slug="grouped"))
    report = service.check_content("甲,乙" * 1100 + "请按装好设备。。", html=False)
    assert service.record_findings(page, report) == 3
    rows = {f.rule: f for f in ContentFinding.objects.filter(page=page)}
    assert set(rows) == {
        "format:half-width-punctuation",
        "format:duplicate-punctuation",
        "list:typo@30-typos.txt",
    }
    commas = rows["format:half-width-punctuation"]
    assert (commas.text, commas.start) == (",", 1)
    assert commas.suggestion == "中文语句中应使用全角标点“，”（本文共 1100 处）"
    assert rows["format:duplicate-punctuation"].suggestion == "删去多余的“。”"
