"""`govmedia check`: format findings grouped per rule, and --fix, through ``main(argv)``."""

from __future__ import annotations

import json

import docx
import pytest

from govmedia.checks.tests.test_cli import run

COMMAS = "甲,乙" * 1100


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMEDIA_CHECKS_CACHE_DIR", str(tmp_path / "cache"))


def test_a_rules_format_findings_are_one_line_with_a_count():
    code, out, _ = run("--no-links", stdin=COMMAS.encode())
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "<stdin>: 1100 finding(s), 0 blocking"
    assert len(lines) == 3
    assert "×1100 at 1:2, 1:5, 1:8" in lines[1]
    assert "(+1090 more)" in lines[1]
    # Each entry says once why its rule fired.
    assert lines[2].strip().startswith("why: 半角标点“,”用在汉字之间")
    _, ungrouped, _ = run("--no-links", "--no-group", stdin=COMMAS.encode())
    assert len([line for line in ungrouped.splitlines() if "[format:" in line]) == 1100


def test_json_keeps_every_position_of_a_grouped_rule():
    _, out, _ = run("--no-links", "--format", "json", stdin=("请按装好设备," + COMMAS).encode())
    obj = json.loads(out)
    assert obj["stats"]["findings"] == 1102
    typo, commas = obj["findings"]
    assert (typo["rule"], typo["count"]) == ("list:typo@30-typos.txt", 1)
    assert commas["rule"] == "format:half-width-punctuation"
    assert commas["count"] == 1101
    assert len(commas["positions"]) == 1101
    assert commas["positions"][:2] == [[6, 7], [8, 9]]
    assert (commas["start"], commas["end"], commas["text"]) == (6, 7, ",")


def test_fix_writes_the_corrected_text_to_stdout_and_the_report_to_stderr():
    code, out, err = run(
        "--no-links", "--fix", stdin="会议要求, 各单位落实;请按装好设备。。\n".encode()
    )
    assert code == 0
    assert out == "会议要求，各单位落实；请按装好设备。\n"
    assert "fixed 3 problem(s); corrected text written to standard output" in err
    assert "按装" in err  # the typo is reported, not changed


def test_fix_all_also_applies_unambiguous_typo_suggestions():
    code, out, _ = run("--no-links", "--fix=all", stdin="请按装好设备,谢谢".encode())
    assert (code, out) == (0, "请安装好设备，谢谢")


def test_fix_keeps_the_exit_status_of_the_check(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("代开发票,联系我", encoding="utf-8")
    code, out, err = run("--no-links", "--fix", str(path))
    assert code == 1
    assert out == "代开发票，联系我"
    assert "[blocking] sensitive" in err


def test_fix_in_place_keeps_a_backup_and_never_overwrites_one(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("要求,落实\r\n", encoding="utf-8")
    code, out, _ = run("--no-links", "--fix", "--in-place", str(path))
    assert code == 0
    assert path.read_bytes() == "要求，落实\r\n".encode()
    assert (tmp_path / "a.txt.bak").read_bytes() == "要求,落实\r\n".encode()
    assert "fixed 1 problem(s)" in out and "original kept as a.txt.bak" in out
    path.write_text("再次,修改", encoding="utf-8")
    run("--no-links", "--fix", "--in-place", str(path))
    assert (tmp_path / "a.txt.bak").read_bytes() == "要求,落实\r\n".encode()
    assert (tmp_path / "a.txt.bak.1").read_text(encoding="utf-8") == "再次,修改"


def test_fix_to_a_file_keeps_the_inputs_encoding(tmp_path):
    source = tmp_path / "gbk.txt"
    source.write_bytes("会议要求,各单位落实".encode("gbk"))
    target = tmp_path / "out.txt"
    code, out, _ = run("--no-links", "--fix", str(source), "-o", str(target))
    assert code == 0
    assert target.read_bytes().decode("gb18030") == "会议要求，各单位落实"
    assert f"written to {target}" in out


def test_fix_html_changes_only_text(tmp_path):
    path = tmp_path / "a.html"
    path.write_text('<p class="x">要求,落实</p><a href="/q?a=中,文">链接</a>', encoding="utf-8")
    code, out, _ = run("--no-links", "--fix", str(path))
    assert code == 0
    assert out == '<p class="x">要求，落实</p><a href="/q?a=中,文">链接</a>'


def test_fix_refuses_docx_clearly_and_leaves_it_alone(tmp_path):
    document = docx.Document()
    document.add_paragraph("会议要求,各单位落实")
    path = tmp_path / "a.docx"
    document.save(path)
    before = path.read_bytes()
    code, out, err = run("--no-links", "--fix", "--in-place", str(path))
    assert code == 2
    assert "only text and HTML files can be fixed" in err
    assert "format:half-width-punctuation" in out  # still checked and reported
    assert path.read_bytes() == before
    assert not (tmp_path / "a.docx.bak").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-o", "x.txt", "-"], "-o and --in-place go with --fix"),
        (["--fix", "--in-place", "-"], "--in-place cannot rewrite standard input"),
        (["--fix", "a.txt", "b.txt"], "use --in-place for several files"),
        (["--fix", "--in-place", "-o", "x.txt", "a.txt"], "choose either -o FILE or --in-place"),
    ],
)
def test_fix_usage_errors_exit_2(tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("甲", encoding="utf-8")
    (tmp_path / "b.txt").write_text("乙", encoding="utf-8")
    code, out, err = run("--no-links", *argv)
    assert code == 2
    assert message in err
    assert not (tmp_path / "x.txt").exists()
