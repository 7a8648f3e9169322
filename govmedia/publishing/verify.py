"""Checking a text or a file that someone holds against the sealed record of an item."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html import unescape

from django.utils.html import strip_tags

from govmedia.publishing import keyring, seal
from govmedia.publishing.archive import record_as_mapping
from govmedia.publishing.models import ArchiveRecord

_SPACE = re.compile(r"\s+")


def visible_text(html: str) -> str:
    """Body text without markup or whitespace, so a copy from the page compares equal."""
    return _SPACE.sub("", unescape(strip_tags(html)))


@dataclass
class Match:
    record: ArchiveRecord
    what: str  # "body" or an attachment's file name


@dataclass
class Outcome:
    records: list[ArchiveRecord]
    matches: list[Match]
    # seq -> why that record or its seal does not hold; empty when all hold.
    problems: dict[int, str] = field(default_factory=dict)

    @property
    def seal_valid(self) -> bool:
        return not self.problems

    @property
    def proven(self) -> bool:
        """A match counts as proof only when every record of the item holds its seal."""
        return bool(self.matches) and self.seal_valid

    @property
    def failed_records(self) -> list[tuple[int, str]]:
        return sorted(self.problems.items())


def check(
    index_number: str,
    *,
    text: str = "",
    file_sha256: str = "",
    file_bytes: bytes | None = None,
) -> Outcome:
    records = list(ArchiveRecord.objects.filter(index_number=index_number.strip()).order_by("seq"))
    keys = keyring.public_keys()
    periods = keyring.key_periods()
    # Each record must be intact, validly signed and sealed while its key was in
    # service; the whole chain is checked by `govmedia archive verify`.
    problems: dict[int, str] = {}
    for record in records:
        mapping = record_as_mapping(record)
        reason = seal.record_problem(mapping, keys) or seal.key_period_problem(mapping, periods)
        if reason is not None:
            problems[record.seq] = reason
    if file_bytes is not None and not file_sha256:
        file_sha256 = hashlib.sha256(file_bytes).hexdigest()
    matches: list[Match] = []
    wanted_text = visible_text(text) if text.strip() else ""
    for record in records:
        if wanted_text and wanted_text == visible_text(record.payload.get("body", "")):
            matches.append(Match(record, "body"))
        if file_sha256:
            for attachment in record.payload.get("attachments", []):
                if attachment.get("sha256") == file_sha256:
                    matches.append(Match(record, attachment.get("filename", "")))
    return Outcome(records=records, matches=matches, problems=problems)
