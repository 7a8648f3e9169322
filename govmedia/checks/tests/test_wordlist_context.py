"""Word boundaries, outdated-since dates and context exceptions kept in the database word list."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from govmedia.checks import service
from govmedia.checks.models import WordListEntry

pytestmark = pytest.mark.django_db


def _rules(text: str, **kwargs) -> list[tuple[str, str]]:
    report = service.get_engine().check(text, **kwargs)
    return [(f.text, f.category) for f in report.findings if f.rule.startswith("list:")]


def test_an_exception_entered_in_the_admin_spares_the_phrase_and_not_the_word(admin_client):
    response = admin_client.post(
        reverse("checks_words:add"),
        {
            "term": "刷单返利",
            "category": "sensitive",
            "severity": "blocking",
            "exceptions": "严厉打击刷单返利|警惕刷单返利",
            "enabled": "on",
        },
    )
    assert response.status_code == 302

    assert _rules("近期严厉打击刷单返利类诈骗。") == []
    assert _rules("招聘兼职，刷单返利，日结。") == [("刷单返利", "sensitive")]


def test_an_outdated_since_date_spares_older_documents(admin_client):
    admin_client.post(
        reverse("checks_words:add"),
        {
            "term": "示例市文化广电局",
            "category": "expression",
            "severity": "warning",
            "suggestion": "示例市文化和旅游局",
            "since": "2019-01-15",
            "enabled": "on",
        },
    )
    text = "请与示例市文化广电局联系。"
    assert _rules(text, document_date=date(2018, 6, 1)) == []
    assert _rules(text, document_date=date(2020, 6, 1)) == [("示例市文化广电局", "expression")]


def test_a_bad_exception_is_refused_in_chinese_and_the_form_keeps_what_was_typed(admin_client):
    response = admin_client.post(
        reverse("checks_words:add"),
        {
            "term": "刷单返利",
            "category": "sensitive",
            "severity": "blocking",
            "suggestion": "删除",
            "exceptions": "打击诈骗",
            "enabled": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "每个例外短语都必须包含本词条" in body
    assert "打击诈骗" in body and 'value="删除"' in body
    assert not WordListEntry.objects.exists()


def test_import_and_export_carry_the_three_columns(admin_client, tmp_path):
    rows = "示例词条甲\ttypo\t\t示例词条乙\t\t\tany\n国家示例总局\texpression\t\t国家示例局\t\t\t\t2018-03-17\t原国家示例总局\n"
    upload = SimpleUploadedFile("上下文.txt", rows.encode())
    admin_client.post(reverse("checks_import"), {"file": upload, "category": ""})
    typo = WordListEntry.objects.get(term="示例词条甲")
    old = WordListEntry.objects.get(term="国家示例总局")
    assert typo.boundary == "any"
    assert old.since == date(2018, 3, 17) and old.exceptions == "原国家示例总局"

    out = tmp_path / "导出.txt"
    call_command("export_wordlist", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith("boundary\tsince\texcept")
    assert (
        "国家示例总局\texpression\twarning\t国家示例局\t\t\t\t2018-03-17\t原国家示例总局" in lines
    )
