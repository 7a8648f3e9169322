"""Formatting: half-width punctuation in Chinese text, doubled marks, unbalanced brackets.

Runs on the original text, since width is exactly what it looks at.

Some of these findings are *mechanical*: the correction follows from the text
alone, with no choice to make (``MECHANICAL_RULES``). For those the rule also
yields an ``Edit``, and ``fix_text`` / ``fix_html`` apply them: ``govmedia check
--fix`` and the editor's 一键修正 button use the same edits the findings report.
Unclosed and stray brackets are not mechanical (where the missing half belongs
is a reader's call), and neither are spaces between Chinese characters, which
the rules do not report at all: the laws corpus has 167,735 of them, nearly all
deliberate (``第一条 为了``, ``第一章　总  则``, dates before an issuing body).

``group_findings`` turns many findings of one format rule into one entry with a
count and every position, which is how the reports show them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..findings import FORMAT, WARNING, Finding

HALF_WIDTH = "format:half-width-punctuation"
DUPLICATE = "format:duplicate-punctuation"
MIXED_WIDTH = "format:mixed-width-brackets"
UNCLOSED = "format:unclosed-bracket"
STRAY = "format:stray-bracket"
# Rules whose correction is unambiguous, so --fix and the admin button may apply it.
MECHANICAL_RULES = frozenset({HALF_WIDTH, DUPLICATE, MIXED_WIDTH})

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULL_FOR = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"}
# A half-width mark with a Chinese character right before it and one after it
# (optionally after one space, which the fix removes with the mark). Numbers,
# times (10:30) and URLs never qualify.
# The lookbehind is checked by hand: a pattern that starts with one makes ``re`` try
# every position, while a bare character class lets it skip ahead.
HALF_PUNCT_RE = re.compile(f"[,;:!?.]( ?)(?=[{_CJK}])")
_CJK_RE = re.compile(f"[{_CJK}]")
_CHINESE_NUMERALS = "一二三四五六七八九十"
# The same full-width mark twice or more (，， 。。 、、). Doubled ！？ can be a
# deliberate emphasis and …… —— are single marks written with two characters.
DUPLICATE_RE = re.compile("([，。、；：])\\1+")
_MARK_NAMES = {"，": "逗号", "。": "句号", "、": "顿号", "；": "分号", "：": "冒号"}
_MARK_PAIRS = [re.compile(mark * 2) for mark in _MARK_NAMES]

_OPEN_TO_CLOSE = {
    "(": ")",
    "（": "）",
    "[": "]",
    "【": "】",
    "《": "》",
    "〈": "〉",
    "「": "」",
    "『": "』",
    "“": "”",
    "{": "}",
    "〔": "〕",
}
# Brackets of one shape in either width pair with each other, but a full-width
# opening closed by a half-width one (（…)) is its own finding.
_FAMILY = {
    "(": "round",
    ")": "round",
    "（": "round",
    "）": "round",
    "[": "square",
    "]": "square",
    "【": "lenticular",
    "】": "lenticular",
    "〔": "tortoise",
    "〕": "tortoise",
    "《": "book",
    "》": "book",
    "〈": "angle",
    "〉": "angle",
    "「": "corner",
    "」": "corner",
    "『": "white-corner",
    "』": "white-corner",
    "“": "quote",
    "”": "quote",
    "{": "curly",
    "}": "curly",
}
_FULL_WIDTH = set("（）【】《》〈〉「」『』“”〔〕")
_BRACKETS = "()（）\\[\\]【】《》〈〉「」『』“”{}〔〕"
# Everything up to the next bracket that matters: text without brackets, and pairs
# of one shape and one width with no bracket or line break inside (（一）, 《条例》),
# which leave the stack as it was and report nothing. Skipped in one C-speed match.
_PAIRS = "|".join(
    re.escape(o) + f"[^{_BRACKETS}\n]*" + re.escape(c) for o, c in _OPEN_TO_CLOSE.items()
)
_SKIP_RE = re.compile(f"(?:[^{_BRACKETS}]++|{_PAIRS})*+")
# "1）", "a)", "一）" at the start of a line or after a clause are list numbers, not strays.
_LIST_NUMBER_RE = re.compile(
    r"(?:^|[\n；;。，,：:])[ \t\u3000]*[0-9A-Za-z一二三四五六七八九十]{1,3}$"
)


@dataclass(frozen=True, slots=True)
class Edit:
    """A mechanical correction: replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str
    rule: str


def find_format(text: str) -> list[Finding]:
    return _scan(text)[0]


