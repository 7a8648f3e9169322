"""Every reader by its kind. Adding a reader: copy one module, add it here."""

from __future__ import annotations

from govmedia.sources.readers import article, column, feed, jsonapi, tabular
from govmedia.sources.readers.base import (
    Fetched,
    Fetcher,
    ReadEntry,
    Reader,
    ReadError,
    ReadResult,
)

READERS: dict[str, Reader] = {
    module.reader.kind: module.reader for module in (feed, column, article, jsonapi, tabular)
}


def get_reader(kind: str) -> Reader:
    try:
        return READERS[kind]
    except KeyError:
        raise ReadError(
            "bad_config", f"no reader for the kind {kind!r}", f"不支持的信息源类型：{kind}"
        ) from None


__all__ = [
    "READERS",
    "Fetched",
    "Fetcher",
    "ReadEntry",
    "ReadError",
    "ReadResult",
    "Reader",
    "get_reader",
]
