"""Privacy: ID numbers, mobile numbers, bank cards and e-mail addresses.

Runs on the folded text (full-width digits already half-width, same offsets).
Every number pattern refuses to start or end inside a longer run of letters or
digits, so document numbers, index numbers (索引号 11440300MB2C12345X/2026-00012),
dates, amounts, landlines and hotlines such as 12345 are never taken apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from ..findings import BLOCKING, INFO, PRIVACY, WARNING, Finding

# Weights and check characters of GB 11643-1999 (ISO 7064 MOD 11-2).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
# A number glued to "/" or "-" on one side is part of an index number or a code.
_NOT_CODE_BEFORE = r"(?<![0-9A-Za-z/\-_.])"
_NOT_CODE_AFTER = r"(?![0-9A-Za-z/_]|-\d|\.\d)"

ID18_RE = re.compile(_NOT_CODE_BEFORE + r"[1-9]\d{16}[\dXx]" + _NOT_CODE_AFTER)
ID15_RE = re.compile(_NOT_CODE_BEFORE + r"[1-9]\d{14}" + _NOT_CODE_AFTER)
MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z/_.\-])(?:\+?86[ \-]?)?(1[3-9]\d)([ \-]?)(\d{4})\2(\d{4})"
    + r"(?![0-9A-Za-z/_]|-\d|\.\d)"
)
CARD_RE = re.compile(
    _NOT_CODE_BEFORE + r"(?:\d{16,19}|\d{4}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?)" + _NOT_CODE_AFTER
)
EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)
# An amount written in digits is not a phone number: 13800000000元.
_AMOUNT_AFTER = ("元", "万", "亿", "千", "百", "%", "％", "美元", "人民币")
_AMOUNT_BEFORE = ("¥", "￥", "$")

# Candidate regions: long runs of digits, spaces and dashes. The patterns above begin
# with a lookbehind, which makes ``re`` try every position of the text; running them
# only around these runs keeps privacy checking at a few milliseconds per megabyte.
_CANDIDATE_RE = re.compile(r"[0-9][0-9 \-]{9,}[0-9Xx]")
_CONTEXT = 4

# Addresses of government bodies are published on purpose.
PUBLIC_EMAIL_SUFFIXES = (".gov.cn",)


def id18_valid(number: str) -> bool:
    """Check digit (ISO 7064 MOD 11-2) and a real birth date not in the future."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    return _valid_birth(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id15_valid(number: str) -> bool:
    """Old 15-digit numbers (before 1999) have no check digit: the date is all we test."""
    if len(number) != 15 or not number.isdigit():
        return False
    return _valid_birth(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))


def _valid_birth(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _looks_like_amount(text: str, start: int, end: int) -> bool:
    after = text[end : end + 2].lstrip()
    before = text[max(0, start - 1) : start]
    return after.startswith(_AMOUNT_AFTER) or before in _AMOUNT_BEFORE


def _span(m: re.Match[str]) -> tuple[int, int]:
    return m.start(), m.end()


def find_privacy(folded: str, *, email: bool = True) -> list[Finding]:
    """Privacy findings in ``folded`` text; a span is claimed by the first rule that fits."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(s < b and a < e for a, b in taken)

    def add(s: int, e: int, severity: str, suggestion: str, rule: str) -> None:
        taken.append((s, e))
        findings.append(Finding(PRIVACY, severity, s, e, folded[s:e], suggestion, rule))

    regions = [
        (max(0, m.start() - _CONTEXT), min(len(folded), m.end() + _CONTEXT))
        for m in _CANDIDATE_RE.finditer(folded)
    ]

    def matches(pattern: re.Pattern[str]):
        for a, b in regions:
            yield from pattern.finditer(folded, a, b)

    for m in matches(ID18_RE):
        if id18_valid(m.group()):
            add(*_span(m), BLOCKING, "删除或遮盖身份证号码（保留前2位和后3位）", "privacy:id18")
    for m in matches(ID15_RE):
        if free(*m.span()) and id15_valid(m.group()):
            add(*_span(m), BLOCKING, "删除或遮盖身份证号码（保留前2位和后3位）", "privacy:id15")
    for m in matches(CARD_RE):
        digits = re.sub(r"\D", "", m.group())
        if (
            16 <= len(digits) <= 19
            and digits[0] in "3456"
            and free(*m.span())
            and luhn_valid(digits)
            and not _looks_like_amount(folded, *m.span())
        ):
            add(*_span(m), BLOCKING, "删除或遮盖银行卡号（仅保留后4位）", "privacy:bank-card")
    for m in matches(MOBILE_RE):
        if free(*m.span()) and not _looks_like_amount(folded, *m.span()):
            add(*_span(m), WARNING, "确认是否应公开该手机号码，必要时遮盖中间4位", "privacy:mobile")
    at = folded.find("@") if email else -1
    seen_email_ends: set[int] = set()
    while at >= 0:
        # Only the neighbourhood of each "@" can hold an address (RFC 5321 limits: 64 and 255).
        for m in EMAIL_RE.finditer(folded, max(0, at - 64), at + 256):
            if m.end() in seen_email_ends or not (m.start() < at < m.end()):
                continue
            seen_email_ends.add(m.end())
            domain = m.group().rsplit("@", 1)[1].lower()
            if domain.endswith(PUBLIC_EMAIL_SUFFIXES) or not free(*m.span()):
                continue
            add(*_span(m), INFO, "确认是否应公开该电子邮箱地址", "privacy:email")
        at = folded.find("@", at + 1)
    findings.sort(key=lambda f: f.start)
    return findings


def mask_value(rule: str, value: str) -> str:
    """Mask one privacy value the way disclosure rules usually show them."""
    chars = list(value)
    digit_positions = [i for i, c in enumerate(chars) if c.isalnum()]
    if rule.startswith("privacy:id"):
        keep = set(digit_positions[:2] + digit_positions[-3:])
    elif rule == "privacy:bank-card":
        keep = set(digit_positions[-4:])
    elif rule == "privacy:mobile":
        # 138****1234: the last 11 digits are the number, a +86 prefix is kept.
        number = digit_positions[-11:]
        keep = set(digit_positions[:-11]) | set(number[:3]) | set(number[-4:])
    elif rule == "privacy:email":
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if local else value
    else:
        return value
    return "".join(c if (i in keep or not c.isalnum()) else "*" for i, c in enumerate(chars))


def mask_text(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every privacy finding masked."""
    out = text
    # From the end, so a mask of another length does not shift the spans still to do.
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        if f.category == PRIVACY:
            out = out[: f.start] + mask_value(f.rule, text[f.start : f.end]) + out[f.end :]
    return out
