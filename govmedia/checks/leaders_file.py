"""Reading a leader table from ``.txt``/``.tsv`` (tab-separated), ``.csv`` or ``.xlsx``.

Columns: name, title, organisation, start, end (dates as YYYY-MM-DD; an empty
end means the post is held now). ``#`` lines and a header row are skipped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govmedia.core import tabular

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
    try:
        rows = [
            (row.number, row.cells)
            for row in tabular.read_rows(path)
            if not row.cells[0].startswith("#")
        ]
    except tabular.TableError as exc:
        raise LeaderFileError(str(exc)) from exc
    leaders: list[Leader] = []
    errors: list[ListError] = []
    for number, fields in rows:
        if number == rows[0][0] and tabular.normalise_header(fields[0]).lower() in _HEADER_WORDS:
            continue
        try:
            leaders.append(parse_leader_row(fields))
        except ValueError as exc:
            errors.append(ListError(path.name, number, str(exc)))
    return leaders, errors
