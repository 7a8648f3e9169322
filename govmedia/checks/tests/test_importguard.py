"""The guard for imported lists: common words cannot block ordinary documents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from govmedia.checks.importguard import ImportGuard
from govmedia.checks.lists import parse_text
from govmedia.checks.measure import importguard as section

LIST = "改革\n人民\n国家发展\n代开发票\n出售冰毒\nsensitive-word\n残疾人\tallow\n"


def parse(text: str = LIST):
    entries, errors = parse_text(text, source="公开词库.txt", defaults={"category": "sensitive"})
    assert not errors
    return entries


def test_it_demotes_common_words_and_keeps_the_rest_blocking():
    result = ImportGuard().check(parse())
    by_term = {e.term: e for e in result.entries}
    assert [d.entry.term for d in result.demoted] == ["改革", "人民", "国家发展"]
    assert {by_term[t].severity for t in ("改革", "人民", "国家发展")} == {"warning"}
    assert by_term["代开发票"].severity == by_term["出售冰毒"].severity == "blocking"
    assert by_term["残疾人"].category == "allow"
    assert [e.term for e in result.enabled_entries] == [
        "代开发票",
        "出售冰毒",
        "sensitive-word",
        "残疾人",
    ]
    reason = result.demoted[1].reason
    assert reason.startswith("常用词（在法规语料中每百万字出现")
    assert "级别由阻断降为警告" in reason and "待人工审核" in reason
    assert "jieba frequency" in result.demoted[1].reason_en


def test_its_thresholds_are_configurable():
    assert ImportGuard(per_million=1e9, jieba=10**9).check(parse()).demoted == []


@pytest.mark.django_db
def test_the_admin_import_reports_each_demoted_entry_and_imports_it_disabled(admin_client):
    from govmedia.checks.models import WordListEntry

    upload = SimpleUploadedFile("公开词库.txt", LIST.encode())
    page = admin_client.post(
        reverse("checks_import"), {"file": upload, "category": "sensitive"}
    ).content.decode()
    assert "以下 3 个词条是正式公文中的常用词，已降级并停用" in page
    assert "<td>人民</td><td>敏感词</td><td>警告</td><td>常用词（在法规语料中每百万字出现" in page
    rows = {w.term: (w.severity, w.enabled) for w in WordListEntry.objects.all()}
    assert rows["人民"] == ("warning", False)
    assert rows["代开发票"] == ("blocking", True)

    from govmedia.checks.service import check_content

    report = check_content("深化改革，为人民服务。严禁代开发票。", html=False)
    assert [f.text for f in report.findings if f.severity == "blocking"] == ["代开发票"]


@pytest.mark.django_db
def test_the_import_command_reports_demotions_in_english(tmp_path):
    from govmedia.checks.models import WordListEntry

    path = tmp_path / "public.txt"
    path.write_text(LIST, encoding="utf-8")
    out = io.StringIO()
    call_command("import_wordlist", str(path), "--category", "sensitive", stdout=out)
    text = out.getvalue()
    assert "demoted: 改革 (sensitive): common word (" in text
    assert "severity blocking -> warning, imported disabled for review" in text
    assert "3 common word(s) demoted and imported disabled" in text
    assert not WordListEntry.objects.get(term="国家发展").enabled

    call_command(
        "import_wordlist", str(path), "--category", "sensitive", "--no-guard", stdout=io.StringIO()
    )
    assert WordListEntry.objects.get(term="国家发展").enabled


CORPUS = section.DEFAULT_CORPUS
SAMPLE = 300


@pytest.mark.slow
@pytest.mark.skipif(not Path(CORPUS).is_dir(), reason="../shared/corpora is not available")
def test_a_50000_entry_public_list_leaves_95_percent_of_real_prose_unblocked():
    """Sample of 300 files from the held-out half of the laws corpus (the half the
    common-word table was not built from)."""
    terms = section.generate_public_list(50_000)
    assert len(terms) == 50_000 and {"改革", "人民", "国家", "发展"} <= set(terms)
    engine, demoted, _ = section.guarded_engine(terms, per_million=0.5, jieba=50)
    share, blocked = section.unblocked_share(engine, section.held_out_files(CORPUS, SAMPLE))
    assert share >= 0.95, blocked[:10]
