"""Reading a leader table from ``.txt``/``.tsv`` (tab-separated) or ``.xlsx``.

Columns: name, title, organisation, start, end (dates as YYYY-MM-DD; an empty
end means the post is held now). ``#`` lines and a header row are skipped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .lists import ListError
from .rules.leaders import Leader

_HEADER_WORDS = {"name", "姓名"}


class LeaderFileError(Exception):
    pass


def _parse_date(value: str, what: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10].replace("/", "-").replace(".", "-"))
    except ValueError as exc:
        raise ValueError(f"{what} {value!r} is not a date like 2026-06-01") from exc


def parse_leader_row(fields: list[str]) -> Leader:
    fields = [(f or "").strip() for f in fields] + [""] * 5
    name, title, organisation, start, end = fields[:5]
    if not name or not title:
        raise ValueError("a leader row needs a name and a title")
    started, ended = _parse_date(start, "start"), _parse_date(end, "end")
    if started and ended and ended < started:
        raise ValueError("end date is before start date")
    return Leader(name, title, organisation, started, ended)


def load_leaders(path: Path) -> tuple[list[Leader], list[ListError]]:
    if not path.is_file():
        raise LeaderFileError(f"{path}: no such leader file")
    rows: list[tuple[int, list[str]]] = []
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a corrupt file
            raise LeaderFileError(f"{path}: not a readable .xlsx file ({exc})") from exc
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [
                v.isoformat() if isinstance(v, date) else ("" if v is None else str(v)) for v in row
            ]
            if any(c.strip() for c in cells):
                rows.append((number, cells))
        book.close()
    else:
        try:
            content = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            content = path.read_bytes().decode("gb18030", errors="strict")
        for number, line in enumerate(content.splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                rows.append((number, line.split("\t")))
    leaders: list[Leader] = []
    errors: list[ListError] = []
    for number, fields in rows:
        if number == rows[0][0] and fields[0].strip().lower() in _HEADER_WORDS:
            continue
        try:
            leaders.append(parse_leader_row(fields))
        except ValueError as exc:
            errors.append(ListError(path.name, number, str(exc)))
    return leaders, errors