def format_edits(text: str) -> list[Edit]:
    """The corrections of the mechanical findings in ``text``, in order, never overlapping."""
    return _scan(text)[1]


def _scan(text: str) -> tuple[list[Finding], list[Edit]]:
    findings: list[Finding] = []
    edits: list[Edit] = []
    for m in _half_width_marks(text):
        start = m.start()
        if not start or not _CJK_RE.match(text, start - 1):
            continue
        mark = text[start]
        full = _FULL_FOR[mark]
        if mark == "." and text[start - 1] in _CHINESE_NUMERALS:
            full = "、"  # 一.加强领导 is a list number: 一、
        findings.append(
            Finding(
                FORMAT,
                WARNING,
                start,
                start + 1,
                mark,
                f"中文语句中应使用全角标点“{full}”",
                HALF_WIDTH,
                f"半角标点“{mark}”用在汉字之间，中文语句应使用全角标点",
            )
        )
        # The space some writers put after a half-width mark goes with it.
        edits.append(Edit(start, m.end(), full, HALF_WIDTH))
    for m in _doubled_marks(text):
        mark = m.group(1)
        findings.append(
            Finding(
                FORMAT,
                WARNING,
                m.start(),
                m.end(),
                m.group(),
                f"删去多余的“{mark}”",
                DUPLICATE,
                f"{_MARK_NAMES[mark]}连用了{len(m.group())}次，只应保留一个",
            )
        )
        edits.append(Edit(m.start(), m.end(), mark, DUPLICATE))
    bracket_findings, bracket_edits = _find_brackets(text)
    findings += bracket_findings
    edits += bracket_edits
    edits.sort(key=lambda e: e.start)
    return findings, edits


def _half_width_marks(text: str) -> list[re.Match[str]]:
    """The matches of ``HALF_PUNCT_RE`` in order, tried only where a half-width mark stands.

    Six ``str.find`` scans are faster than the regex's character class over a
    Chinese text with few such marks (1.5 ms per MB of laws prose). A match is one
    mark and perhaps a space, so none starts inside another and trying each mark
    gives the matches of a scan. A text full of marks (English) is scanned instead.
    """
    limit = len(text) // 256 + 16
    positions: list[int] = []
    for mark in _FULL_FOR:
        at = text.find(mark)
        while at != -1:
            positions.append(at)
            if len(positions) > limit:
                return list(HALF_PUNCT_RE.finditer(text))
            at = text.find(mark, at + 1)
    positions.sort()
    match = HALF_PUNCT_RE.match
    return [m for at in positions if (m := match(text, at)) is not None]


def _doubled_marks(text: str) -> list[re.Match[str]]:
    """The matches of ``DUPLICATE_RE`` in order, found from a search for each mark twice.

    Five searches for a literal pair (``re`` finds one faster than ``str.find``:
    0.2 against 0.33 ms per MB of prose) are several times faster than the regex
    over the whole text, which stops at every comma; each run of one mark is one
    match either way.
    """
    found: list[re.Match[str]] = []
    for pair in _MARK_PAIRS:
        at = pair.search(text)
        while at is not None:
            m = DUPLICATE_RE.match(text, at.start())
            if m is None:  # cannot happen: the pair is there
                break
            found.append(m)
            at = pair.search(text, m.end())
    found.sort(key=lambda m: m.start())
    return found


