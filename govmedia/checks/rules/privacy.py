"""Privacy: personal numbers, plates, e-mail and (when asked) street addresses.

Runs on the folded text (full-width digits, letters and hyphens already
half-width, capitals lower case, same offsets). Every number pattern refuses
to start or end inside a longer run of letters or digits, so document numbers,
index numbers (索引号 11440300MB2C12345X/2026-00012), dates, amounts,
landlines and hotlines such as 12345 are never taken apart.

What decides a finding, rule by rule (docs/checks.md has the table):

* A number with a check character (ID numbers: GB 11643, ISO 7064 MOD 11-2;
  bank cards: Luhn) is judged by it; a number without one (passports,
  permits, plates) only with a word that names it nearby.
* The words just before a number, back to the last comma or sentence end, say
  what it is: the nearest of 身份证 / 卡号 / 账号 / 编号 / 电话 … wins. A number after
  编号, 索引号, 文号, 合同编号, 订单号 and the like is a code, not a card or
  a phone.
* Every finding says why it fired (``Finding.reason``, in Chinese).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from ..findings import BLOCKING, INFO, PRIVACY, WARNING, Finding

# Weights and check characters of GB 11643-1999 (ISO 7064 MOD 11-2).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First two digits of an ID number: provinces (GB/T 2260), 71 Taiwan, and 81/82/83
# for the residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证).
_ID_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_RESIDENCE_PERMIT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
# A number glued to "/" or "-" on one side is part of an index number or a code.
_NOT_CODE_BEFORE = r"(?<![0-9A-Za-z/\-_.])"
_NOT_CODE_AFTER = r"(?![0-9A-Za-z/_]|-\d|\.\d)"

# 18 characters written whole, 6-8-4 or 6-4-4-4, with one kind of separator.
ID18_RE = re.compile(
    _NOT_CODE_BEFORE
    + r"[1-9]\d{5}(?P<sep>[ \-\uff0d]?)(?:\d{8}|\d{4}(?P=sep)\d{4})(?P=sep)\d{3}[\dXx]"
    + _NOT_CODE_AFTER
)
ID15_RE = re.compile(_NOT_CODE_BEFORE + r"[1-9]\d{14}" + _NOT_CODE_AFTER)
MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z/_.\-])(?:\+?86[ \-\uff0d]?)?(1[3-9]\d)([ \-\uff0d]?)(\d{4})\2(\d{4})"
    + r"(?![0-9A-Za-z/_]|-\d|\.\d)"
)
CARD_RE = re.compile(
    _NOT_CODE_BEFORE
    + r"(?:\d{16,19}|\d{4}(?:[ \-\uff0d]\d{4}){3}(?:[ \-\uff0d]?\d{1,3})?)"
    + _NOT_CODE_AFTER
)
# 普通护照: E + 8 digits (G + 8 before 2012), then E + letter + 7 digits (EA1234567).
PASSPORT_RE = re.compile(
    _NOT_ALNUM_BEFORE + r"(?:[EeGg]\d{8}|[Ee][A-HJ-NP-Za-hj-np-z]\d{7})" + _NOT_ALNUM_AFTER
)
# 港澳居民来往内地通行证 (回乡证): H (Hong Kong) or M (Macao) + 8 digits, older cards 10.
HKMO_PERMIT_RE = re.compile(_NOT_ALNUM_BEFORE + r"[HhMm]\d{8}(?:\d{2})?" + _NOT_ALNUM_AFTER)
# 台湾居民来往大陆通行证 (台胞证): 8 digits since 2015.
TW_PERMIT_RE = re.compile(_NOT_CODE_BEFORE + r"\d{8}" + _NOT_CODE_AFTER)
# Plates (GA 36): province abbreviation, the issuing office's letter (no I or O), then
# five letters/digits, or six for new-energy vehicles (D/F first or last).
_PROVINCE_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_ALNUM = "[A-HJ-NP-Za-hj-np-z0-9]"
PLATE_RE = re.compile(
    f"[{_PROVINCE_ABBR}][A-HJ-NP-Za-hj-np-z][·・. \\-]?"
    f"(?:[DFdf]{_PLATE_ALNUM}\\d{{4}}|\\d{{5}}[DFdf]|{_PLATE_ALNUM}{{5}})" + _NOT_ALNUM_AFTER
)
EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)
# A street and a house number, optionally building, unit, floor and room.
_CN_NUM = "[0-9一二三四五六七八九十]+"
ADDRESS_TAIL_RE = re.compile(
    r"(?:路|街|大道|巷|弄|胡同|里|村|组)\d+(?:-\d+)?号(?:院)?"
    f"(?:{_CN_NUM}(?:号楼|栋|幢|座|单元|层|楼|室|户|号))*"
)
_ADDRESS_ADMIN_RE = re.compile("省|自治区|市|区|县|旗|镇|乡|街道|村")
_ADDRESS_ROOM_RE = re.compile("单元|室|户|号楼|栋|幢")
_ADDRESS_LEAD_WORDS = (
    "地址",
    "住址",
    "家住",
    "住在",
    "居住",
    "位于",
    "现住",
    "住",
    "在",
    "于",
    "至",
)
_ADDRESS_REACH = 24

# An amount written in digits is not a phone number: 13800000000元.
_AMOUNT_AFTER = ("元", "万", "亿", "千", "百", "%", "％", "美元", "人民币")
_AMOUNT_BEFORE = ("¥", "￥", "$")

# Candidate regions: long runs of digits, spaces and dashes. The patterns above begin
# with a lookbehind, which makes ``re`` try every position of the text; running them
# only around these runs keeps privacy checking at a few milliseconds per megabyte.
_CANDIDATE_RE = re.compile(r"[0-9][0-9 \-\uff0d]{9,}[0-9Xx]")
# The same runs found on a projection of the text, one byte per character: the
# full-width hyphen made half-width, ``encode("ascii", "replace")`` (other non-ASCII
# characters become "?", which the class leaves out as it does "?"), then digits
# made "d", space and hyphen "s", X "x", all else "o". ``re`` finds the literal "d"
# far faster than the class over Chinese text (0.6 against 1.2 ms per MB of prose).
_CANDIDATE_BYTES = bytes(
    ord("d" if "0" <= c <= "9" else "s" if c in " -" else "x" if c in "Xx" else "o")
    for c in map(chr, range(256))
)
_CANDIDATE_BYTES_RE = re.compile(rb"d[ds]{9,}[dx]")
_CONTEXT = 4

# What the words before a number say it is. The nearest word wins; on a tie the
# longer (证件编号 is an ID word although it ends in 编号).
ID_WORDS = (
    "身份证", "身份号码", "公民身份号码", "证件号", "证件编号", "证件号码", "身份证号", "居住证",
)  # fmt: skip
CARD_WORDS = ("银行卡", "卡号", "储蓄卡", "借记卡", "信用卡", "社保卡", "银行账号", "银行帐号")
ACCOUNT_WORDS = ("账号", "帐号", "账户", "帐户", "开户")
CODE_WORDS = (
    "编号", "编码", "索引号", "文号", "字号", "代码", "信用代码", "识别号", "订单号", "单号",
    "流水号", "批号", "批准号", "登记号", "备案号", "许可证号", "证书号", "序列号", "型号",
    "条码", "条形码", "案号", "合同号", "项目号", "标段号", "〔",
)  # fmt: skip
# Words that introduce a phone number: they name no code, so a 编号 further back is no veto.
PHONE_WORDS = ("电话", "手机", "联系方式", "手机号", "手机号码")
PASSPORT_WORDS = ("护照",)
HKMO_WORDS = ("港澳居民来往内地通行证", "回乡证", "港澳通行证", "来往内地通行证", "港澳居民")
TW_WORDS = ("台湾居民来往大陆通行证", "台胞证", "来往大陆通行证", "台湾居民")
PLATE_WORDS = ("车牌", "号牌", "车辆", "牌照", "车主", "机动车", "轿车", "货车", "驾驶")
_CONTEXT_WIDTH = 20
# A naming word speaks for the number in its own comma-clause only.
_CLAUSE_ENDS = "。；！？!?;\n，,"

# Numbers without a check character, reported only after a word that names them.
_NAMED_NUMBERS = {
    "passport": (
        PASSPORT_WORDS,
        PASSPORT_RE,
        "privacy:passport",
        "删除或遮盖护照号码（保留首字母和后2位）",
        "护照号码格式（E或G加8位数字，或EA式）",
    ),
    "hk-macao": (
        HKMO_WORDS,
        HKMO_PERMIT_RE,
        "privacy:hk-macao-permit",
        "删除或遮盖通行证号码（保留首字母和后2位）",
        "港澳居民来往内地通行证号码格式（H或M加8位或10位数字）",
    ),
    "taiwan": (
        TW_WORDS,
        TW_PERMIT_RE,
        "privacy:taiwan-permit",
        "删除或遮盖通行证号码（保留后2位）",
        "台湾居民来往大陆通行证号码格式（8位数字）",
    ),
}
_NAMING_KIND = {w: kind for kind, spec in _NAMED_NUMBERS.items() for w in spec[0]} | {
    w: "plate" for w in PLATE_WORDS
}
# One alternation finds every naming word: about 4x faster than a str.find per word.
_NAMING_RE = re.compile("|".join(sorted(_NAMING_KIND, key=len, reverse=True)))

# Addresses of government bodies are published on purpose.
PUBLIC_EMAIL_SUFFIXES = (".gov.cn",)

Free = Callable[[int, int], bool]
Add = Callable[[int, int, str, str, str, str], None]

_ID_SUGGESTION = "删除或遮盖身份证号码（保留前2位和后3位）"


def id18_checksum_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check character of GB 11643 (separators already removed)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return id18_check_char(number[:17]) == number[17].upper()


def id18_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id18_shape_ok(number: str) -> bool:
    """A known region prefix and a real birth date between 1900 and today."""
    return (
        len(number) == 18
        and number[:17].isdigit()
        and number[:2] in _ID_PROVINCES
        and _valid_birth(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    )


def id18_valid(number: str) -> bool:
    """Check character, region prefix and a real birth date not in the future."""
    return id18_checksum_ok(number) and id18_shape_ok(number)


def id15_valid(number: str) -> bool:
    """Old 15-digit numbers (before 1999) have no check digit: region and date are all we test."""
    if len(number) != 15 or not number.isdigit() or number[:2] not in _ID_PROVINCES:
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


def card_issuer(digits: str) -> str:
    """The card network of a number's prefix, or "" when the prefix is not a known one.

    The prefixes of the networks Chinese banks issue cards in, at the lengths
    each network uses: China UnionPay 62 (16–19 digits), Visa 4 (16 or 19),
    Mastercard 51–55 and 2221–2720 (16), JCB 3528–3589 (16).
    """
    n = len(digits)
    if digits.startswith("62") and 16 <= n <= 19:
        return "银联"
    if digits.startswith("4") and n in (16, 19):
        return "Visa"
    if n == 16 and (
        digits[:2] in ("51", "52", "53", "54", "55") or 2221 <= int(digits[:4]) <= 2720
    ):
        return "万事达"
    if n == 16 and 3528 <= int(digits[:4]) <= 3589:
        return "JCB"
    return ""


def _looks_like_amount(text: str, start: int, end: int) -> bool:
    after = text[end : end + 2].lstrip()
    before = text[max(0, start - 1) : start]
    return after.startswith(_AMOUNT_AFTER) or before in _AMOUNT_BEFORE


def _clause_before(text: str, start: int, width: int = _CONTEXT_WIDTH) -> str:
    """Up to ``width`` characters before ``start``, not reaching back past a clause end."""
    window = text[max(0, start - width) : start]
    cut = max(window.rfind(c) for c in _CLAUSE_ENDS)
    return window[cut + 1 :]


_KINDS = (
    ("id", ID_WORDS),
    ("card", CARD_WORDS),
    ("account", ACCOUNT_WORDS),
    ("code", CODE_WORDS),
    ("phone", PHONE_WORDS),
)


def context_before(text: str, start: int) -> tuple[str, str]:
    """(kind, word) of the nearest naming word before ``start`` in its clause, or ("", "")."""
    window = _clause_before(text, start)
    best: tuple[int, int, str, str] = (-1, 0, "", "")
    for kind, words in _KINDS:
        for word in words:
            at = window.rfind(word)
            if at >= 0:
                key = (at + len(word), len(word), kind, word)
                if key[:2] > best[:2]:
                    best = key
    return best[2], best[3]


def _word_near(text: str, start: int, end: int, words: Iterable[str], before: int = 24) -> str:
    """A word of ``words`` in the clause before ``start`` or in the few characters after ``end``."""
    window = _clause_before(text, start, before)
    for word in words:
        if word in window:
            return word
    after = text[end : end + 6]
    for ch in _CLAUSE_ENDS:
        after = after.split(ch, 1)[0]
    for word in words:
        if word in after:
            return word
    return ""


def _separator_note(value: str) -> str:
    if " " in value:
        return "以空格分隔"
    if "-" in value:
        return "以连字符分隔"
    return "连续书写"


def _digits(value: str) -> str:
    return re.sub(r"[^0-9Xx]", "", value)


def find_privacy(folded: str, *, email: bool = True, addresses: bool = False) -> list[Finding]:
    """Privacy findings in ``folded`` text; a span is claimed by the first rule that fits."""
    findings: list[Finding] = []
    # Claimed spans never overlap, so sorted by start they are sorted by end too: one
    # bisection finds the only span that can overlap a new one (a text full of numbers
    # would otherwise cost a scan of every claimed span per candidate).
    starts: list[int] = []
    ends: list[int] = []

    def free(s: int, e: int) -> bool:
        i = bisect_left(starts, e)
        return i == 0 or ends[i - 1] <= s

    def add(s: int, e: int, severity: str, suggestion: str, rule: str, reason: str) -> None:
        i = bisect_left(starts, s)
        starts.insert(i, s)
        ends.insert(i, e)
        findings.append(Finding(PRIVACY, severity, s, e, folded[s:e], suggestion, rule, reason))

    projected = folded.replace("\uff0d", "-").encode("ascii", "replace").translate(_CANDIDATE_BYTES)
    regions = [
        (max(0, m.start() - _CONTEXT), min(len(folded), m.end() + _CONTEXT))
        for m in _CANDIDATE_BYTES_RE.finditer(projected)
    ]

    def matches(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        for a, b in regions:
            yield from pattern.finditer(folded, a, b)

    _find_ids(folded, matches(ID18_RE), matches(ID15_RE), free, add)
    named = _named_places(folded)
    _find_context_numbers(folded, named, free, add)
    for m in matches(CARD_RE):
        if free(*m.span()) and not _looks_like_amount(folded, *m.span()):
            verdict = _card_verdict(folded, m)
            if verdict:
                add(
                    *m.span(),
                    verdict[0],
                    "删除或遮盖银行卡号（仅保留后4位）",
                    "privacy:bank-card",
                    verdict[1],
                )
    for m in matches(MOBILE_RE):
        if free(*m.span()) and not _looks_like_amount(folded, *m.span()):
            kind, word = context_before(folded, m.start())
            if kind == "code":
                continue
            add(
                *m.span(),
                WARNING,
                "确认是否应公开该手机号码，必要时遮盖中间4位",
                "privacy:mobile",
                "11位手机号码（1开头，第二位3–9）" + (f"，前文有“{word}”" if word else ""),
            )
    _find_plates(folded, named.get("plate", []), findings, free, add)
    if email:
        _find_emails(folded, free, add)
    if addresses:
        _find_addresses(folded, free, add)
    findings.sort(key=lambda f: f.start)
    return findings


def _find_ids(
    folded: str,
    id18s: Iterator[re.Match[str]],
    id15s: Iterator[re.Match[str]],
    free: Free,
    add: Add,
) -> None:
    for m in id18s:
        if not free(*m.span()):
            continue
        value = _digits(m.group())
        how = _separator_note(m.group())
        if id18_valid(value):
            region = _RESIDENCE_PERMIT_PREFIXES.get(value[:6])
            if region:
                add(
                    *m.span(),
                    BLOCKING,
                    "删除或遮盖居住证号码（保留前2位和后3位）",
                    "privacy:residence-permit",
                    f"港澳台居民居住证号码（{value[:6]}开头，{region}居民），校验位正确，{how}",
                )
            else:
                add(
                    *m.span(),
                    BLOCKING,
                    _ID_SUGGESTION,
                    "privacy:id18",
                    f"18位身份证号，校验位正确，{how}",
                )
            continue
        if not id18_shape_ok(value):
            continue
        kind, word = context_before(folded, m.start())
        if kind == "id":
            expected = id18_check_char(value[:17])
            add(
                *m.span(),
                WARNING,
                "核对该号码；若是身份证号，删除或遮盖（保留前2位和后3位）",
                "privacy:id18-checksum",
                f"前文有“{word}”，18位号码形似身份证号（出生日期有效）但校验位不符"
                f"（应为{expected}），可能录错，{how}",
            )
    for m in id15s:
        if not (free(*m.span()) and id15_valid(m.group())):
            continue
        # No check digit: about 1 in 100 random 15-digit codes has a region and a date.
        kind, word = context_before(folded, m.start())
        if kind == "id":
            add(
                *m.span(),
                BLOCKING,
                _ID_SUGGESTION,
                "privacy:id15",
                f"前文有“{word}”，15位旧身份证号，地区码和出生日期有效",
            )
        elif kind != "code":
            add(
                *m.span(),
                WARNING,
                _ID_SUGGESTION,
                "privacy:id15",
                "15位号码形似旧身份证号（地区码和出生日期有效，旧号码无校验位）",
            )


def _card_verdict(folded: str, m: re.Match[str]) -> tuple[str, str] | None:
    """(severity, reason) for a card-shaped number, or None when it is not a card."""
    digits = _digits(m.group())
    if not (16 <= len(digits) <= 19 and digits.isdigit() and luhn_valid(digits)):
        return None
    kind, word = context_before(folded, m.start())
    if kind in ("code", "id"):
        return None
    if kind != "card" and len(digits) == 18 and id18_shape_ok(digits):
        # An ID number with one wrong digit (Gansu numbers start with 62 too).
        return None
    issuer = card_issuer(digits)
    base = f"{len(digits)}位数字，Luhn校验通过"
    if kind == "card":
        return BLOCKING, f"前文有“{word}”，{base}"
    if issuer == "银联":
        # 1 random number in 1,000 has a 62 prefix and a valid Luhn digit.
        return BLOCKING, f"{base}，号段属{issuer}卡（{digits[:2]}开头）" + (
            f"，前文有“{word}”" if word else ""
        )
    if issuer:
        # A 4 or 5 prefix with a valid Luhn digit: 1 random 16-digit number in 100 each.
        return WARNING, f"{base}，号段属{issuer}卡（{digits[:2]}开头），无“卡号”等字样，请核对" + (
            f"，前文有“{word}”" if word else ""
        )
    if kind == "account":
        # 账号/开户 also introduce a body's own bank account, published for fees.
        return WARNING, f"前文有“{word}”，{base}；可能是个人银行卡，也可能是单位对公账户"
    return None


def _named_places(folded: str) -> dict[str, list[tuple[int, str]]]:
    """(end offset, word) of every word that names a passport, a permit or a vehicle, by kind."""
    places: dict[str, list[tuple[int, str]]] = {}
    for m in _NAMING_RE.finditer(folded):
        places.setdefault(_NAMING_KIND[m.group()], []).append((m.end(), m.group()))
    return places


def _find_context_numbers(
    folded: str, named: dict[str, list[tuple[int, str]]], free: Free, add: Add
) -> None:
    """Passports and permits: no check character, so only just after a word that names them."""
    for kind, (words, pattern, rule, suggestion, what) in _NAMED_NUMBERS.items():
        for end, word in named.get(kind, ()):
            for m in pattern.finditer(folded, end, min(len(folded), end + _CONTEXT_WIDTH)):
                if free(*m.span()) and _word_near(folded, m.start(), m.end(), words):
                    add(*m.span(), BLOCKING, suggestion, rule, f"前文有“{word}”，{what}")


def _find_plates(
    folded: str, named: list[tuple[int, str]], findings: list[Finding], free: Free, add: Add
) -> None:
    """Plates near a vehicle word, or on a line that holds other personal data (a list of people)."""
    windows = [
        (max(0, end - len(word) - 12), min(len(folded), end + _CONTEXT_WIDTH), word)
        for end, word in named
    ]
    # The line around each personal finding (at most 200 characters each side), merged.
    lines: list[tuple[int, int]] = []
    for f in sorted(findings, key=lambda f: f.start):
        if f.rule == "privacy:email":
            continue
        a = max(folded.rfind("\n", max(0, f.start - 200), f.start) + 1, f.start - 200)
        b = folded.find("\n", f.end, f.end + 200)
        b = b if b >= 0 else min(len(folded), f.end + 200)
        if lines and a <= lines[-1][1]:
            lines[-1] = (lines[-1][0], max(b, lines[-1][1]))
        else:
            lines.append((a, b))
    windows += [(a, b, "") for a, b in lines]
    for a, b, word in windows:
        for m in PLATE_RE.finditer(folded, a, b):
            if not free(*m.span()) or sum(c.isdigit() for c in m.group()) < 3:
                continue
            if word:
                near = _word_near(folded, m.start(), m.end(), PLATE_WORDS)
                if not near:
                    continue
                reason = f"“{near}”附近的车牌号码格式（省简称、发牌机关代号和5位或6位字母数字）"
            else:
                reason = "车牌号码与其他个人信息在同一行（人员名单）"
            add(
                *m.span(),
                WARNING,
                "确认是否应公开该车牌号码；涉及个人的，遮盖中间字符",
                "privacy:plate",
                reason,
            )


def _find_emails(folded: str, free: Free, add: Add) -> None:
    at = folded.find("@")
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
            add(
                *m.span(),
                INFO,
                "确认是否应公开该电子邮箱地址",
                "privacy:email",
                "个人电子邮箱地址（非.gov.cn）",
            )
        at = folded.find("@", at + 1)


def _find_addresses(folded: str, free: Free, add: Add) -> None:
    for m in ADDRESS_TAIL_RE.finditer(folded):
        start = m.start()
        while start > max(0, m.start() - _ADDRESS_REACH) and (
            "\u4e00" <= folded[start - 1] <= "\u9fff" or folded[start - 1].isdigit()
        ):
            start -= 1
        prefix = folded[start : m.start()]
        for word in _ADDRESS_LEAD_WORDS:
            at = prefix.rfind(word)
            if at >= 0:
                prefix = prefix[at + len(word) :]
                break
        start = m.start() - len(prefix)
        tail = m.group()
        room = _ADDRESS_ROOM_RE.search(tail)
        if not (room or _ADDRESS_ADMIN_RE.search(prefix)) or not prefix or not free(start, m.end()):
            continue
        if room:
            add(
                start,
                m.end(),
                WARNING,
                "确认是否应公开该住址，必要时隐去门牌号和室号",
                "privacy:address",
                "含门牌号和楼栋、单元或室号的地址",
            )
        else:
            add(
                start,
                m.end(),
                INFO,
                "确认是否应公开该地址的门牌号",
                "privacy:address",
                "含行政区划和门牌号的地址",
            )


def _is_code_char(c: str) -> bool:
    """A letter or digit of a number, half- or full-width (not an ideograph)."""
    return (c.isascii() and c.isalnum()) or "\uff10" <= c <= "\uff5a"


def mask_value(rule: str, value: str) -> str:
    """Mask one privacy value the way disclosure rules usually show them."""
    chars = list(value)
    positions = [i for i, c in enumerate(chars) if _is_code_char(c)]
    if rule.startswith("privacy:id") or rule == "privacy:residence-permit":
        keep = set(positions[:2] + positions[-3:])
    elif rule == "privacy:bank-card":
        keep = set(positions[-4:])
    elif rule == "privacy:mobile":
        # 138****1234: the last 11 digits are the number, a +86 prefix is kept.
        number = positions[-11:]
        keep = set(positions[:-11]) | set(number[:3]) | set(number[-4:])
    elif rule in ("privacy:passport", "privacy:hk-macao-permit"):
        keep = set(positions[:1] + positions[-2:])
    elif rule == "privacy:taiwan-permit":
        keep = set(positions[-2:])
    elif rule == "privacy:plate":
        # 京A***45: the province character and the office letter stay.
        keep = set(positions[:1] + positions[-2:])
    elif rule == "privacy:address":
        return re.sub(r"[0-9\uff10-\uff19]", "*", value)
    elif rule == "privacy:email":
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if local else value
    else:
        return value
    return "".join(c if (i in keep or not _is_code_char(c)) else "*" for i, c in enumerate(chars))


def mask_text(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every privacy finding masked."""
    out = text
    # From the end, so a mask of another length does not shift the spans still to do.
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        if f.category == PRIVACY:
            out = out[: f.start] + mask_value(f.rule, text[f.start : f.end]) + out[f.end :]
    return out
