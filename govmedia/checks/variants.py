"""Evasive spellings of sensitive entries: pinyin, initials, homophones, fillers.

Two mechanisms, both for the ``sensitive`` category only (a typo or an outdated
name is not written in disguise):

* **Variant keys** generated when a matcher is compiled (``sensitive_variants``):
  the full toneless pinyin of an entry of at least ``MIN_PINYIN_SYLLABLES``
  syllables (``代开发票`` → ``daikaifapiao``), its initials when they are at least
  ``MIN_INITIALS`` letters (``dkfp``) — both ASCII keys, which the matcher only
  accepts as whole words — and, for entries of at least ``MIN_HOMOPHONE_LENGTH``
  characters, the spellings with one character replaced by a common character of
  the same toneless pinyin (``代开发漂``). A homophone is used only when it makes
  no word of jieba's dictionary (two to four characters) with its neighbours
  (``发飘`` is a word, so ``代开发飘`` is not generated) and is one of the ``HOMOPHONES_PER_CHAR`` most frequent characters
  of its reading (fewer when the list is so big that the homophones would pass
  ``HOMOPHONE_BUDGET`` keys, none past it). Generation needs pypinyin's tables
  and jieba's dictionary; the result is cached on disk by the entries' keys, so
  a cached compile loads neither.
* **Fillers** (``FillerFinder``): one letter or one digit between every pair of
  characters (``代a开b发c票``, ``代1开2发3票``). The compact text is searched for
  runs that alternate ideograph and filler, the ideographs of each run are
  matched against the sensitive keys, and a match counts only if every filler
  inside it is of the same kind (all letters or all digits). Ordinary prose
  (``第3条``, ``A级景区``) has no such runs over three characters.

Emoji and invisible characters need nothing here: they are separators in the
compact text (``normalize``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import re
import string
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import ahocorasick_rs

MIN_PINYIN_SYLLABLES = 3
MIN_INITIALS = 4
MIN_HOMOPHONE_LENGTH = 3
HOMOPHONES_PER_CHAR = 4
# At most about this many homophone keys in all (fewer per character for big lists).
HOMOPHONE_BUDGET = 200_000
# A homophone is refused when it forms a jieba word at least this frequent with a neighbour.
NEIGHBOUR_WORD_FREQUENCY = 3
MIN_FILLER_LENGTH = 3

_CJK_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_VARIANTS_VERSION = 4


@dataclass(frozen=True, slots=True)
class Variant:
    key: str
    base: str  # the key of the entry it is a variant of
    reason: str


def _jieba_dict_path() -> Path | None:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "dict.txt"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _jieba_frequencies() -> dict[str, int]:
    """Word → frequency from the dictionary shipped with jieba (read, not imported)."""
    path = _jieba_dict_path()
    freq: dict[str, int] = {}
    if path is None:
        return freq
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and parts[1].isdigit():
                freq[parts[0]] = int(parts[1])
    return freq


def _is_common_char(char: str) -> bool:
    """A character of GB 2312 level 1 (the 3,755 most used characters)."""
    try:
        code = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7


@lru_cache(maxsize=1)
def _homophones() -> dict[str, list[str]]:
    """Toneless pinyin → common characters with that reading, most frequent first."""
    freq = _jieba_frequencies()
    by_reading: dict[str, list[str]] = {}
    for first in range(0xB0, 0xD8):
        for second in range(0xA1, 0xFF):
            try:
                char = bytes((first, second)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            reading = _pinyin(char)[0]
            by_reading.setdefault(reading, []).append(char)
    for chars in by_reading.values():
        chars.sort(key=lambda c: -freq.get(c, 0))
    return by_reading


@lru_cache(maxsize=4096)
def _toneless(reading: str) -> str:
    """``dài`` → ``dai``, ``lǜ`` → ``lv`` (pypinyin's toneless style)."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if c.isascii())


@lru_cache(maxsize=1)
def _pinyin_tables() -> tuple[dict[int, str], dict[str, list[list[str]]], int]:
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    # Phrases of up to four characters decide nearly every reading; longer ones cost time.
    return pinyin_dict, phrases_dict, 4


def _pinyin(key: str) -> list[str]:
    """Toneless pinyin of each character, phrases first (银行 → yin hang).

    pypinyin's own tables with a greedy longest-phrase match (up to four
    characters): on 3,000 terms of the generated public list it gives the same
    readings as ``lazy_pinyin`` at a fraction of the cost, which a 50,000-entry
    list notices.
    """
    chars, phrases, longest = _pinyin_tables()
    out: list[str] = []
    i = 0
    while i < len(key):
        for n in range(min(longest, len(key) - i), 1, -1):
            phrase = phrases.get(key[i : i + n])
            if phrase and len(phrase) == n:
                out += [_toneless(r[0]) for r in phrase]
                i += n
                break
        else:
            readings = chars.get(ord(key[i]))
            out.append(_toneless(readings.split(",", 1)[0]) if readings else key[i])
            i += 1
    return out


def _variants_of(key: str, per_char: int = HOMOPHONES_PER_CHAR) -> list[Variant]:
    if not _CJK_RE.fullmatch(key):
        return []
    out: list[Variant] = []
    syllables = _pinyin(key)
    if len(syllables) == len(key) and all(s.isascii() and s.isalpha() for s in syllables):
        if len(syllables) >= MIN_PINYIN_SYLLABLES:
            out.append(Variant("".join(syllables), key, f"敏感词“{key}”的拼音变体"))
        initials = "".join(s[0] for s in syllables)
        if len(initials) >= MIN_INITIALS:
            out.append(Variant(initials, key, f"敏感词“{key}”的拼音首字母变体"))
    if len(key) < MIN_HOMOPHONE_LENGTH or len(syllables) != len(key) or not per_char:
        return out
    freq = _jieba_frequencies()
    table = _homophones()
    for i, (char, reading) in enumerate(zip(key, syllables, strict=True)):
        used = 0
        for other in table.get(reading, ()):
            if used >= per_char:
                break
            if other == char:
                continue
            variant = key[:i] + other + key[i + 1 :]
            # The new character must not make a word (of two to four characters)
            # with its neighbours.
            if any(
                freq.get(variant[a:b], 0) >= NEIGHBOUR_WORD_FREQUENCY
                for a in range(max(0, i - 3), i + 1)
                for b in range(max(i + 1, a + 2), min(len(variant), a + 4) + 1)
            ):
                continue
            used += 1
            out.append(Variant(variant, key, f"敏感词“{key}”的同音字变体（{other}→{char}）"))
    return out


_cache_dir_override: Path | None = None


def set_cache_dir(path: Path | None) -> None:
    """Where variants are cached (the Django app passes its list cache directory)."""
    global _cache_dir_override
    _cache_dir_override = path


def _cache_dir() -> Path:
    if _cache_dir_override is not None:
        return _cache_dir_override
    from .lists import default_cache_dir  # lists imports nothing from here

    return default_cache_dir()


def sensitive_variants(keys: Iterable[str]) -> list[Variant]:
    """Variants of the given sensitive keys, cached on disk by the set of keys."""
    unique = sorted(set(keys))
    if not unique:
        return []
    digest = hashlib.sha256("\x1e".join(unique).encode()).hexdigest()
    cache_file = _cache_dir() / f"variants-v{_VARIANTS_VERSION}-{digest}.pickle"
    try:
        with cache_file.open("rb") as fh:
            rows = pickle.load(fh)
        return [Variant(*row) for row in rows]
    except Exception:  # missing or unreadable: generate again
        pass
    # Homophones multiply the keys; a big list gets fewer per character so that
    # compiling it stays within seconds.
    positions = sum(len(k) for k in unique if len(k) >= MIN_HOMOPHONE_LENGTH)
    per_char = min(HOMOPHONES_PER_CHAR, HOMOPHONE_BUDGET // max(positions, 1))
    variants = [v for key in unique for v in _variants_of(key, per_char)]
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump(
                [(v.key, v.base, v.reason) for v in variants], fh, protocol=pickle.HIGHEST_PROTOCOL
            )
        tmp.replace(cache_file)
    except OSError:
        pass
    return variants


# --- fillers ----------------------------------------------------------------


# Filler, then (non-ASCII character, filler) at least once: with the characters on
# either side, a run where a word might hide. Starting with the (rare) filler keeps
# the scan of Chinese text fast.
_FILLER_RUN_RE = re.compile("[a-z0-9](?:[^\\x00-\\x7f][a-z0-9])+")
# The same runs found on a projection of the compact text, one byte per character:
# ``encode("ascii", "replace")`` writes "?" for every non-ASCII character (the
# compact text has no "?" of its own: it is a separator) and the translation makes
# every filler "a". Over Chinese text ``re`` finds a literal far faster than a
# class: the three steps take 0.5 ms per MB of prose, the class regex 1.9.
_FILLER_BYTES = bytes(
    ord("a") if chr(b) in string.ascii_lowercase + string.digits else b for b in range(256)
)
_FILLER_RUN_BYTES_RE = re.compile(rb"a(?:\?a)+")
_FILLER_KIND = (str.isdigit, str.isalpha)


def _filler_runs(compact: str) -> Iterator[tuple[int, int]]:
    """The spans of ``_FILLER_RUN_RE`` in ``compact``, found on its one-byte projection."""
    if "?" in compact:  # not compact text after all: no projection
        return (m.span() for m in _FILLER_RUN_RE.finditer(compact))
    projected = compact.encode("ascii", "replace").translate(_FILLER_BYTES)
    return (m.span() for m in _FILLER_RUN_BYTES_RE.finditer(projected))


class FillerFinder:
    """Finds sensitive keys written with one letter or digit between every pair of characters."""

    def __init__(self, keys: Sequence[tuple[str, int]]) -> None:
        # (key, index in the matcher); only keys of ideographs long enough to be deliberate
        usable = [(k, i) for k, i in keys if len(k) >= MIN_FILLER_LENGTH and _CJK_RE.fullmatch(k)]
        self.indexes = [i for _, i in usable]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                [k for k, _ in usable], matchkind=ahocorasick_rs.MATCHKIND_STANDARD
            )
            if usable
            else None
        )

    def find(self, compact: str) -> list[tuple[int, int, int, str]]:
        """(matcher key index, compact start, compact end, reason) of each filler match."""
        if self._automaton is None:
            return []
        runs: list[tuple[int, str]] = []  # (compact offset, run text)
        for start, end in _filler_runs(compact):
            # Take the characters on either side when they are not ASCII, so that
            # the run starts and ends with a character of the word.
            base = start - 1 if start and not compact[start - 1].isascii() else start + 1
            stop = end + 1 if end < len(compact) and not compact[end].isascii() else end - 1
            runs.append((base, compact[base:stop]))
        if not runs:
            return []
        # The ideographs of every run in one automaton pass, a line break between runs
        # (no key holds one, so no match spans two runs and each run is read from the
        # automaton's start, as if alone).
        ideograph_runs = [text[0::2] for _, text in runs]
        offsets = list(accumulate((len(i) + 1 for i in ideograph_runs), initial=0))
        found: list[tuple[int, int, int, str]] = []
        for index, gs, ge in self._automaton.find_matches_as_indexes(
            "\n".join(ideograph_runs), overlapping=True
        ):
            k = bisect_right(offsets, gs) - 1
            s, e = gs - offsets[k], ge - offsets[k]
            base, text = runs[k]
            ideographs = ideograph_runs[k]
            fillers = text[2 * s + 1 : 2 * (e - 1) : 2]
            for kind, label in zip(_FILLER_KIND, ("数字", "字母"), strict=True):
                if all(kind(c) for c in fillers):
                    key = ideographs[s:e]
                    found.append(
                        (
                            self.indexes[index],
                            base + 2 * s,
                            base + 2 * (e - 1) + 1,
                            f"敏感词“{key}”的字间夹杂{label}",
                        )
                    )
                    break
        return found
