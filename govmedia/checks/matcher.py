"""One-pass multi-word matching with Aho–Corasick over normalised text.

Every list entry (sensitive words, expressions, typos and allowed phrases) goes
into one automaton over normalised keys, and the compact form of the text is
scanned once with overlapping matches, so the cost is linear in the text
whatever the number of entries. Hits are then filtered in Python:

* a hit spread over separators must look deliberate (``gaps_acceptable``);
* an all-ASCII key must stand alone as a word (``ass`` is not in ``class``);
* an allowed phrase whose span covers a hit suppresses it, so 残疾人 never
  triggers a shorter listed word inside it — and a listed word longer than the
  allowed phrase is not covered, so it still fires;
* a hit strictly inside a longer hit of the same category is dropped, so one
  problem gives one finding;
* an entry that needs word boundaries (short typo keys by default) is dropped
  when the segmentation around it does not start and end a word there
  (``segment.aligned``: 商确 in 协商确定), and an entry is dropped inside one of
  its own exception phrases (代开发票 in 税务机关代开发票).

Sensitive entries also match in disguise (``variants``): pinyin, initials and
homophone keys are added to the automaton, and runs with one letter or digit
between every pair of characters are searched separately. Such hits carry a
``reason`` saying which disguise was found.

Compiled matchers are cached in-process by the hash of their entries.
"""

from __future__ import annotations

import hashlib
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import ahocorasick_rs

from . import segment
from .findings import ALLOW, SENSITIVE
from .lists import ListEntry
from .normalize import CLAUSE_PUNCTUATION, Normalized, disguise_reason, gaps_acceptable
from .variants import FillerFinder, sensitive_variants


@dataclass(frozen=True, slots=True)
class Hit:
    """A list entry found at ``[start, end)`` of the original text."""

    entry: ListEntry
    start: int
    end: int
    reason: str = ""


def _is_ascii_word(key: str) -> bool:
    return key.isascii() and any(c.isalnum() for c in key)


class Matcher:
    """Finds list entries in normalised text. Build with ``compile_matcher``."""

    def __init__(self, entries: Sequence[ListEntry]) -> None:
        # Later entries override earlier ones with the same key and category, so a
        # database row can change the severity or suggestion of a built-in entry; what
        # the later row leaves empty (boundary, since, exceptions: database rows have
        # no such columns) is kept from the earlier one.
        by_key: dict[str, dict[str, ListEntry]] = {}
        for entry in entries:
            found = by_key.get(entry.key)
            if found is None:
                by_key[entry.key] = {entry.category: entry}
            else:
                earlier = found.get(entry.category)
                if earlier is not None:
                    entry = _inherit(entry, earlier)
                found[entry.category] = entry
        by_key.pop("", None)
        # Disguised spellings of sensitive entries; a real entry with the same key wins.
        reasons: dict[str, str] = {}
        sensitive = {k: d[SENSITIVE] for k, d in by_key.items() if SENSITIVE in d}
        filler_keys = {k: i for i, k in enumerate(by_key) if k in sensitive}
        for variant in sensitive_variants(sensitive):
            if variant.key not in by_key:
                by_key[variant.key] = {SENSITIVE: sensitive[variant.base]}
                reasons[variant.key] = variant.reason
        self.keys: list[str] = list(by_key)
        self.entries: list[tuple[ListEntry, ...]] = [tuple(d.values()) for d in by_key.values()]
        self.reasons: dict[int, str] = {
            i: reasons[k] for i, k in enumerate(self.keys) if k in reasons
        }
        self.fillers = FillerFinder(list(filler_keys.items()))
        # Latin words need whole-word matching; they are few, so keep their indexes in a set.
        self.ascii_word: frozenset[int] = frozenset(
            i for i, k in enumerate(self.keys) if k.isascii() and _is_ascii_word(k)
        )
        self.max_key_length = max(map(len, self.keys), default=0)
        # Keys of entries that need word boundaries; given to the segmenter on first use.
        self._boundary_keys = [
            k
            for k, es in zip(self.keys, self.entries, strict=True)
            if any(e.needs_boundary for e in es)
        ]
        self._segmenter_ready = False
        # A byte automaton over UTF-8: measured here on a 100k list, it builds in ~0.5 s and
        # scans about 1.5x faster than the str automaton. UTF-8 is self-synchronising, so
        # a key can only match on character boundaries of the text.
        self._automaton = (
            ahocorasick_rs.BytesAhoCorasick(
                [k.encode("utf-8", "surrogatepass") for k in self.keys],
                matchkind=ahocorasick_rs.MATCHKIND_STANDARD,
            )
            if self.keys
            else None
        )

    def __len__(self) -> int:
        return len(self.keys)

    def raw_hits(self, norm: Normalized) -> list[tuple[int, int, int]]:
        """(key index, compact start, compact end) for every overlapping occurrence."""
        if self._automaton is None or not norm.compact:
            return []
        data = norm.compact.encode("utf-8", "surrogatepass")
        hits = self._automaton.find_matches_as_indexes(data, overlapping=True)
        if not hits or len(data) == len(norm.compact):
            return hits  # no hits, or ASCII only: byte offsets are character offsets
        return _to_char_offsets(data, hits)

    def find(self, norm: Normalized) -> list[Hit]:
        """All accepted hits in ``norm``, mapped to original offsets."""
        return self.find_with_allowed(norm)[0]

    def find_with_allowed(self, norm: Normalized) -> tuple[list[Hit], list[tuple[int, int]]]:
        """Accepted hits, and the original spans of allowed phrases (for the other rules)."""
        listed: list[tuple[int, int, int, int, ListEntry, str]] = []
        allowed: list[tuple[int, int]] = []
        allowed_original: list[tuple[int, int]] = []
        folded = norm.folded
        for index, cstart, cend, reason in self.fillers.find(norm.compact):
            start, end = norm.span_to_original(cstart, cend)
            if not any(ch in CLAUSE_PUNCTUATION for ch in norm.original[start:end]):
                for entry in self.entries[index]:
                    if entry.category == SENSITIVE:
                        listed.append((cstart, cend, start, end, entry, reason))
        for index, cstart, cend in self.raw_hits(norm):
            start, end = norm.span_to_original(cstart, cend)
            if end - start != cend - cstart and not gaps_acceptable(
                norm.original, norm.char_positions(cstart, cend)
            ):
                continue
            if index in self.ascii_word and (
                (start > 0 and folded[start - 1].isascii() and folded[start - 1].isalnum())
                or (end < len(folded) and folded[end].isascii() and folded[end].isalnum())
            ):
                continue
            for entry in self.entries[index]:
                if entry.exceptions and _inside_exception(norm.compact, cstart, entry):
                    continue
                if entry.needs_boundary and not self._aligned(folded, start, end):
                    continue
                if entry.category == ALLOW:
                    allowed.append((cstart, cend))
                    allowed_original.append((start, end))
                else:
                    reason = self.reasons.get(index, "")
                    if not reason and entry.category == SENSITIVE:
                        reason = disguise_reason(entry.key, norm.original[start:end])
                    listed.append((cstart, cend, start, end, entry, reason))
        if not listed:
            return [], allowed_original
        if allowed:
            allowed.sort()
            starts = [a for a, _ in allowed]
            span = self.max_key_length
            listed = [h for h in listed if not _covered(h[0], h[1], allowed, starts, span)]
        return _drop_nested(listed, self.max_key_length), allowed_original

    def _aligned(self, folded: str, start: int, end: int) -> bool:
        if not self._segmenter_ready:
            segment.add_keys(self._boundary_keys)
            self._segmenter_ready = True
        return segment.aligned(folded, start, end)


