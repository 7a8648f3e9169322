"""The one table reader: every format and encoding people hand us, and clear refusals."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from govmedia.core import tabular

COLUMNS = ["名称", "类型", "更新周期（天）"]


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_reads_an_xlsx_with_row_numbers_and_cell_texts():
    data = workbook(
        [["名称", "类型"], ["教育局", 3.0], [None, None], ["交通局", datetime(2026, 6, 1)]]
    )

    rows = list(tabular.read_rows(data, name="a.xlsx"))

    assert rows == [
        tabular.Row(1, ["名称", "类型"]),
        tabular.Row(2, ["教育局", "3"]),
        tabular.Row(4, ["交通局", "2026-06-01"]),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_it_reads_a_csv_in_every_encoding_offices_save(encoding):
    text = "名称,类型\r\n示例市教育局,政府部门\r\n“囧”字局,政府部门\r\n"

    rows = list(tabular.read_rows(text.encode(encoding), name="a.csv"))

    assert [row.cells for row in rows] == [
        ["名称", "类型"],
        ["示例市教育局", "政府部门"],
        ["“囧”字局", "政府部门"],
    ]


def test_it_reports_which_encoding_it_found():
    assert tabular.decode_text("局".encode("gbk"), "x")[1] == "gb18030"
    assert tabular.decode_text("\ufeff局".encode(), "x") == ("局", "utf-8")


def test_it_numbers_csv_records_by_their_first_line():
    data = '名称,说明\n甲,"两行\n的说明"\n乙,一行\n'.encode()

    rows = list(tabular.read_rows(data, name="a.csv"))

    assert [(row.number, row.cells[0]) for row in rows] == [(1, "名称"), (2, "甲"), (4, "乙")]
    assert rows[1].cells[1] == "两行\n的说明"


def test_it_reads_tab_separated_text_keeping_quote_marks():
    data = '名称\t说明\n"引号"局\t有"引号"\n'.encode("gb18030")

    rows = list(tabular.read_rows(data, name="a.tsv"))

    assert rows[1].cells == ['"引号"局', '有"引号"']


def test_it_knows_a_workbook_by_its_content_whatever_its_name():
    rows = list(tabular.read_rows(workbook([["名称"], ["甲"]]), name="saved-as.csv"))

    assert rows[1].cells == ["甲"]


@pytest.mark.parametrize(
    "header",
    ["名称*", "*名称", "＊名称", " 名称 ", "名　称", "\ufeff名称"],
)
def test_it_accepts_headers_with_required_marks_and_spaces(header):
    data = f"{header},类型 *,更新周期(天)\n甲,政府部门,7\n".encode()

    table = tabular.read_records(data, COLUMNS, required=["名称"], name="a.csv")

    assert table.columns == COLUMNS
    assert table.records == [
        tabular.Record(2, {"名称": "甲", "类型": "政府部门", "更新周期（天）": "7"})
    ]


def test_it_names_the_missing_required_columns():
    with pytest.raises(tabular.TableError) as caught:
        tabular.read_records("名称\n甲\n".encode(), COLUMNS, required=COLUMNS, name="a.csv")

    assert caught.value.reason == tabular.REASON_MISSING_COLUMNS
    assert caught.value.columns == ["类型", "更新周期（天）"]


def test_it_skips_blank_rows_and_fills_short_ones():
    table = tabular.read_records("名称,类型\n\n,\n甲\n".encode(), COLUMNS, name="a.csv")

    assert table.records == [tabular.Record(4, {"名称": "甲", "类型": ""})]


@pytest.mark.parametrize(
    ("data", "name", "reason", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "legacy_xls", ".xlsx"),
        (b"MZ\x90\x00 not a workbook", "fake.xlsx", "not_xlsx", ".xlsx"),
        (b"PK\x03\x04 broken zip", "broken.xlsx", "not_xlsx", ".xlsx"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "image.csv", "binary", "binary"),
        ("名称\n甲".encode() + b"\xff\xfe\xfd", "mixed.csv", "encoding", "UTF-8"),
        (b"name\n", "list.pdf", "unsupported", ".csv"),
        (b"", "empty.csv", "empty", "empty"),
    ],
)
def test_it_refuses_a_bad_file_with_a_clear_english_reason(data, name, reason, words):
    with pytest.raises(tabular.TableError) as caught:
        tabular.read_records(data, COLUMNS, name=name)

    assert caught.value.reason == reason
    assert name in str(caught.value)
    assert words in str(caught.value)


def test_it_reads_paths_and_open_files(tmp_path):
    path = tmp_path / "list.txt"
    path.write_bytes("名称\t类型\n甲\t乙\n".encode("gbk"))

    from_path = list(tabular.read_rows(path))
    with path.open("rb") as handle:
        from_file = list(tabular.read_rows(handle))

    assert (
        from_path == from_file == [tabular.Row(1, ["名称", "类型"]), tabular.Row(2, ["甲", "乙"])]
    )


def test_it_writes_dates_as_iso_text():
    assert tabular.cell_text(date(2026, 1, 2)) == "2026-01-02"
    assert tabular.cell_text(datetime(2026, 1, 2, 9, 30)) == "2026-01-02 09:30:00"
    assert tabular.cell_text(12.5) == "12.5"
