"""The content-check engine: text or HTML in, findings out.

``Engine`` holds the compiled word lists, the leader table and the link
settings; ``Engine.check`` runs every rule over one text:

1. HTML is reduced to its visible text (offsets of findings refer to it).
2. The text is normalised once (``normalize.normalize``): folded for width,
   case and traditional characters, then compacted without separators.
3. One Aho–Corasick pass finds every list entry (sensitive words, outdated
   expressions, typos, allowed phrases); allowed phrases suppress what they cover,
   short typo keys must align with word boundaries (``segment``), and an outdated
   name is spared in an older document, after 原/前, or in a citation (``context``).
4. Leader titles, privacy patterns and formatting run on the folded and
   original text; links are checked last, and only when asked.
5. The statistical typo finder (``typos/``), when the engine is given one, runs
   as a pass of its own on the visible text, timed separately
   (``stats["typo_model_seconds"]``).

No Django import here: the Django app builds an ``Engine`` from its tables.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from .context import context_exempt, reason
from .findings import BLOCKING, CATEGORIES, SEVERITY_RANK, TYPO, Finding
from .html import visible_text
from .lists import ListEntry
from .matcher import Matcher, compile_matcher
from .normalize import normalize
from .rules.confusions import find_confusions
from .rules.format import find_format
from .rules.leaders import Leader, LeaderChecker
from .rules.links import Link, LinkChecker, find_link_problems, find_text_links
from .rules.privacy import find_privacy

if TYPE_CHECKING:
    from .typos.finder import TypoFinder


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class CheckReport:
    """The result of checking one text: its visible text and the findings in it."""

    text: str
    findings: list[Finding]
    stats: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def has_blocking(self) -> bool:
        return any(f.severity == BLOCKING for f in self.findings)

    def counts(self) -> dict[str, int]:
        return dict(Counter(f.category for f in self.findings))

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        """JSON-ready form; ``text`` is the visible text the offsets refer to."""
        data: dict[str, Any] = {
            "source": self.source,
            "findings": [f.to_dict() for f in self.findings],
            "stats": self.stats,
        }
        if include_text:
            data["text"] = self.text
        return data


class Engine:
    """Checks texts against word lists, a leader table and the built-in rules.

    Build once and reuse: compiling a 100,000-entry list takes about a second,
    checking a 5,000-character article a few milliseconds.
    """

    def __init__(
        self,
        entries: Sequence[ListEntry] = (),
        leaders: Iterable[Leader] = (),
        *,
        forbidden_hosts: Sequence[str] = (),
        link_checker: LinkChecker | None = None,
        privacy: bool = True,
        addresses: bool = False,
        formatting: bool = True,
        today: date | None = None,
        typo_finder: TypoFinder | None = None,
    ) -> None:
        self.matcher: Matcher = compile_matcher(list(entries))
        self.leaders = LeaderChecker(leaders)
        self.forbidden_hosts = tuple(forbidden_hosts)
        self.link_checker = link_checker
        self.privacy = privacy
        self.addresses = addresses  # street addresses with a house number (privacy)
        self.formatting = formatting
        self.today = today
        self.typo_finder = typo_finder

    def check(
        self,
        text: str,
        *,
        html: bool = False,
        source: str = "",
        document_date: date | None = None,
    ) -> CheckReport:
        """Check one text. ``document_date`` (its 成文日期) spares names outdated after it."""
        started = time.perf_counter()
        anchors: list[Link] = []
        if html:
            text, anchors = visible_text(text)
        try:
            norm = normalize(text)
        except UnicodeEncodeError:
            # A lone surrogate (from JSON's "\\ud800" or a broken file) cannot be
            # encoded for OpenCC or the matcher. Each becomes U+FFFD, one code point
            # for one, so offsets still refer to the text as given. Tried only on
            # failure: a search of every text would cost time on all of them.
            text = _LONE_SURROGATE.sub("\ufffd", text)
            norm = normalize(text)
        findings: list[Finding] = []
        hits, allowed = self.matcher.find_with_allowed(norm)
        for hit in hits:
            e = hit.entry
            if context_exempt(norm.folded, hit.start, hit.end, e, document_date):
                continue
            findings.append(
                Finding(
                    e.category,
                    e.severity,
                    hit.start,
                    hit.end,
                    text[hit.start : hit.end],
                    e.suggestion,
                    e.rule,
                    hit.reason or reason(e, document_date),
                )
            )
        findings += find_confusions(norm.folded, formatting=self.formatting)
        findings += self.leaders.find(norm.folded, today=self.today)
        if self.privacy:
            findings += find_privacy(norm.folded, addresses=self.addresses)
        if self.formatting:
            findings += find_format(text)
        links = _merge_links(anchors, find_text_links(text))
        if links and (self.forbidden_hosts or self.link_checker):
            findings += find_link_problems(
                links,
                forbidden_hosts=self.forbidden_hosts,
                checker=self.link_checker,
                visible_text=text,
            )
        typo_seconds = None
        if self.typo_finder is not None:
            listed = [(f.start, f.end) for f in findings if f.category == TYPO]
            findings += [
                f
                for f in self.typo_finder.findings(text)
                if not any(a < f.end and f.start < b for a, b in listed)
            ]
            typo_seconds = self.typo_finder.last_seconds
        if allowed:
            # An allowed phrase is also the exception list of the other rules: a
            # published service number in the allow list is not a privacy leak.
            findings = [
                f
                for f in findings
                if f.rule.startswith("list:")
                or not any(a <= f.start and f.end <= b for a, b in allowed)
            ]
        # Rules that read the folded text slice it; the report shows the text as given.
        findings = [
            f if text[f.start : f.end] == f.text else replace(f, text=text[f.start : f.end])
            for f in findings
        ]
        findings.sort(key=lambda f: f.sort_key)
        # The typo model is a pass of its own with its own speed figure (typo_model_seconds).
        elapsed = time.perf_counter() - started - (typo_seconds or 0.0)
        counts = Counter(f.category for f in findings)
        stats: dict[str, Any] = {
            "characters": len(text),
            "findings": len(findings),
            "blocking": sum(1 for f in findings if f.severity == BLOCKING),
            "by_category": {c: counts[c] for c in CATEGORIES if counts[c]},
            "links": len(links),
            "seconds": round(elapsed, 4),
        }
        if typo_seconds is not None:
            stats["typo_model_seconds"] = round(typo_seconds, 4)
        return CheckReport(text=text, findings=findings, stats=stats, source=source)

    def describe(self) -> dict[str, int]:
        return {"list_keys": len(self.matcher), "leaders": len(self.leaders)}


def _merge_links(anchors: list[Link], in_text: list[Link]) -> list[Link]:
    """Anchors plus bare URLs in the text that are not already the anchor's own text."""
    if not anchors:
        return in_text
    merged = list(anchors)
    for link in in_text:
        if not any(
            a.start < link.end and link.start < a.end and a.url == link.url for a in anchors
        ):
            merged.append(link)
    return merged


def worst_severity(findings: Iterable[Finding]) -> str | None:
    ranked = sorted(findings, key=lambda f: SEVERITY_RANK.get(f.severity, 9))
    return ranked[0].severity if ranked else None
