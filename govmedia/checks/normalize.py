"""Text normalisation with an offset map back to the original text.

Two layers:

1. ``fold`` is length-preserving: every letter, digit or ideograph whose NFKC
   form is one other letter, digit or ideograph is replaced by it (full-width
   ``Ａ１`` → ``a1``, Kangxi radicals ``⾏⼑`` → ``行刀``, CJK compatibility
   ideographs, mathematical and circled letters); the CJK Radicals Supplement
   (``⻋⻉⻔`` → ``车贝门``), which NFKC leaves alone, is folded by a table of
   its standard equivalents. NFKC results of more than one character (``㈱``,
   ``ﬁ``) and punctuation (``，`` stays ``，``) are left as they are. Then the
   ideographic space becomes a space, capitals become lower case and
   traditional characters become simplified (OpenCC ``t2s``). Because every
   code point is replaced by exactly one, an offset in the folded text is the
   same offset in the original. Rules that look at digits (privacy) run on
   this layer.
2. ``compact`` removes separators (whitespace, invisible characters such as
   zero-width spaces, variation selectors, combining marks, Hangul fillers and
   tag characters, punctuation, symbols and emoji) from the folded text, so
   that ``代 开 发 票``, ``代*开*发*票`` and ``代🍎开🍎发🍎票`` read as
   ``代开发票``. ``Normalized.to_original`` maps an offset in the compact text
   back to the original text.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, islice
from pathlib import Path

import opencc

_FOLD_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ASCII_UPPER_RE = re.compile("[A-Z]+")

ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"

# Characters that show nothing (or only change how the previous one looks), so an
# evader can slip them between the characters of a word: the Mongolian vowel
# separator, the combining grapheme joiner and other combining marks (U+0301 …),
# variation selectors, Hangul fillers, Khmer invisible vowels, the Arabic letter
# mark, and tag characters.
_INVISIBLE_ASTRAL = "\U000e0000-\U000e007f\U000e0100-\U000e01ef"
INVISIBLE = (
    ZERO_WIDTH
    + "\u0300-\u036f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    + "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3164\ufe00-\ufe0f\ufe20-\ufe2f\uffa0"
    + _INVISIBLE_ASTRAL
)

# Characters whose NFKC form may be one letter, digit or ideograph (a coarse
# superset; ``_nfkc_table`` keeps the exact ones). Plain CJK text and ASCII never
# match, so most texts skip the table. Split in two because a class with astral
# ranges scans several times slower: the astral one runs only on texts that have
# an astral character at all.
_NFKC_CANDIDATES = (
    "\u00aa-\u00be\u0132-\u017f\u01c4-\u01f3\u02b0-\u02e4\u1d2c-\u1dbf"
    "\u2070-\u2189\u2460-\u24ff\u2c7c\u2c7d\u2d6f\u2e80-\u2fd5\u3000\u3038-\u303a"
    "\u3131-\u318e\u3192-\u319f\u3200-\u33ff\ua69c\ua69d\ua770\ua7f2-\ua7f9"
    "\uab5c-\uab69\uf900-\ufb4f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uffa0-\uffdc"
)
_NFKC_ASTRAL_CANDIDATES = (
    "\U0001d400-\U0001d7ff\U0001e030-\U0001e08f\U0001ee00-\U0001eeff"
    "\U0001f100-\U0001f2ff\U0001fbf0-\U0001fbf9\U0002f800-\U0002fa1f"
)
_NFKC_BMP_RE = re.compile(f"[{_NFKC_CANDIDATES}]")
_NFKC_ASTRAL_RE = re.compile(f"[{_NFKC_ASTRAL_CANDIDATES}]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
# CPython stores a str with 1, 2 or 4 bytes per character, the fewest that hold its
# widest one (PEP 393), so only a text stored with 4 holds an astral character, and
# its size tells so at no cost where the regex above reads the whole text (1.4 ms
# per MB of prose). The size also counts a UTF-8 copy once one is cached (C code
# that reads a str as UTF-8 leaves one); such a text is searched as before.
_UCS4_HEADER = sys.getsizeof("\U00010000") - 2 * 4 if sys.implementation.name == "cpython" else 0


def has_astral(text: str) -> bool:
    """Whether ``text`` holds a character beyond the BMP."""
    if _UCS4_HEADER:
        size = sys.getsizeof(text) - _UCS4_HEADER
        if size < 4 * (len(text) + 1):
            return False  # one or two bytes per character, or ASCII (a smaller header)
        if size == 4 * (len(text) + 1):
            return True  # four bytes per character, no UTF-8 copy
    return _ASTRAL_RE.search(text) is not None


# Above one candidate in this many characters (and at least 64), one str.translate
# (about 0.1 µs a character) beats replacing them one by one (about 0.5 µs each):
# a long text with a few ideographic spaces is not translated whole.
_DENSE_SHARE = 8
_DENSE_MIN = 64

# The CJK Radicals Supplement (U+2E80–U+2EF3) to the unified ideographs they
# stand for (Unicode's EquivalentUnifiedIdeograph data; NFKC folds only ⺟ and ⻳).
# Radicals without a unified equivalent in the BMP are left alone.
_RADICALS_SUPPLEMENT = dict(
    zip(
        "⺁⺅⺆⺉⺊⺋⺌⺍⺎⺏⺐⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺱⺲⺳"
        "⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠"
        "⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
        "厂亻冂刂卜㔾小小兀尣尢巳幺彑彐忄㣺扌攵旡日月歺母民氵氺灬爫爫丬牛犭王疋罒示礻竹糸纟罓罒罒"
        "耂肀聿月臼艹艹艹虎衤覀西见角讠贝足车辶辶辶阝钅長镸长门阝雨青韦页风飞食飠饣"
        "马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
        strict=True,
    )
)


@lru_cache(maxsize=1)
def _nfkc_table() -> dict[int, str]:
    """Code point → its one-character NFKC form, for letters, digits and ideographs.

    Built on first use from the candidate ranges (a few thousand code points).
    """
    table: dict[int, str] = {}
    for m in re.finditer(r"(.)(?:-(.))?", _NFKC_CANDIDATES + _NFKC_ASTRAL_CANDIDATES, re.S):
        first = ord(m.group(1))
        last = ord(m.group(2)) if m.group(2) else first
        for cp in range(first, last + 1):
            char = chr(cp)
            nf = unicodedata.normalize("NFKC", char)
            if nf != char and len(nf) == 1 and nf.isalnum():
                table[cp] = nf
    table.update({ord(k): v for k, v in _RADICALS_SUPPLEMENT.items()})
    table[0x3000] = " "
    return table


# Characters that an evader may put between the characters of a listed word.
# Letters, digits and CJK ideographs are never separators.
_SEPARATOR_BMP = (
    r"\s"
    + ZERO_WIDTH
    + r"!-/:-@\[-`{-~"  # ASCII punctuation
    + "\u00a1-\u00bf\u00d7\u00f7"  # Latin-1 punctuation and signs
    + "\u2010-\u206f"  # general punctuation: dashes, quotes, ellipsis
    + "\u2190-\u2bff"  # arrows, maths, technical, boxes, shapes, dingbats
    + "\u3000-\u303f"  # CJK punctuation: 、。〈〉《》「」【】〔〕
    + "\u30fb"
    + "\ufe10-\ufe1f\ufe30-\ufe4f\ufe50-\ufe6f"  # vertical, compatibility, small forms
    + "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width punctuation
    + "\uffe0-\uffee"
    + INVISIBLE[len(ZERO_WIDTH) : -len(_INVISIBLE_ASTRAL)]
)
_SEPARATOR_ASTRAL = _INVISIBLE_ASTRAL + "\U0001f000-\U0001faff"  # emoji, tiles, pictographs
SEPARATOR_CLASS = _SEPARATOR_BMP + _SEPARATOR_ASTRAL
SEPARATOR_RE = re.compile(f"[{SEPARATOR_CLASS}]+")
_SEPARATOR_CHAR_RE = re.compile(f"[{SEPARATOR_CLASS}]")
# Runs of kept characters, for compacting: joining them beats ``re.sub`` on prose
# full of commas. A class with astral ranges scans slower, so texts without an
# astral character (which cannot hold an astral separator) use the BMP-only one.
_SPLIT_RE = re.compile(f"([{SEPARATOR_CLASS}]+)")
_KEPT_RE = re.compile(f"[^{SEPARATOR_CLASS}]+")
_KEPT_BMP_RE = re.compile(f"[^{_SEPARATOR_BMP}]+")

# Punctuation that ends a clause or sentence. A listed word is not matched across
# one of these unless the separators look systematic (see ``gaps_acceptable``).
CLAUSE_PUNCTUATION = frozenset("，。、；：！？,.;:!?\n\r“”\"‘’'《》（）()【】[]")

_t2s = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _t2s_char(char: str) -> str:
    converted = _t2s.convert(char)
    return converted if len(converted) == 1 else char


# OpenCC's own tool that writes a compiled dictionary out as text (shipped with it).
_OPENCC_DICT = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
# Shorter texts are converted whole: finding the lines to convert does not pay.
_T2S_BY_LINE_MIN = 4096


@lru_cache(maxsize=1)
def _t2s_triggers() -> re.Pattern[str] | None:
    """A class of the characters of ``_t2s_trigger_chars``; None if unknown."""
    chars = _t2s_trigger_chars()
    if chars is None:
        return None
    return re.compile("[{}]".format("".join(re.escape(c) for c in sorted(chars))))


@lru_cache(maxsize=1)
def _t2s_trigger_chars() -> frozenset[str] | None:
    """The characters without which t2s leaves a line of BMP characters alone.

    None if unknown.

    Read once per process from the dictionaries of the t2s configuration (written
    out as text by ``opencc_dict``): every one-character key, and every character
    of a longer key that holds none of them and is not converted to itself (in
    OpenCC 1.4 every such phrase holds one). In a line without these characters
    only keys converted to themselves can match, and no key spans a line break,
    so converting only the lines that hold one gives the same text.
    """
    config = Path(_t2s.config)
    try:
        names = re.findall(r'"file":\s*"([^"]+)"', json.dumps(json.loads(config.read_text())))
        rows: list[tuple[str, str]] = []  # key, first value
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                source = config.parent / name
                if name.endswith(".ocd2"):
                    dumped = Path(tmp) / "dict.txt"
                    subprocess.run(
                        [_OPENCC_DICT, "-i", source, "-o", dumped, "-f", "ocd2", "-t", "text"],
                        check=True,
                        capture_output=True,
                        timeout=60,
                    )
                    source = dumped
                elif not name.endswith(".txt"):
                    return None
                lines = source.read_text(encoding="utf-8").splitlines()
                for line in lines:
                    key, _, values = line.partition("\t")
                    if key:
                        rows.append((key, values.split(" ", 1)[0]))
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    chars = {key for key, _ in rows if len(key) == 1}
    for key, value in rows:
        if key != value and not chars.intersection(key):
            chars.update(key)
    # Keys with astral characters (rare ideographs) are left out: a class with
    # astral ranges scans a hundred times slower, and texts with an astral
    # character are converted whole.
    bmp = frozenset(c for c in chars if c < "\U00010000")
    if not bmp or "\n" in chars or "\r" in chars:
        return None
    return bmp


def _t2s_by_line(text: str, triggers: re.Pattern[str]) -> str | None:
    """t2s of ``text``, converting only the lines that hold a trigger character.

    None if some converted line changed length (the caller then does it the slow way).
    """
    spans: list[tuple[int, int]] = []
    found = triggers.search(text)
    while found:
        end = text.find("\n", found.start())
        if end == -1:
            end = len(text)
        spans.append((text.rfind("\n", 0, found.start()) + 1, end))
        found = triggers.search(text, end)
    return _t2s_lines(text, spans)


def _t2s_lines(text: str, spans: list[tuple[int, int]]) -> str | None:
    """``text`` with the lines at ``spans`` converted by t2s, or None if one changed length.

    The lines are converted in one call, joined by line breaks (no key spans one).
    """
    if not spans:
        return text
    lines = [text[a:b] for a, b in spans]
    converted = _t2s.convert("\n".join(lines)).split("\n")
    if len(converted) != len(lines):
        return None
    parts: list[str] = []
    last = 0
    for (start, end), line, new in zip(spans, lines, converted, strict=True):
        if len(new) != len(line):
            return None
        parts += (text[last:start], new)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def to_simplified(text: str, *, astral: bool | None = None) -> str:
    """Traditional to simplified, keeping the length.

    OpenCC converts phrase by phrase (so 乾隆 stays 乾隆 while 乾燥 becomes 干燥);
    t2s conversions keep the length. If some conversion did not, fall back to
    converting character by character, which always keeps offsets aligned.
    A long text without astral characters (``astral``, looked up if not given) has
    only its lines that t2s could change converted (``_t2s_triggers``).
    """
    if text.isascii():
        return text
    if (
        len(text) >= _T2S_BY_LINE_MIN
        and not (has_astral(text) if astral is None else astral)
        and (triggers := _t2s_triggers()) is not None
    ):
        by_line = _t2s_by_line(text, triggers)
        if by_line is not None:
            return by_line
    return _t2s_whole(text)


def _t2s_whole(text: str) -> str:
    converted = _t2s.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_t2s_char(c) for c in text)


def _fold_compatible(text: str, pattern: re.Pattern[str]) -> str:
    """Replace the candidates ``pattern`` finds by their one-character NFKC form."""
    table = _nfkc_table()
    parts: list[str] = []
    last = 0
    dense = max(_DENSE_MIN, len(text) // _DENSE_SHARE)
    for count, m in enumerate(pattern.finditer(text)):
        if count == dense:
            return text.translate(table)
        char = table.get(ord(m.group()))
        if char is not None:
            i = m.start()
            parts += (text[last:i], char)
            last = i + 1
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def fold(text: str) -> str:
    """Length-preserving fold: NFKC look-alikes, radicals, case, traditional to simplified."""
    return _fold(text)[0]


def _fold(text: str) -> tuple[str, bool]:
    """The folded text, and whether the text had an astral character."""
    if len(text) >= _T2S_BY_LINE_MIN and not has_astral(text):
        folded = _fold_in_one_scan(text)
        if folded is not None:
            return folded, False
    if _NFKC_BMP_RE.search(text):
        text = _fold_compatible(text, _NFKC_BMP_RE)
    astral = has_astral(text)
    if astral and _NFKC_ASTRAL_RE.search(text):
        text = _fold_compatible(text, _NFKC_ASTRAL_RE)
    lowered = text.lower()
    # str.lower is C speed but may lengthen a few letters (İ → i̇); then only fold ASCII.
    if len(lowered) == len(text):
        text = lowered
    else:
        text = _ASCII_UPPER_RE.sub(lambda m: m.group().lower(), text)
    return to_simplified(text, astral=astral), astral


@lru_cache(maxsize=1)
def _fold_scan() -> tuple[re.Pattern[str], dict[str, str | None], frozenset[str]] | None:
    """For ``_fold_in_one_scan``: its class, what each character folds to, t2s's triggers.

    The class holds every BMP character that folding may change (the NFKC table,
    every character that ``str.lower`` changes) and every t2s trigger. A character
    maps to its NFKC form lower-cased, or to None where ``str.lower`` of the whole
    text may not be the character's own (Σ depends on its neighbours; İ grows).
    None if the t2s triggers are unknown.
    """
    triggers = _t2s_trigger_chars()
    if triggers is None:
        return None
    table = _nfkc_table()
    bmp = (chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    chars = {chr(c) for c in table if c < 0x10000} | triggers
    chars.update(c for c in bmp if c.lower() != c)
    folds: dict[str, str | None] = {}
    for char in chars:
        nf = table.get(ord(char), char)
        lowered = nf.lower()
        folds[char] = lowered if len(lowered) == 1 and nf != "Σ" and nf < "\U00010000" else None
    cps = sorted(map(ord, chars))
    starts = [c for i, c in enumerate(cps) if i == 0 or cps[i - 1] != c - 1]
    ends = [c for i, c in enumerate(cps) if i + 1 == len(cps) or cps[i + 1] != c + 1]
    ranges = "".join(
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
        for a, b in zip(starts, ends, strict=True)
    )
    return re.compile(f"[{ranges}]"), folds, triggers


# Above one character to fold or convert in this many, the general path is faster.
_ONE_SCAN_SHARE = 64


def _fold_in_one_scan(text: str) -> str | None:
    """``_fold`` of a long text without astral characters, from one scan of it.

    ``_fold`` takes a scan for the NFKC forms, ``str.lower`` (another pass) and a
    scan for the t2s triggers; on prose that changes a few characters one scan of
    their union does (1.2 ms per MB against 3.7). Characters outside the class are
    left alone by every step and trigger nothing; each character in it is folded
    as the steps would fold it, and the lines where the folded text holds a trigger
    are converted, as ``to_simplified`` would convert them. None where the general
    path must run (a dense text, Σ or İ, a line that t2s changed in length).
    """
    scan = _fold_scan()
    if scan is None:
        return None
    pattern, folds, triggers = scan
    limit = len(text) // _ONE_SCAN_SHARE
    parts: list[str] = []
    last = 0
    trigger_at: list[int] = []
    for count, m in enumerate(pattern.finditer(text)):
        if count == limit:
            return None
        char = m.group()
        folded = folds[char]
        if folded is None:
            return None
        if folded != char:
            i = m.start()
            parts += (text[last:i], folded)
            last = i + 1
        if folded in triggers:
            trigger_at.append(m.start())
    if parts:
        parts.append(text[last:])
        text = "".join(parts)
    spans: list[tuple[int, int]] = []
    for at in trigger_at:
        if spans and at < spans[-1][1]:
            continue  # on a line already taken
        end = text.find("\n", at)
        spans.append((text.rfind("\n", 0, at) + 1, len(text) if end == -1 else end))
    by_line = _t2s_lines(text, spans)
    if by_line is None:
        return _t2s_whole(text)
    return by_line


def fold_entry(term: str) -> str:
    """Normalise a list entry the way text is normalised: fold, then drop separators."""
    text = fold(term.translate(_FOLD_TABLE))
    return SEPARATOR_RE.sub("", text)


def is_separator(char: str) -> bool:
    return bool(_SEPARATOR_CHAR_RE.match(char))


# The offset map is built lazily per block of the folded text: most texts have
# few matches, and mapping only the blocks that hold one keeps normalisation at
# C speed (one ``findall`` per block) instead of a Python step per separator run.
# Mapping a block splits it whole; with 1,024 characters (rather than 4,096) the
# blocks that hold a hit cost a quarter, compacting about the same.
BLOCK = 1024


@dataclass(slots=True)
class Normalized:
    """A text in its three forms, with the map from compact offsets to original ones.

    The folded text is cut into blocks of ``BLOCK`` characters; ``block_starts[k]``
    is the compact offset where block k begins. Within a block, the runs of removed
    separators are found on first use: ``positions[i]`` is the block-local compact
    offset where run i sat and ``removed[i]`` the characters removed up to and
    including it, so an original offset is found by two binary searches.
    """

    original: str
    folded: str
    compact: str
    block_starts: list[int]
    _runs: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)

    def _block_runs(self, k: int) -> tuple[list[int], list[int]]:
        runs = self._runs.get(k)
        if runs is None:
            # Split alternates kept pieces and separator runs (kept first and last,
            # maybe empty); their running lengths are the two lists, at C speed.
            lengths = list(map(len, _SPLIT_RE.split(self.folded[k * BLOCK : (k + 1) * BLOCK])))
            removed = list(accumulate(lengths[1::2]))
            positions = list(islice(accumulate(lengths[0::2]), len(removed)))
            runs = self._runs[k] = (positions, removed)
        return runs

    def to_original(self, compact_index: int) -> int:
        """Original offset of the character at ``compact_index``."""
        k = bisect_right(self.block_starts, compact_index) - 1
        local = compact_index - self.block_starts[k]
        positions, removed = self._block_runs(k)
        j = bisect_right(positions, local)
        return k * BLOCK + local + (removed[j - 1] if j else 0)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original span covering compact span ``[start, end)`` (end exclusive)."""
        return self.to_original(start), self.to_original(end - 1) + 1

    def char_positions(self, start: int, end: int) -> list[int]:
        """Original offsets of each character of compact span ``[start, end)``."""
        return [self.to_original(i) for i in range(start, end)]


