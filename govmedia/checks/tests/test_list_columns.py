"""The boundary, since and except columns of list files, and ``govmedia check --date``."""

from __future__ import annotations

import io
from datetime import date

from govmedia.checks.cli import main
from govmedia.checks.engine import Engine
from govmedia.checks.lists import parse_text


def test_the_columns_are_read_and_bad_values_are_reported_with_their_line():
    content = (
        "# category: typo\n"
        "商确\t\t\t商榷\n"
        "安全生产监督管理\t\t\t\t\t\tword\n"
        "某某局\texpression\t\t新局\t机构改革\t\tany\t2018-03-17\t原某某局令|某某局发布的\n"
        "错一\t\t\t\t\t\tsometimes\n"
        "错二\texpression\t\t\t\t\t\t2018-13-01\n"
        "错三\t\t\t\t\t\t\t\t错四\n"
    )
    entries, errors = parse_text(content, source="t.txt")
    by_term = {e.term: e for e in entries}
    assert by_term["商确"].needs_boundary  # a typo key of two characters: the default
    assert by_term["安全生产监督管理"].needs_boundary  # asked for in the column
    outdated = by_term["某某局"]
    assert not outdated.needs_boundary
    assert outdated.since == date(2018, 3, 17)
    assert outdated.exceptions == ("原某某局令", "某某局发布的")
    assert [(e.line, e.reason.split(" ")[0]) for e in errors] == [
        (5, "unknown"),
        (6, "since"),
        (7, "exception"),
    ]


def test_a_boundary_header_sets_the_default_for_the_rows_below():
    entries, errors = parse_text(
        "# category: expression\n# boundary: word\n卫生部\n", source="t.txt"
    )
    assert errors == []
    engine = Engine(entries)
    assert [f.text for f in engine.check("卫生部负责。").findings] == ["卫生部"]
    assert engine.check("卫生部门负责。").findings == []


def test_a_typo_key_can_be_matched_anywhere_when_the_row_says_so():
    entries, _ = parse_text("录相\ttypo\t\t录像\t\t\tany\n", source="t.txt")
    assert [f.text for f in Engine(entries).check("摘录相关资料").findings] == ["录相"]


def test_check_takes_the_document_date(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("新冠肺炎疫情防控。", encoding="utf-8")

    def run(*args):
        out = io.StringIO()
        status = main(
            ["--no-links", "--format", "json", *args, str(path)], stdout=out, stderr=io.StringIO()
        )
        return status, out.getvalue()

    assert "新冠肺炎" not in run("--date", "2022-06-01")[1]
    assert "新冠肺炎" in run("--date", "2023-01-05")[1]
    err = io.StringIO()
    assert main(["--date", "2023-13-01", str(path)], stderr=err) == 2
    assert "--date" in err.getvalue()


def test_an_overriding_row_without_conditions_keeps_those_of_the_built_in_entry():
    builtin, _ = parse_text(
        "代开发票\tsensitive\t\t\t\t\t\t\t税务机关代开发票\n"
        "国家工商总局\texpression\t\t市场监管总局\t\t\t\t2018-03-17\n",
        source="builtin.txt",
    )
    # As from the database: same key and category, a new severity, no conditions.
    database, _ = parse_text(
        "代开发票\tsensitive\twarning\n国家工商总局\texpression\tinfo\n", source="db"
    )
    engine = Engine(builtin + database)
    report = engine.check("由税务机关代开发票。专业代开发票。")
    assert [(f.severity, f.start) for f in report.findings] == [("warning", 12)]
    report = engine.check("国家工商总局负责。", document_date=date(2017, 1, 1))
    assert report.findings == []
