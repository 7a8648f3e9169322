"""One reader for every table people hand us: .xlsx, .csv and .tsv (or tab-separated .txt).

Offices keep their lists in Excel and, just as often, in a CSV or a
tab-separated text saved from it, in UTF-8 or in the GBK of older Windows.
Every import (departments, people and channels; word lists; leader tables)
reads through here, so each accepts the same files and fails the same way:

- the format comes from the file's content where it can (an .xlsx is a zip
  archive; an old .xls is refused by name) and otherwise from its suffix;
- text is decoded strictly, UTF-16 when it starts with a byte-order mark
  (Excel's "Unicode text"), else UTF-8 with or without a BOM, else GB18030 (a
  superset of GBK and GB2312). Strict means a file in neither fails with a
  clear message instead of turning into mojibake that then fails validation
  row by row;
- a row is a list of cell texts with its row number in the source (the
  spreadsheet row, or the line on which a CSV record starts); blank rows are
  skipped;
- ``read_records`` matches a header row against the columns a caller expects,
  forgiving what people do to headers: "*" marks on required columns ("名称*",
  "*名称"), spaces and full-width spaces, half-width brackets.

Every failure is a ``TableError`` with a one-line English message and a
``reason`` code, so a page can say it in Chinese and a command in English. No
Django here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
TSV_SUFFIXES = (".tsv", ".txt")
TABLE_SUFFIXES = XLSX_SUFFIXES + CSV_SUFFIXES + TSV_SUFFIXES

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary: the .xls of Excel 97-2003, which openpyxl cannot read.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# How far into a text file to look for NUL bytes before calling it binary.
BINARY_SNIFF_BYTES = 8192
REQUIRED_MARKS = "*＊"


class TableError(Exception):
    """A file that cannot be read as a table. `reason` is one of the REASON_* codes."""

    def __init__(self, message: str, reason: str, *, columns: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.columns = list(columns)


REASON_UNSUPPORTED = "unsupported"  # a suffix we do not read
REASON_LEGACY_XLS = "legacy_xls"  # an Excel 97-2003 .xls
REASON_NOT_XLSX = "not_xlsx"  # named .xlsx but not a workbook
REASON_DAMAGED = "damaged"  # a workbook that fails while it is read
REASON_BINARY = "binary"  # a text file that is not text
REASON_ENCODING = "encoding"  # text in neither UTF-8 nor GB18030
REASON_EMPTY = "empty"  # no header row
REASON_MISSING_COLUMNS = "missing_columns"  # required columns absent from the header


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class Record:
    """One data row by the caller's column names; `cells()` lists them in a given order."""

    number: int
    values: dict[str, str]

    def cells(self, columns: Sequence[str]) -> list[str]:
        return [self.values.get(column, "") for column in columns]


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person typed: 3.0 as "3", a date as 2026-06-01."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        if value.time() != time(0):
            return value.isoformat(sep=" ")
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def normalise_header(value: Any) -> str:
    """A header cell reduced to what identifies its column.

    Drops "*" required-marks at either end, every space (ASCII, full-width,
    no-break) and a leading BOM, and writes brackets full-width, so "更新周期(天) *"
    and "＊更新周期（天）" both read as "更新周期（天）".
    """
    text = cell_text(value).lstrip("\ufeff")
    text = "".join(text.split())  # str.split() also splits on U+3000 and U+00A0
    text = text.strip(REQUIRED_MARKS)
    return text.replace("(", "（").replace(")", "）")


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """(text, encoding) of `data`: UTF-16 with a BOM, else UTF-8 (BOM or not), else GB18030."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise TableError(
                f"{source}: starts with a UTF-16 mark but is not valid UTF-16", REASON_ENCODING
            ) from exc
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise TableError(
            f"{source}: looks like a binary file, not text (it contains NUL bytes)", REASON_BINARY
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise TableError(
            f"{source}: the text is neither UTF-8 nor GB18030/GBK; save it again as UTF-8",
            REASON_ENCODING,
        ) from exc


def _read_bytes(file: bytes | str | Path | IO[bytes]) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def _source_name(file: object, name: str | None) -> str:
    if name:
        return name
    if isinstance(file, str | Path):
        return str(file)
    return str(getattr(file, "name", "") or "<upload>")


def table_format(data: bytes, source: str) -> str:
    """ "xlsx", "csv" or "tsv" for `data`, by its content first and then by its suffix."""
    suffix = Path(source).suffix.lower()
    if data.startswith(OLE2_MAGIC) or suffix == ".xls":
        raise TableError(
            f"{source}: an Excel 97-2003 .xls workbook; save it as .xlsx first", REASON_LEGACY_XLS
        )
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if suffix in XLSX_SUFFIXES:
        raise TableError(f"{source}: not a readable .xlsx workbook", REASON_NOT_XLSX)
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in TSV_SUFFIXES:
        return "tsv"
    raise TableError(
        f"{source}: cannot read {suffix or 'a file without a suffix'} as a table; "
        f"use {', '.join(TABLE_SUFFIXES)}",
        REASON_UNSUPPORTED,
    )


def _xlsx_rows(data: bytes, source: str) -> Iterator[Row]:
    import openpyxl  # imported here: loading it costs ~0.1 s and many tables are text

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise TableError(
            f"{source}: not a readable .xlsx workbook ({exc.__class__.__name__})", REASON_NOT_XLSX
        ) from exc
    try:
        if not book.worksheets:
            return
        sheet = book.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                if any(cells):
                    yield Row(number, cells)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
            # A damaged sheet inside a valid zip fails only while it is read.
            raise TableError(
                f"{source}: the workbook is damaged and cannot be read ({exc.__class__.__name__})",
                REASON_DAMAGED,
            ) from exc
    finally:
        book.close()


def _text_rows(text: str, delimiter: str) -> Iterator[Row]:
    if delimiter == "\t":
        # Tab-separated text is split as it stands: a quote mark in a word list is a character.
        for number, line in enumerate(text.splitlines(), start=1):
            cells = [cell.strip() for cell in line.split("\t")]
            if any(cells):
                yield Row(number, cells)
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for values in reader:
        cells = [cell.strip() for cell in values]
        if any(cells):
            yield Row(start, cells)
        start = reader.line_num + 1


def read_rows(file: bytes | str | Path | IO[bytes], name: str | None = None) -> Iterator[Row]:
    """Every non-blank row of the first sheet (or of the text), with its row number.

    `file` is bytes, a path or an open binary file; `name` (an upload's file
    name) gives the suffix when `file` has none. Raises TableError.
    """
    source = _source_name(file, name)
    data = _read_bytes(file)
    kind = table_format(data, source)
    if kind == "xlsx":
        yield from _xlsx_rows(data, source)
        return
    text, _encoding = decode_text(data, source)
    yield from _text_rows(text, "," if kind == "csv" else "\t")


@dataclass
class Table:
    """The data rows of a table read against expected columns."""

    columns: list[str]  # the caller's columns found in the header, in the caller's order
    records: list[Record]
    header_row: int


def read_records(
    file: bytes | str | Path | IO[bytes],
    columns: Sequence[str],
    *,
    required: Sequence[str] = (),
    name: str | None = None,
) -> Table:
    """Read a table whose first non-blank row is a header naming (some of) `columns`.

    Header cells are compared after ``normalise_header``; unknown columns are
    ignored, the first of two equal headers wins. Raises TableError with reason
    REASON_MISSING_COLUMNS (and the missing names in ``columns``) when a
    `required` column is absent, REASON_EMPTY when there is no header at all.
    """
    source = _source_name(file, name)
    rows = read_rows(file, name)
    header = next(rows, None)
    if header is None:
        raise TableError(
            f"{source}: the table is empty; the first row should be the header", REASON_EMPTY
        )
    wanted = {normalise_header(column): column for column in columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        column = wanted.get(normalise_header(cell))
        if column is not None and column not in positions:
            positions[column] = index
    missing = [column for column in columns if column in required and column not in positions]
    if missing:
        raise TableError(
            f"{source}: the header lacks the column(s) {', '.join(missing)}",
            REASON_MISSING_COLUMNS,
            columns=missing,
        )
    records = []
    for row in rows:
        values = {
            column: row.cells[index] if index < len(row.cells) else ""
            for column, index in positions.items()
        }
        if any(values.values()):
            records.append(Record(row.number, values))
    return Table([c for c in columns if c in positions], records, header.number)