def normalize(text: str) -> Normalized:
    """Fold and compact ``text``, keeping what is needed to map offsets back."""
    folded, astral = _fold(text)
    kept = (_KEPT_RE if astral else _KEPT_BMP_RE).findall
    if len(folded) <= BLOCK:
        return Normalized(text, folded, "".join(kept(folded)), [0])
    # Removing characters is local, so compacting block by block gives the same string.
    parts = ["".join(kept(folded, i, i + BLOCK)) for i in range(0, len(folded), BLOCK)]
    starts = [0, *accumulate(map(len, parts))][:-1]
    return Normalized(text, folded, "".join(parts), starts)


def gaps_acceptable(original: str, char_positions: list[int]) -> bool:
    """Decide whether a match spread over separators is a real (evasive) occurrence.

    A word written with separators between *every* pair of characters
    (代 开 发 票, 代。开。发。票) is deliberate and accepted when the word has at
    least three characters. A word with only some
    gaps is accepted when those gaps hold no clause punctuation, so 代*开发票
    matches but 他代，开发票时 (two clauses that happen to touch) does not.
    """
    gaps = [original[a + 1 : b] for a, b in zip(char_positions, char_positions[1:], strict=False)]
    if not any(gaps):
        return True
    # Two-character words straddling a sentence break are too often accidental.
    if all(gaps) and len(char_positions) >= 3:
        return True
    return not any(ch in CLAUSE_PUNCTUATION for gap in gaps for ch in gap)


_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_EMOJI_RE = re.compile("[\U0001f000-\U0001faff]")


def disguise_reason(key: str, original: str) -> str:
    """Why a listed word written as ``original`` was still found, in Chinese; "" if plainly.

    Names look-alike characters (Kangxi radicals, compatibility forms), invisible
    characters and emoji; spaces, punctuation, full-width letters and traditional
    characters are ordinary writing and not named.
    """
    kinds = []
    table = _nfkc_table()
    if any(ord(c) in table for c in original if c != "\u3000" and not "０" <= c <= "ｚ"):
        kinds.append("用形近字符书写")
    if _INVISIBLE_RE.search(original):
        kinds.append("夹杂不可见字符")
    if _EMOJI_RE.search(original):
        kinds.append("夹杂表情符号")
    if not kinds:
        return ""
    return f"敏感词“{key}”{'，'.join(kinds)}"
