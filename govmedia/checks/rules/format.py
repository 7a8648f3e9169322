"""Formatting: half-width punctuation in Chinese text and unbalanced brackets and quotes.

Runs on the original text, since width is exactly what it looks at.
"""

from __future__ import annotations

import re

from ..findings import FORMAT, WARNING, Finding

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULL_FOR = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"}
# A half-width mark with a Chinese character right before it and one after it
# (optionally after one space). Numbers, times (10:30) and URLs never qualify.
# The lookbehind is checked by hand: a pattern that starts with one makes ``re`` try
# every position, while a bare character class lets it skip ahead.
HALF_PUNCT_RE = re.compile(f"[,;:!?.](?= ?[{_CJK}])")
_CJK_RE = re.compile(f"[{_CJK}]")
_CHINESE_NUMERALS = "一二三四五六七八九十"

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
BRACKET_RE = re.compile("[()（）\\[\\]【】《》〈〉「」『』“”{}〔〕\n]")
# "1）", "a)", "一）" at the start of a line or after a clause are list numbers, not strays.
_LIST_NUMBER_RE = re.compile(
    r"(?:^|[\n；;。，,：:])[ \t\u3000]*[0-9A-Za-z一二三四五六七八九十]{1,3}$"
)


def find_format(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for m in HALF_PUNCT_RE.finditer(text):
        if not m.start() or not _CJK_RE.match(text, m.start() - 1):
            continue
        mark = m.group()
        full = _FULL_FOR[mark]
        if mark == "." and text[m.start() - 1] in _CHINESE_NUMERALS:
            full = "、"  # 一.加强领导 is a list number: 一、
        findings.append(
            Finding(
                FORMAT,
                WARNING,
                m.start(),
                m.end(),
                mark,
                f"中文语句中应使用全角标点“{full}”",
                "format:half-width-punctuation",
            )
        )
    findings += _find_brackets(text)
    return findings


def _find_brackets(text: str) -> list[Finding]:
    """Match brackets per paragraph with a stack; report strays, unclosed and mixed widths."""
    findings: list[Finding] = []
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
                    "format:unclosed-bracket",
                )
            )

    def flush() -> None:
        unclosed(stack)
        stack.clear()

    for m in BRACKET_RE.finditer(text):
        char, pos = m.group(), m.start()
        if char == "\n":
            flush()
            continue
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
                    findings.append(
                        Finding(
                            FORMAT,
                            WARNING,
                            pos,
                            pos + 1,
                            char,
                            f"与前面的“{opener}”全角半角不一致",
                            "format:mixed-width-brackets",
                        )
                    )
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
                    "format:stray-bracket",
                )
            )
    flush()
    return findings
