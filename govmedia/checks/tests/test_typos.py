"""The statistical typo finder: its model file, its suspicions, the engine pass and the command."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from govmedia.checks.cli import main as check_main
from govmedia.checks.engine import Engine
from govmedia.checks.measure.cli import main as eval_main
from govmedia.checks.typos.finder import TypoFinder, is_traditional
from govmedia.checks.typos.model import DEFAULT_PATH, load_model


@pytest.fixture(scope="module")
def finder() -> TypoFinder:
    return TypoFinder(load_model())


def found(finder: TypoFinder, text: str) -> list[tuple[str, str]]:
    return [(s.char, s.suggestion) for s in finder.find(text)]


def test_the_model_ships_in_the_package_and_stays_small():
    assert DEFAULT_PATH.is_file()
    assert DEFAULT_PATH.stat().st_size < 10 * 1024 * 1024
    model = load_model()
    assert model.meta["corpus_characters"] > 10_000_000
    assert len(model.ngrams) == 3
    assert len(model.ngrams[2]) > 500_000  # 3-grams
    assert len(model.words) > 300_000  # jieba's words


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("会议由市长主持，各部门负责人参架了会议。", "架", "加"),
        ("我们要加强环竟保护。", "竟", "境"),
        ("在全市范为内开展安全检查。", "为", "围"),
        ("这是一个很好的机会，我门要好好把握。", "门", "们"),
        # Mistakes of the kind the laws corpus itself contains (sentences ours).
        ("各地要加强河道疏竣和清障工作。", "竣", "浚"),
        ("任何单位和个人不得向他人透漏业主的个人信息。", "漏", "露"),
        ("我们要认真惯彻落实会议精神。", "惯", "贯"),  # shape-alike table
    ],
)
def test_a_wrong_character_is_found_with_the_character_meant(finder, text, wrong, right):
    suspicions = finder.find(text)
    assert [(s.char, s.suggestion) for s in suspicions] == [(wrong, right)]
    assert text[suspicions[0].start] == wrong
    assert f"建议“{right}”" in suspicions[0].reason


@pytest.mark.parametrize(
    "text",
    [
        "会议要求各部门认真贯彻落实，确保各项工作取得实效。",
        "本办法自发布之日起施行，由市人民政府负责解释。",
        "政府工作报告指出，今年经济社会发展的主要预期目标是国内生产总值增长百分之五左右。",
        "各级政府要切实履行职责，加强监督管理。",
        "要进一步提高服务质量和效率，做到群众满意。",
    ],
)
def test_correct_official_sentences_are_not_flagged(finder, text):
    assert found(finder, text) == []


def test_a_text_in_traditional_characters_is_not_corrected(finder):
    text = "我們要認真貫徹落實會議精神，加強環境保護工作，參加會議的人員準時到場。"
    assert is_traditional(text)
    assert found(finder, text) == []
    # One stray traditional character does not make a simplified text traditional.
    assert not is_traditional("我们要认真贯彻落实会议精神，加强环境保护工作。")


def test_the_engine_runs_the_finder_only_when_given_one(finder):
    text = "会议由市长主持，各部门负责人参架了会议。"
    assert Engine().check(text).findings == []
    report = Engine(typo_finder=finder).check(text)
    [f] = report.findings
    assert (f.category, f.severity, f.text, f.suggestion, f.rule) == (
        "typo",
        "info",
        "架",
        "加",
        "typos:model",
    )
    assert f.reason.startswith("统计模型")
    assert "typo_model_seconds" in report.stats


def test_the_command_runs_the_finder_with_typo_model():
    out, err = io.StringIO(), io.StringIO()
    text = "会议由市长主持，各部门负责人参架了会议。".encode()
    assert check_main(["--no-builtin"], stdin=io.BytesIO(text), stdout=out, stderr=err) == 0
    assert "0 finding(s)" in out.getvalue()
    out = io.StringIO()
    args = ["--no-builtin", "--typo-model"]
    assert check_main(args, stdin=io.BytesIO(text), stdout=out, stderr=err) == 0
    assert "“架” → 加" in out.getvalue()


SIGHAN_LINES = [
    "会议由市长主持，各部门负责人参架了会议。\t会议由市长主持，各部门负责人参加了会议。",
    "我们要加强环竟保护。\t我们要加强环境保护。",
    # 乙 is neither alike in sound nor in shape to 护: beyond the finder's reach.
    "我们要加强环境保乙。\t我们要加强环境保护。",
    "本办法自发布之日起施行。\t本办法自发布之日起施行。",
    "各级政府要切实履行职责。\t各级政府要切实履行职责。",
    "他明天来\t他明天会来",
]


def run_eval(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return eval_main(["sighan", *argv], out=out), out.getvalue()


def test_the_sighan_section_measures_a_tsv(tmp_path: Path):
    tsv = tmp_path / "sighan.tsv"
    tsv.write_text("\n".join(SIGHAN_LINES) + "\n", encoding="utf-8")
    laws = tmp_path / "laws"
    laws.mkdir()
    (laws / "a.txt").write_text("本条例自公布之日起施行。\n" * 50, encoding="utf-8")
    code, out = run_eval("--sighan", str(tsv), "--laws", str(laws))
    assert "3 erroneous, 2 correct, 1 skipped" in out
    assert "detection recall 66.7% (2/3)" in out
    assert "false alarms 0.0% (0/2" in out
    assert "0 suspicions, 0.00 per 10,000 characters" in out
    assert "goal sighan_detection_recall: 0.6667 (target >= 0.15) met" in out
    assert code in (0, 1)  # the speed goal depends on the machine


def test_the_sighan_section_reads_the_source_package_and_refuses_bad_files(tmp_path: Path):
    data = ("\n".join(SIGHAN_LINES[:2]) + "\n").encode()
    archive = tmp_path / "pycorrector-1.1.4.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("pycorrector-1.1.4/pycorrector/data/sighan2015_test.tsv")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    laws = tmp_path / "laws"
    laws.mkdir()
    (laws / "a.txt").write_text("本条例自公布之日起施行。\n", encoding="utf-8")
    code, out = run_eval("--sighan", str(archive), "--laws", str(laws))
    assert "SIGHAN-15 (pycorrector-1.1.4.tar.gz): 2 sentences, 2 erroneous" in out
    code, out = run_eval("--sighan", str(archive), "--laws", str(tmp_path / "missing"))
    assert code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out = run_eval("--sighan", str(archive), "--laws-chars", "0", "--laws", str(empty))
    assert code == 2  # a folder without .txt files
    bad = tmp_path / "bad.tsv"
    bad.write_text("只有一列\n", encoding="utf-8")
    code, out = run_eval("--sighan", str(bad))
    assert code == 2


def test_long_texts_are_checked_in_chunks_with_the_same_result(finder, monkeypatch):
    text = "各部门负责人参架了会议。我们要加强环竟保护。在全市范为内开展安全检查。" * 3
    whole = [(s.start, s.suggestion) for s in finder.find(text)]
    assert [text[p] for p, _ in whole] == ["架", "竟", "为"] * 3
    monkeypatch.setattr("govmedia.checks.typos.finder.CHUNK", 7)
    assert [(s.start, s.suggestion) for s in finder.find(text)] == whole


@pytest.mark.slow
def test_the_build_script_makes_a_model_the_finder_can_use(tmp_path: Path):
    from govmedia.checks.typos.build import main as build_main
    from govmedia.checks.typos.model import TypoModel

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "各部门负责人参加了会议。我们要加强环境保护。\n" * 30, encoding="utf-8"
    )
    (corpus / "b.txt").write_text("本办法自发布之日起施行。\n" * 30, encoding="utf-8")
    out = tmp_path / "model.npz"
    assert build_main(["--corpus", str(corpus), "--out", str(out), "--no-progress"]) == 0
    model = TypoModel.load(out)
    assert model.meta["corpus_files"] == 2
    assert len(model.ngrams) == 3
    assert [(s.char, s.suggestion) for s in TypoFinder(model).find("我们要加强环竟保护。")] == [
        ("竟", "境")
    ]
    assert build_main(["--corpus", str(tmp_path / "missing"), "--out", str(out)]) == 2