def _inherit(entry: ListEntry, earlier: ListEntry) -> ListEntry:
    """``entry`` with the conditions it leaves empty taken from ``earlier``."""
    if entry.boundary or entry.since or entry.exceptions:
        return entry
    if not (earlier.boundary or earlier.since or earlier.exceptions):
        return entry
    return replace(
        entry, boundary=earlier.boundary, since=earlier.since, exceptions=earlier.exceptions
    )


def _inside_exception(compact: str, cstart: int, entry: ListEntry) -> bool:
    """Whether the hit at compact offset ``cstart`` lies inside one of the entry's exceptions."""
    key = entry.key
    for phrase in entry.exceptions:
        offset = phrase.find(key)
        while offset >= 0:
            begin = cstart - offset
            if begin >= 0 and compact.startswith(phrase, begin):
                return True
            offset = phrase.find(key, offset + 1)
    return False


def _to_char_offsets(data: bytes, hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Convert byte offsets of hits to character offsets in one pass over the text.

    Offsets are visited in increasing order and the characters between two of them
    are counted by decoding that slice, so the whole text is decoded at most once.
    """
    offsets = sorted({o for _, s, e in hits for o in (s, e)})
    chars: dict[int, int] = {}
    byte_pos = char_pos = 0
    for offset in offsets:
        char_pos += len(data[byte_pos:offset].decode("utf-8", "surrogatepass"))
        byte_pos = offset
        chars[offset] = char_pos
    return [(i, chars[s], chars[e]) for i, s, e in hits]


def _covered(
    start: int, end: int, spans: list[tuple[int, int]], starts: list[int], span: int
) -> bool:
    """Whether some span in sorted ``spans`` contains ``[start, end)``."""
    i = bisect_right(starts, start)
    while i > 0:
        i -= 1
        a, b = spans[i]
        if a < start - span:
            break
        if b >= end:
            return True
    return False


def _drop_nested(listed: list[tuple[int, int, int, int, ListEntry, str]], span: int) -> list[Hit]:
    """Drop hits strictly inside a longer hit of the same category."""
    listed.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, int, int, ListEntry, str]] = []
    # A covering hit starts at most ``span`` (the longest key) before this one, so the
    # reverse scan over kept hits stops early and the whole pass stays linear.
    for hit in listed:
        covered = False
        for other in reversed(kept):
            if other[0] < hit[0] - span:
                break
            if other[1] <= hit[0]:
                continue
            if (
                other[4].category == hit[4].category
                and other[0] <= hit[0]
                and hit[1] <= other[1]
                and (other[1] - other[0]) > (hit[1] - hit[0])
            ):
                covered = True
                break
        if not covered:
            kept.append(hit)
    return [Hit(h[4], h[2], h[3], h[5]) for h in kept]


def entries_digest(entries: Sequence[ListEntry]) -> str:
    h = hashlib.sha256()
    for e in entries:
        h.update(
            "\x1f".join(
                (
                    e.key,
                    e.category,
                    e.severity,
                    e.suggestion,
                    e.subcategory,
                    e.source,
                    e.boundary,
                    str(e.since or ""),
                    "|".join(e.exceptions),
                )
            ).encode()
        )
        h.update(b"\x1e")
    return h.hexdigest()


_CACHE: OrderedDict[str, Matcher] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()


def compile_matcher(entries: Sequence[ListEntry]) -> Matcher:
    """A matcher for ``entries``, reused while the same entries are asked for again."""
    digest = entries_digest(entries)
    with _LOCK:
        if digest in _CACHE:
            _CACHE.move_to_end(digest)
            return _CACHE[digest]
    matcher = Matcher(entries)
    with _LOCK:
        _CACHE[digest] = matcher
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return matcher
