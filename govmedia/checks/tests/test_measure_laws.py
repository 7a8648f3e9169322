"""``govmedia check-eval laws`` on a small corpus written here, and on the real one if present."""

from __future__ import annotations

import io
from datetime import date

import pytest

from govmedia.checks.measure import laws
from govmedia.checks.measure.cli import main


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["laws", "--no-progress", *args], out=out)
    return status, out.getvalue()


def test_it_reports_findings_per_10000_characters_and_the_goals(tmp_path):
    # One text from before the 2018 reform naming a body it abolished (spared by the
    # date in the file name), one recent text with a real slip and an outdated name.
    (tmp_path / "a_旧条例(2010-05-01).txt").write_text(
        "第一条 国家工商行政管理总局负责本条例的实施。" * 10, encoding="utf-8"
    )
    (tmp_path / "b_新办法(2024-01-01).txt").write_text(
        "第一条 此事有待商确。双方协商确定。市工商局负责。", encoding="utf-8"
    )
    status, out = run("--corpus", str(tmp_path))
    assert status == 1  # 2 findings in 255 characters miss the 0.05 goal
    assert "laws: 2 files (2 dated by name or header), 255 characters" in out
    assert "expression" in out and "typo" in out
    assert "0.0000 (   0)    39.2157 (   1)" in out  # one typo warning in 255 characters
    assert "goal blocking findings: 0 (target <= 0) met" in out
    assert "goal typo+expression per 10k characters: 78.4314 (target <= 0.05) MISSED" in out
    assert "国家工商行政管理总局" not in out


def test_a_clean_corpus_meets_the_goals(tmp_path):
    (tmp_path / "c.txt").write_text("第一条 为了规范管理，制定本办法。", encoding="utf-8")
    status, out = run("--corpus", str(tmp_path))
    assert status == 0
    assert "goal typo+expression per 10k characters: 0 (target <= 0.05) met" in out


def test_a_missing_corpus_is_a_usage_error(tmp_path):
    assert run("--corpus", str(tmp_path / "none"))[0] == 2


def test_the_document_date_comes_from_the_name_or_the_text():
    assert laws.date_from_name("x_医师法(2021-08-20).txt") == date(2021, 8, 20)
    assert laws.date_from_name("x_上海市统计条例.txt") is None
    text = "（2004年8月28日通过 2015年4月24日修正）\n第一条……本条例自2016年1月1日起施行。"
    assert laws.date_from_text(text) == date(2016, 1, 1)


@pytest.mark.slow
def test_the_real_corpus_meets_the_goals():
    corpus = laws.default_corpus()
    if not corpus.is_dir():
        pytest.skip("../shared/corpora/laws is not here")
    status, out = run("--limit", "400", "--top", "0")
    assert status == 0, out
