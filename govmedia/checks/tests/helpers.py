"""Small builders shared by the checks tests."""

from __future__ import annotations

from govmedia.checks.engine import Engine
from govmedia.checks.lists import ListEntry


def entry(
    term: str,
    category: str = "sensitive",
    severity: str = "",
    suggestion: str = "",
    *,
    boundary: str = "",
) -> ListEntry:
    defaults = {"sensitive": "blocking", "allow": "info"}
    return ListEntry(
        term, category, severity or defaults.get(category, "warning"), suggestion, boundary=boundary
    )


def engine(*entries: ListEntry, **kwargs) -> Engine:
    return Engine(list(entries), **kwargs)