def _find_brackets(text: str) -> tuple[list[Finding], list[Edit]]:
    """Match brackets per paragraph with a stack; report strays, unclosed and mixed widths.

    Text without brackets and simple pairs (``_SKIP_RE``) are passed over in C;
    only the brackets left take a step of Python each.
    """
    findings: list[Finding] = []
    edits: list[Edit] = []
    stack: list[tuple[str, int]] = []

    def unclosed(openings: list[tuple[str, int]]) -> None:
        for char, pos in openings:
            findings.append(
                Finding(
                    FORMAT,
                    WARNING,
                    pos,
                    pos + 1,
                    char,
                    f"“{char}”没有对应的“{_OPEN_TO_CLOSE[char]}”",
                    UNCLOSED,
                    f"本段中“{char}”之后没有与之配对的“{_OPEN_TO_CLOSE[char]}”",
                )
            )

    def flush() -> None:
        unclosed(stack)
        stack.clear()

    skip = _SKIP_RE.match
    size = len(text)
    after = last = 0
    while True:
        skipped = skip(text, after)  # matches always (perhaps nothing)
        pos = skipped.end() if skipped else after
        if pos >= size:
            break
        after = pos + 1
        char = text[pos]
        if stack and text.find("\n", last, pos) != -1:
            flush()  # the paragraph ended since the last bracket
        last = pos
        if char in _OPEN_TO_CLOSE:
            stack.append((char, pos))
            continue
        family = _FAMILY[char]
        # Close the nearest opening of the same family; openings left above it are unclosed.
        for depth in range(len(stack) - 1, -1, -1):
            if _FAMILY[stack[depth][0]] == family:
                opener = stack[depth][0]
                unclosed(stack[depth + 1 :])
                del stack[depth:]
                if (opener in _FULL_WIDTH) != (char in _FULL_WIDTH):
                    closer = _OPEN_TO_CLOSE[opener]
                    findings.append(
                        Finding(
                            FORMAT,
                            WARNING,
                            pos,
                            pos + 1,
                            char,
                            f"与前面的“{opener}”全角半角不一致",
                            MIXED_WIDTH,
                            f"“{opener}”与“{char}”一个全角一个半角，成对的括号应宽度一致，"
                            f"改为“{closer}”",
                        )
                    )
                    edits.append(Edit(pos, pos + 1, closer, MIXED_WIDTH))
                break
        else:
            if family == "round" and _LIST_NUMBER_RE.search(text, max(0, pos - 8), pos):
                continue
            findings.append(
                Finding(
                    FORMAT,
                    WARNING,
                    pos,
                    pos + 1,
                    char,
                    f"多余的“{char}”，前面没有对应的开括号或引号",
                    STRAY,
                    f"本段中“{char}”之前没有与之配对的开括号或引号",
                )
            )
    flush()
    return findings, edits


# --- fixing --------------------------------------------------------------------


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """``text`` with the edits applied (an edit overlapping an earlier one is skipped)."""
    out: list[str] = []
    done = 0
    applied = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < done:
            continue
        out.append(text[done : edit.start])
        out.append(edit.replacement)
        done = edit.end
        applied += 1
    out.append(text[done:])
    return "".join(out), applied


EditSource = Callable[[str], list[Edit]]


def fix_text(text: str, edits_for: EditSource = format_edits) -> tuple[str, int]:
    """Apply every mechanical format correction to a plain text; return it and how many.

    ``edits_for`` may add corrections of other rules (``govmedia check --fix=all``).
    """
    return apply_edits(text, edits_for(text))


# Tags, comments and the content of script/style elements are kept byte for byte;
# only the text between them is corrected.
_HTML_MARKUP_RE = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<[^>]*>", re.DOTALL | re.IGNORECASE
)


def fix_html(html: str, edits_for: EditSource = format_edits) -> tuple[str, int]:
    """Apply the mechanical corrections to the text nodes of an HTML fragment or page.

    Each text node is corrected on its own, so the markup (tags, attributes,
    comments, scripts) is never touched and a mark whose neighbours sit in other
    elements is left alone. Character references (``&amp;``) end in ``;`` after a
    letter or digit, never after a Chinese character, so they are never taken
    for punctuation.
    """
    out: list[str] = []
    done = 0
    total = 0
    for m in _HTML_MARKUP_RE.finditer(html):
        fixed, n = fix_text(html[done : m.start()], edits_for)
        out.append(fixed)
        out.append(m.group())
        total += n
        done = m.end()
    fixed, n = fix_text(html[done:], edits_for)
    out.append(fixed)
    return "".join(out), total + n


# --- grouping for reports --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """All findings of one format rule in one text, shown as one entry with a count."""

    findings: tuple[Finding, ...]

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def positions(self) -> list[tuple[int, int]]:
        return [(f.start, f.end) for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """The first finding's fields, plus ``count`` and every ``[start, end]`` in ``positions``."""
        data = self.first.to_dict()
        data["count"] = self.count
        data["positions"] = [[f.start, f.end] for f in self.findings]
        return data


def group_findings(findings: Sequence[Finding]) -> list[Finding | FindingGroup]:
    """Findings in report order, those of each format rule gathered into one ``FindingGroup``.

    A group stands where its rule's first finding stood; other findings are
    returned as they are.
    """
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        if f.category == FORMAT:
            by_rule.setdefault(f.rule, []).append(f)
    entries: list[Finding | FindingGroup] = []
    for f in findings:
        if f.category != FORMAT:
            entries.append(f)
        elif by_rule[f.rule][0] is f:
            entries.append(FindingGroup(tuple(by_rule[f.rule])))
    return entries


def entry_dict(entry: Finding | FindingGroup) -> dict[str, Any]:
    """JSON form of a report entry: a finding's fields with ``count`` (1 unless grouped)."""
    if isinstance(entry, FindingGroup):
        return entry.to_dict()
    return {**entry.to_dict(), "count": 1}
