"""Checking a text or a file that someone holds against the sealed record of an item."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from govmedia.publishing import seal
from govmedia.publishing.archive import public_keys, record_as_mapping
from govmedia.publishing.models import ArchiveRecord

_SPACE = re.compile(r"\s+")


def visible_text(html: str) -> str:
    """Body text without markup or whitespace, so a copy from the page compares equal."""
    from html import unescape

    return _SPACE.sub("", unescape(strip_tags(html)))


@dataclass
class Match:
    record: ArchiveRecord
    what: str  # "body" or an attachment's file name


@dataclass
class Outcome:
    records: list[ArchiveRecord]
    matches: list[Match]
    seal_valid: bool


def check(index_number: str, *, text: str = "", file_bytes: bytes | None = None) -> Outcome:
    records = list(ArchiveRecord.objects.filter(index_number=index_number.strip()).order_by("seq"))
    keys = public_keys()
    # Each record must be intact and validly signed on its own; the whole chain
    # is checked by `govmedia archive verify`.
    seal_valid = all(seal.record_problem(record_as_mapping(r), keys) is None for r in records)
    matches: list[Match] = []
    wanted_text = visible_text(text) if text.strip() else ""
    wanted_sha = hashlib.sha256(file_bytes).hexdigest() if file_bytes is not None else ""
    for record in records:
        if wanted_text and wanted_text == visible_text(record.payload.get("body", "")):
            matches.append(Match(record, "body"))
        if wanted_sha:
            for attachment in record.payload.get("attachments", []):
                if attachment.get("sha256") == wanted_sha:
                    matches.append(Match(record, attachment.get("filename", "")))
    return Outcome(records=records, matches=matches, seal_valid=seal_valid)
