"""The command line, called in-process through ``main(argv) -> int``."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import docx
import openpyxl
import pytest

from govmedia.checks.cli import main


class TtylessStringIO(io.StringIO):
    def isatty(self) -> bool:
        return False


def run(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = TtylessStringIO(), TtylessStringIO()
    code = main(list(argv), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVMEDIA_CHECKS_CACHE_DIR", str(tmp_path / "cache"))


def test_it_reads_stdin_and_exits_0_when_nothing_is_blocking():
    code, out, err = run("--no-links", stdin="请按装好设备。".encode())
    assert code == 0
    assert "“按装” → 安装" in out
    assert err == ""


def test_it_exits_1_when_something_is_blocking(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("代开发票，联系我", encoding="utf-8")
    code, out, _ = run("--no-links", str(path))
    assert code == 1
    assert "[blocking] sensitive" in out


def test_it_prints_one_json_object_per_input(tmp_path):
    (tmp_path / "a.txt").write_text("按装", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>手机<b>13800138000</b></p>", encoding="utf-8")
    code, out, _ = run("--no-links", "--format", "json", "--show-text", str(tmp_path))
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["source"].rsplit("/", 1)[1] for o in objs] == ["a.txt", "b.html"]
    finding = objs[1]["findings"][0]
    assert set(finding) == {
        "category",
        "severity",
        "start",
        "end",
        "text",
        "suggestion",
        "rule",
        "reason",
        "count",
    }
    assert objs[1]["text"][finding["start"] : finding["end"]] == "13800138000"
    assert objs[0]["stats"]["findings"] == 1
    assert code == 0


def test_it_masks_privacy_findings():
    _, out, _ = run(
        "--no-links",
        "--mask",
        stdin="手机13812341234，身份证110101199003074514，卡6222021234567890128".encode(),
    )
    assert "138****1234" in out
    assert "11*************514" in out
    assert "***************0128" in out


def test_it_decodes_gbk_files(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("请按装好设备".encode("gbk"))
    code, out, _ = run("--no-links", "--format", "json", str(path))
    obj = json.loads(out)
    assert obj["stats"]["encoding"] == "gb18030"
    assert obj["findings"][0]["text"] == "按装"


def test_it_reads_docx_and_xlsx(tmp_path):
    document = docx.Document()
    document.add_paragraph("请按装好设备")
    document.save(tmp_path / "a.docx")
    book = openpyxl.Workbook()
    book.active.append(["联系人", "手机13800138000"])
    book.save(tmp_path / "b.xlsx")
    code, out, _ = run(
        "--no-links", "--format", "json", str(tmp_path / "a.docx"), str(tmp_path / "b.xlsx")
    )
    rules = [json.loads(line)["findings"][0]["rule"] for line in out.splitlines()]
    assert rules == ["list:typo@30-typos.txt", "privacy:mobile"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary", "looks like a binary file"),
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"\xff\xfe\x00", "not valid UTF-16"),
        (b"%PDF-1.7\n" + bytes(range(1, 32)) * 40, "looks like a binary file"),
        ("正常文字".encode() + b"\x80\x80\xff\xfe\x81", "cannot tell the text encoding"),
    ],
)
def test_it_exits_2_with_a_clear_message_for_bad_input(tmp_path, content, message):
    path = tmp_path / "in.txt"
    path.write_bytes(content)
    code, out, err = run("--no-links", str(path))
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_it_exits_2_for_missing_files_and_bad_options_but_checks_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("按装", encoding="utf-8")
    code, out, err = run("--no-links", str(tmp_path / "missing.txt"), str(good))
    assert code == 2
    assert "no such file" in err
    assert "按装" in out
    code, _, err = run("--format", "yaml")
    assert code == 2 and "invalid choice" in err
    code, _, err = run("--as-of", "yesterday", stdin=b"x")
    assert code == 2 and "not a date" in err


def test_it_refuses_a_broken_docx_clearly(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK not really")
    code, _, err = run("--no-links", str(path))
    assert code == 2 and "not a readable .docx" in err


def test_it_refuses_files_over_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(("文" * 400_000).encode())
    code, _, err = run("--no-links", "--max-size", "1", str(path))
    assert code == 2 and "larger than the limit of 1 MB" in err


def test_it_adds_lists_and_reports_malformed_rows(tmp_path):
    lists = tmp_path / "mine.txt"
    lists.write_text("示例违禁词\tsensitive\tblocking\t删除\n字\tsensitive\n", encoding="utf-8")
    code, out, err = run("--no-links", "--lists", str(lists), stdin="这是示例违禁词".encode())
    assert "mine.txt:2:" in err and "shorter than 2" in err
    assert "示例违禁词" in out
    assert code == 2
    code, _, err = run("--no-links", "--lists", str(tmp_path / "nope.xlsx"), stdin=b"x")
    assert code == 2 and "no such list file" in err


def test_it_checks_leaders_from_a_table(tmp_path):
    table = tmp_path / "leaders.tsv"
    table.write_text(
        "姓名\t职务\t单位\t起\t止\n张三\t副市长\t示例市\t2020-01-01\t\n", encoding="utf-8"
    )
    code, out, _ = run("--no-links", "--leaders", str(table), stdin="市长张三出席".encode())
    assert code == 1
    assert "张三不担任市长" in out


def test_it_prints_precision_and_recall_for_a_labelled_set():
    code, out, _ = run("--evaluate", "govmedia/checks/data/eval/eval.jsonl")
    assert code == 0
    assert out.splitlines()[1].split() == [
        "category",
        "precision",
        "recall",
        "tp",
        "fp",
        "expected",
    ]
    assert any(line.startswith("typo") for line in out.splitlines())


@pytest.mark.slow
def test_it_handles_a_50_mb_file(tmp_path):
    line = "市政府召开常务会议，研究部署安全生产工作，请安装好设备。\n".encode()
    path = tmp_path / "big.txt"
    path.write_bytes(line * (50 * 1024 * 1024 // len(line)) + "最后请按装好设备。".encode())
    code, out, err = run("--no-links", "--format", "json", str(path))
    assert code == 0, err
    (finding,) = json.loads(out)["findings"]
    assert finding["text"] == "按装"


def test_it_runs_as_a_module_without_django():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import govmedia.checks.cli as c; "
            "assert 'django' not in sys.modules; sys.exit(c.main(['--no-links', '-']))",
        ],
        input="按装".encode(),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "按装" in result.stdout.decode()


def test_it_prints_only_source_findings_and_stats_in_json_by_default():
    _, out, _ = run("--no-links", "--format", "json", stdin="按装".encode())
    assert set(json.loads(out)) == {"source", "findings", "stats"}


def test_it_shows_a_progress_bar_on_stderr_when_asked(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("按装", encoding="utf-8")
    code, out, err = run("--no-links", "--progress", str(tmp_path))
    assert code == 0
    assert "checking" in err and "2/2" in err
    assert out.count("finding(s)") == 2
