"""The guard for imported word lists: common words are not imported as live entries.

A public sensitive-word list of 50,000 entries holds words such as 改革, 人民,
国家 and 发展; imported as they are, they block every ordinary document. The
guard looks up each entry (except allowed phrases) in two tables of how common
a string is in real prose (``commonwords``):

* its frequency in the laws corpus, per million characters, at least
  ``DEFAULT_PER_MILLION``;
* its frequency in jieba's dictionary, at least ``DEFAULT_JIEBA``.

An entry over either threshold is *demoted*: a blocking entry becomes a
warning, and the entry is imported disabled (the admin's 启用 box), waiting
for a person to review it. Every demoted entry is reported with its figures,
in Chinese for the admin and in English for the command line. Entries that
are not Chinese (ASCII words) are left alone. Both thresholds are settings
(``GOVMEDIA_CHECKS_IMPORT_COMMON_PER_MILLION`` and
``GOVMEDIA_CHECKS_IMPORT_COMMON_JIEBA``, see docs/checks.md).

No Django import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .commonwords import corpus_frequencies, jieba_frequency
from .findings import ALLOW, BLOCKING, CATEGORY_LABELS, SEVERITY_LABELS, WARNING
from .lists import ListEntry

# Calibrated with ``govmedia check-eval lists`` (docs/checks.md): 0.5 per million is
# the table's floor (5 occurrences in 8.3 million characters); 50 in jieba's
# dictionary is roughly its 50,000th most frequent word.
DEFAULT_PER_MILLION = 0.5
DEFAULT_JIEBA = 50
_HAS_CJK_RE = re.compile("[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Demotion:
    """An imported entry the guard demoted, with the figures that made it common."""

    entry: ListEntry  # as imported (demoted severity)
    old_severity: str
    per_million: float
    jieba: int

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.entry.category, self.entry.category)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.entry.severity, self.entry.severity)

    @property
    def reason(self) -> str:
        """Chinese, for the admin."""
        parts = []
        if self.per_million:
            parts.append(f"在法规语料中每百万字出现 {self.per_million:g} 次")
        if self.jieba:
            parts.append(f"通用词频 {self.jieba}")
        change = (
            f"级别由{SEVERITY_LABELS[self.old_severity]}降为{SEVERITY_LABELS[self.entry.severity]}，"
            if self.old_severity != self.entry.severity
            else ""
        )
        return f"常用词（{'，'.join(parts)}），{change}导入后停用，待人工审核"

    @property
    def reason_en(self) -> str:
        """English, for the command line."""
        parts = []
        if self.per_million:
            parts.append(f"{self.per_million:g} per million characters of the laws corpus")
        if self.jieba:
            parts.append(f"jieba frequency {self.jieba}")
        change = (
            f"severity {self.old_severity} -> {self.entry.severity}, "
            if self.old_severity != self.entry.severity
            else ""
        )
        return f"common word ({', '.join(parts)}): {change}imported disabled for review"


@dataclass(frozen=True, slots=True)
class GuardResult:
    """Every entry (demoted ones changed) and the demotions."""

    entries: list[ListEntry]
    demoted: list[Demotion]

    @property
    def disabled_keys(self) -> set[tuple[str, str]]:
        """(term, category) of the entries to import disabled."""
        return {(d.entry.term, d.entry.category) for d in self.demoted}

    @property
    def enabled_entries(self) -> list[ListEntry]:
        disabled = self.disabled_keys
        return [e for e in self.entries if (e.term, e.category) not in disabled]


class ImportGuard:
    """Decides which imported entries are common words. Build once per import."""

    def __init__(
        self, *, per_million: float = DEFAULT_PER_MILLION, jieba: int = DEFAULT_JIEBA
    ) -> None:
        self.per_million = per_million
        self.jieba = jieba
        self._corpus = corpus_frequencies()

    def figures(self, key: str) -> tuple[float, int]:
        """(per million characters in the laws corpus, jieba frequency) of a normalised key."""
        return self._corpus.per_million(key), jieba_frequency(key)

    def is_common(self, key: str) -> bool:
        if not _HAS_CJK_RE.search(key):
            return False
        per_million, jieba = self.figures(key)
        return per_million >= self.per_million or jieba >= self.jieba

    def check(self, entries: Sequence[ListEntry]) -> GuardResult:
        out: list[ListEntry] = []
        demoted: list[Demotion] = []
        for entry in entries:
            if entry.category == ALLOW or not self.is_common(entry.key):
                out.append(entry)
                continue
            per_million, jieba = self.figures(entry.key)
            new = replace(entry, severity=WARNING) if entry.severity == BLOCKING else entry
            out.append(new)
            demoted.append(Demotion(new, entry.severity, per_million, jieba))
        return GuardResult(out, demoted)
