from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govmedia.checks.models import WordListEntry

pytestmark = pytest.mark.django_db


def test_it_imports_a_word_list_and_reports_bad_rows(tmp_path):
    path = tmp_path / "本地词库.txt"
    path.write_text(
        "示例甲词\tsensitive\tblocking\t删除\n字\tsensitive\n示例乙词\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 row"):
        call_command("import_wordlist", str(path), stdout=io.StringIO(), stderr=err)
    assert "本地词库.txt:2:" in err.getvalue()
    assert "本地词库.txt:3: no category" in err.getvalue()
    row = WordListEntry.objects.get()
    assert (row.term, row.severity, row.source) == ("示例甲词", "blocking", "本地词库.txt")


def test_it_imports_a_plain_list_with_a_default_category_and_updates_existing_rows(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("示例甲词\n示例乙词\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_wordlist", str(path), "--category", "typo", stdout=out)
    assert "2 created, 0 updated" in out.getvalue()
    call_command(
        "import_wordlist", str(path), "--category", "typo", "--severity", "info", stdout=out
    )
    assert set(WordListEntry.objects.values_list("severity", flat=True)) == {"info"}


def test_it_exports_what_it_imports(tmp_path):
    WordListEntry.objects.create(
        term="示例甲词", category="typo", severity="warning", suggestion="示例"
    )
    for name in ("out.txt", "out.xlsx"):
        call_command("export_wordlist", str(tmp_path / name), stdout=io.StringIO())
    WordListEntry.objects.all().delete()
    call_command("import_wordlist", str(tmp_path / "out.xlsx"), stdout=io.StringIO())
    assert WordListEntry.objects.get().suggestion == "示例"
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").active["A1"].value == "term"


def test_it_runs_govmedia_check_with_database_entries(tmp_path, capsys):
    WordListEntry.objects.create(term="库中示例词", category="sensitive", severity="blocking")
    path = tmp_path / "a.txt"
    path.write_text("这里有库中示例词。", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("checktext", "--no-links", str(path))
    assert exit_info.value.code == 1
    assert "库中示例词" in capsys.readouterr().out


def test_it_gives_the_check_help_under_its_public_name(capsys):
    from govmedia.checks.management.commands.checktext import Command

    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["govmedia", "checktext", "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: govmedia check")


def test_it_applies_forbidden_hosts_from_settings(settings, tmp_path, capsys):
    settings.GOVMEDIA_CHECKS_FORBIDDEN_HOSTS = ["bad.example"]
    path = tmp_path / "a.txt"
    path.write_text("见 http://www.bad.example/x 。", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("checktext", "--no-links", str(path))
    assert exit_info.value.code == 1
    assert "link:forbidden-host" in capsys.readouterr().out
