"""The import and export file of the calendar: one row per day or range of days.

Columns: 日期* (a date, or a range 2027-02-11..2027-02-17), 名称*, 类型*
(放假 / 调休上班), 文号 (the notice, e.g. 国办发明电〔2025〕7号). A file that cannot
be read as a table is refused whole; in a readable file every row is checked
on its own, the good rows are imported and each bad row is reported with its
row number and reason. Rows are read by govmedia.core.tabular, so .xlsx, .csv
and .tsv in UTF-8 or GBK all work. Plain Python with no Django import.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from openpyxl import Workbook

from govmedia.core import tabular
from govmedia.workdays.schedule import (
    KIND_LABELS,
    Entry,
    ScheduleError,
    check_repeats,
    parse_entry,
)

COL_DAY = "日期"
COL_NAME = "名称"
COL_KIND = "类型"
COL_NOTICE = "文号"
COL_SOURCE = "来源"
COLUMNS = (COL_DAY, COL_NAME, COL_KIND, COL_NOTICE)
REQUIRED = (COL_DAY, COL_NAME, COL_KIND)
MAX_NOTICE_LENGTH = 100


@dataclass
class RowError:
    row: int
    values: list[str]
    message: str


@dataclass
class ParsedFile:
    entries: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    announced_by: dict[int, str] = field(default_factory=dict)
    rows: int = 0


def parse_file(file: bytes | IO[bytes], name: str) -> ParsedFile:
    """Entries of the good rows and an error for each bad one. Raises tabular.TableError."""
    table = tabular.read_records(file, COLUMNS, required=REQUIRED, name=name)
    parsed = ParsedFile()
    seen: dict[date, int] = {}
    for record in table.records:
        parsed.rows += 1
        values = record.cells(COLUMNS)
        day_text, name_text, kind_text, notice = values
        try:
            if len(notice) > MAX_NOTICE_LENGTH:
                raise ScheduleError(f"文号超过 {MAX_NOTICE_LENGTH} 个字")
            entries = parse_entry(day_text, name_text, kind_text)
            check_repeats(entries, seen, record.number)
        except ScheduleError as exc:
            parsed.errors.append(RowError(record.number, values, str(exc)))
            continue
        parsed.entries.extend(entries)
        if notice:
            for entry in entries:
                parsed.announced_by.setdefault(entry.day.year, notice)
    return parsed


def export_workbook(rows: Iterable[tuple[Entry, str, str]]) -> bytes:
    """(entry, notice, source label) rows as an .xlsx in the import format (plus 来源)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作日历"
    sheet.append([f"{COL_DAY}*", f"{COL_NAME}*", f"{COL_KIND}*", COL_NOTICE, COL_SOURCE])
    for entry, notice, source in rows:
        sheet.append([entry.day.isoformat(), entry.name, KIND_LABELS[entry.kind], notice, source])
    for letter, width in zip("ABCDE", (14, 20, 12, 28, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
