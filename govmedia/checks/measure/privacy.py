"""``govmedia check-eval privacy``: the privacy rules on a generated set of personal numbers.

The set is generated from a seed (same seed, same set): every kind of personal
number, valid and with a wrong check character, in every way of writing it
(whole, in groups with spaces or hyphens, in full-width characters), in short
Chinese sentences with and without a word that names it; and codes that look
like personal numbers but are not (编号, 索引号, 文号, 统一社会信用代码, amounts,
phone-like 项目编号, order numbers, dates, landlines); and made-up street
addresses (the engine runs with addresses on). All numbers are random: none
belongs to a real person.

Printed: recall per kind and way of writing, findings on numbers that must not
be reported, and false positives per look-alike kind. Goals: recall 100% on
valid personal numbers in every style, no blocking finding on an ID number
with a wrong check digit, no false positive on 编号, 索引号, 文号 and amounts.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO

from ..engine import Engine
from ..findings import BLOCKING, PRIVACY, Finding
from ..rules.privacy import id18_check_char, luhn_valid
from . import Goal, report_goals

NAME = "privacy"
HELP = (
    "recall and false positives of the privacy rules on a generated (seeded) set of "
    "personal numbers in every way of writing them, and of codes that look like them"
)

DEFAULT_SEED = 20261127
DEFAULT_PER_STYLE = 40

# Look-alike kinds that must never be reported (the goals); the others are printed.
STRICT_LOOKALIKES = ("编号", "索引号", "文号", "金额")

_REGIONS = ("110101", "310104", "440304", "510104", "620102", "370102", "130102", "650102")
_PERMIT_PREFIXES = ("810000", "820000", "830000")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
# Made-up place names for generated addresses.
_PLACES = ("示例", "东湖", "西山", "南岭", "北塘", "青石", "临江", "安平")
_ROADS = ("建设", "人民", "解放", "新华", "和平", "滨河", "文化", "工业")


@dataclass(frozen=True, slots=True)
class Case:
    """One sentence with one number in it, and the rule expected to report it ("" for none)."""

    kind: str  # the personal-number rule's short name, or a look-alike kind
    group: str  # "valid", "invalid", "no-context" or "look-alike"
    style: str
    text: str
    start: int
    end: int
    expect: str


# Sentences per kind: (with a naming word, without one).
_SENTENCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "id18": (
        (
            "申请人张某，身份证号{n}，现住示例市。",
            "公民身份号码：{n}",
            "经核实，其证件号码为{n}。",
            "合同编号HT-2024-001，乙方身份证号{n}",
        ),
        ("张某，男，{n}，汉族。", "名单：李某 {n} 示例村"),
    ),
    "id15": (
        ("身份证号码：{n}（旧证）", "原身份证号{n}"),
        ("王某，{n}，1985年迁入。", "名单：周某 {n}"),
    ),
    "residence-permit": (
        ("港澳台居民居住证号码：{n}", "持居住证（{n}）办理"),
        ("陈某，{n}，已登记。", "受理人 {n}"),
    ),
    "bank-card": (
        (
            "补贴发放至本人银行卡，卡号{n}。",
            "社保卡号：{n}",
            "请核对借记卡{n}是否正确。",
            "项目编号2024001，收款人银行卡号{n}",
        ),
        ("收款信息：{n}，户名王某。", "王某 {n} 已发放"),
    ),
    "mobile": (
        (
            "联系电话：{n}",
            "如有疑问请联系刘某，手机{n}。",
            "根据示政发〔2024〕12号文件，联系电话{n}。",
            "项目编号2024001，负责人手机{n}",
        ),
        ("刘某{n}", "报名：赵某 {n}"),
    ),
    "passport": (
        ("护照号码{n}", "持中华人民共和国护照（{n}）出境"),
        ("外籍人员{n}已离境", "证件{n}"),
    ),
    "hk-macao-permit": (
        ("港澳居民来往内地通行证号码：{n}", "持回乡证{n}入境"),
        ("黄某{n}", "证件{n}已核验"),
    ),
    "taiwan-permit": (
        ("台湾居民来往大陆通行证号码：{n}", "台胞证{n}"),
        ("林某{n}", "证件{n}已核验"),
    ),
    "plate": (
        ("车牌号码为{n}的小型汽车", "{n}号牌车辆违法停放", "机动车{n}已被拖移"),
        ("经查，{n}于3月5日到达", "编组{n}"),
    ),
    "address": (
        ("当事人住址：{n}", "家住{n}的李某"),
        ("送达至{n}。", "{n}"),
    ),
}

# Rule names of the kinds.
RULES = {kind: f"privacy:{kind}" for kind in _SENTENCES}
_CHECKSUM_RULE = "privacy:id18-checksum"
# Kinds without a check character are reported only next to a word that names them.
_NEEDS_CONTEXT = frozenset({"passport", "hk-macao-permit", "taiwan-permit", "plate"})


def _birth(rng: random.Random) -> str:
    day = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 70))
    return day.strftime("%Y%m%d")


def _id18(rng: random.Random, prefix: str, valid: bool) -> str:
    first = prefix + _birth(rng) + f"{rng.randrange(1000):03d}"
    check = id18_check_char(first)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return first + check


def _card(rng: random.Random, valid: bool) -> str:
    length = rng.choice((16, 17, 18, 19))
    body = "62" + "".join(rng.choice("0123456789") for _ in range(length - 3))
    good = next(d for d in "0123456789" if luhn_valid(body + d))
    return body + (good if valid else rng.choice([d for d in "0123456789" if d != good]))


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + _digits(rng, 9)


def _passport(rng: random.Random) -> str:
    form = rng.randrange(3)
    if form == 0:
        return "E" + _digits(rng, 8)
    if form == 1:
        return "E" + rng.choice("ABCDEFGH") + _digits(rng, 7)
    return "G" + _digits(rng, 8)


def _hkmo(rng: random.Random) -> str:
    return rng.choice("HM") + _digits(rng, rng.choice((8, 10)))


def _plate(rng: random.Random) -> str:
    head = rng.choice(_PROVINCES) + rng.choice(_PLATE_LETTERS)
    form = rng.randrange(3)
    if form == 0:
        tail = (
            rng.choice(_PLATE_LETTERS) + _digits(rng, 4) if rng.random() < 0.3 else _digits(rng, 5)
        )
    elif form == 1:
        tail = rng.choice("DF") + rng.choice(_PLATE_LETTERS + "0123456789") + _digits(rng, 4)
    else:
        tail = _digits(rng, 5) + rng.choice("DF")
    return head + tail


def _address(rng: random.Random) -> str:
    """A made-up street address with a house number, sometimes a building and a room."""
    place = rng.choice(_PLACES)
    head = rng.choice((f"{place}省{rng.choice(_PLACES)}市", f"{place}市", "")) + (
        f"{rng.choice(_PLACES)}区" if rng.random() < 0.7 else f"{rng.choice(_PLACES)}县"
    )
    street = (
        f"{rng.choice(_ROADS)}{rng.choice(('路', '街', '大道', '巷'))}{rng.randrange(1, 999)}号"
    )
    if rng.random() < 0.6:
        street += f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 2999)}室"
    return head + street


def _groups(value: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(value[at : at + size])
        at += size
    if at < len(value):
        parts.append(value[at:])
    return sep.join(p for p in parts if p)


# Ways of writing each kind: style -> how. Groups follow how each number is usually split.
_GROUPING = {
    "id18": (6, 8, 4),
    "residence-permit": (6, 8, 4),
    "bank-card": (4, 4, 4, 4),
    "mobile": (3, 4, 4),
    "plate": (2,),
}


def _styles(kind: str) -> tuple[str, ...]:
    if kind in _GROUPING:
        return ("none", "space", "hyphen", "full-width")
    return ("none", "full-width")


def write(kind: str, value: str, style: str) -> str:
    """``value`` written in ``style``: whole, grouped with spaces or hyphens, or full-width."""
    if style == "space":
        return _groups(value, _GROUPING[kind], " ")
    if style == "hyphen":
        return _groups(value, _GROUPING[kind], "-")
    if style == "full-width":
        return value.translate(_FULLWIDTH)
    return value


def _uscc(rng: random.Random, *, digits_only: bool = False) -> str:
    alphabet = "0123456789" if digits_only else _USCC_CHARS
    head = rng.choice(("91", "92", "11", "12", "52"))
    body = head + rng.choice(_REGIONS) + "".join(rng.choice(alphabet) for _ in range(9))
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def _lookalikes(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """(kind, sentence, number) for codes that must not be reported as personal data."""
    out: list[tuple[str, str, str]] = []
    year = lambda: str(rng.randrange(2015, 2027))  # noqa: E731
    for _ in range(count):
        # Numbers that a card or ID rule could mistake: Luhn-valid, 62-prefixed, 18 digits.
        luhn_code = _card(rng, True)
        long_code = _digits(rng, rng.choice((15, 16, 17, 18, 19)))
        for template in ("项目编号：{n}", "合同编号{n}", "编号为{n}的申请", "证书编号：{n}"):
            out.append(("编号", template, rng.choice((luhn_code, long_code))))
        out.append(("编号", "项目编号：{n}", _mobile(rng)))
        index = f"{_uscc(rng)}/{year()}-{rng.randrange(1, 99999):05d}"
        out.append(("索引号", "索引号：{n}", index))
        out.append(("索引号", "索引号 {n}", f"{_uscc(rng, digits_only=True)}/{year()}-00123"))
        number = f"{rng.choice('济青鲁示')}政{rng.choice(('发', '办发', '字'))}〔{year()}〕{rng.randrange(1, 200)}号"
        out.append(("文号", "根据{n}文件精神", number))
        out.append(("文号", "发文字号：{n}", f"第{rng.randrange(1, 999)}号"))
        out.append(("统一社会信用代码", "统一社会信用代码：{n}", _uscc(rng)))
        out.append(("统一社会信用代码", "统一社会信用代码 {n}", _uscc(rng, digits_only=True)))
        amount = f"{rng.randrange(1, 999)},{rng.randrange(1000):03d},{rng.randrange(1000):03d}.{rng.randrange(100):02d}"
        out.append(("金额", "合计{n}元", amount))
        out.append(("金额", "总投资{n}元", _mobile(rng)))
        out.append(("金额", "资金{n}万元", luhn_code))
        out.append(("金额", "收费￥{n}", luhn_code))
        # A long number with no word at all (a table cell): warnings are possible, not blocking.
        out.append(
            ("无字样长数字", "{n}", str(rng.randrange(1, 10)) + _digits(rng, rng.randrange(15, 19)))
        )
        out.append(("订单号", "订单号{n}", _digits(rng, rng.choice((19, 20, 22)))))
        out.append(("订单号", "交易流水号：{n}", luhn_code))
        day = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
        out.append(("日期", "于{n}施行", day.strftime("%Y年%m月%d日")))
        out.append(("日期", "批次{n}", day.strftime("%Y%m%d")))
        out.append(("令号与线路", "依据国务院令第{n}", f"{rng.randrange(100, 800)}号"))
        out.append(("令号与线路", "乘坐地铁{n}到达", f"{rng.randrange(1, 20)}号线"))
        out.append(("座机", "咨询电话：{n}", f"0{rng.randrange(10, 999)}-{_digits(rng, 8)}"))
    return out


def generate(seed: int = DEFAULT_SEED, per_style: int = DEFAULT_PER_STYLE) -> list[Case]:
    """The privacy set: ``per_style`` numbers per kind, group and style, and look-alikes."""
    rng = random.Random(seed)
    cases: list[Case] = []

    def add(kind: str, group: str, style: str, template: str, shown: str, expect: str) -> None:
        before, after = template.split("{n}")
        text = before + shown + after
        cases.append(Case(kind, group, style, text, len(before), len(before) + len(shown), expect))

    makers = {
        "id18": lambda valid: _id18(rng, rng.choice(_REGIONS), valid),
        "id15": lambda _valid: rng.choice(_REGIONS) + _birth(rng)[2:] + _digits(rng, 3),
        "residence-permit": lambda valid: _id18(rng, rng.choice(_PERMIT_PREFIXES), valid),
        "bank-card": lambda valid: _card(rng, valid),
        "mobile": lambda _valid: _mobile(rng),
        "passport": lambda _valid: _passport(rng),
        "hk-macao-permit": lambda _valid: _hkmo(rng),
        "taiwan-permit": lambda _valid: _digits(rng, 8),
        "plate": lambda _valid: _plate(rng),
        "address": lambda _valid: _address(rng),
    }
    for kind, (with_word, without_word) in _SENTENCES.items():
        for style in _styles(kind):
            for _ in range(per_style):
                value = makers[kind](True)
                shown = write(kind, value, style)
                add(kind, "valid", style, rng.choice(with_word), shown, RULES[kind])
                expect = "" if kind in _NEEDS_CONTEXT else RULES[kind]
                add(kind, "no-context", style, rng.choice(without_word), shown, expect)
                if kind in ("id18", "residence-permit", "bank-card"):
                    wrong = write(kind, makers[kind](False), style)
                    # A wrong check digit: a warning next to an ID word, nothing elsewhere.
                    expect = _CHECKSUM_RULE if kind != "bank-card" else ""
                    add(kind, "invalid", style, rng.choice(with_word), wrong, expect)
                    add(kind, "invalid", style, rng.choice(without_word), wrong, "")
    for kind, template, number in _lookalikes(rng, per_style):
        add(kind, "look-alike", "none", template, number, "")
    return cases


@dataclass(slots=True)
class Tally:
    cases: int = 0
    hits: int = 0  # the expected rule reported the number
    wrong: int = 0  # some other privacy finding on the sentence
    blocking: int = 0


def _privacy(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category == PRIVACY]


def measure(
    cases: list[Case], engine: Engine | None = None
) -> tuple[dict[tuple[str, str, str], Tally], list[str]]:
    """Tallies per (kind, group, style), and one line per case the rules got wrong."""
    # Addresses are off by default; on here, so the set also shows they add no false alarm.
    engine = engine or Engine(formatting=False, addresses=True)
    tallies: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    mistakes: list[str] = []
    for case in cases:
        found = _privacy(engine.check(case.text).findings)
        tally = tallies[(case.kind, case.group, case.style)]
        tally.cases += 1
        hit = [
            f for f in found if f.rule == case.expect and f.start < case.end and case.start < f.end
        ]
        others = [f for f in found if f not in hit]
        tally.hits += bool(hit) if case.expect else 0
        tally.wrong += bool(others)
        tally.blocking += any(f.severity == BLOCKING for f in found)
        if (case.expect and not hit) or others:
            got = ", ".join(f"{f.rule}:{f.text}" for f in found) or "nothing"
            mistakes.append(
                f"[{case.kind}/{case.group}/{case.style}] {case.text}: expected {case.expect or 'nothing'}, got {got}"
            )
    return tallies, mistakes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated set")
    parser.add_argument(
        "--per-style",
        type=int,
        default=DEFAULT_PER_STYLE,
        metavar="N",
        help="numbers per kind, group and way of writing (default %(default)s)",
    )
    parser.add_argument(
        "--show-mistakes", action="store_true", help="print every sentence the rules got wrong"
    )


def run(args: argparse.Namespace, out: IO[str]) -> int:
    if args.per_style < 1:
        print("govmedia check-eval privacy: --per-style must be at least 1", file=out)
        return 2
    cases = generate(args.seed, args.per_style)
    tallies, mistakes = measure(cases)
    print(
        f"privacy set: {len(cases)} sentences (seed {args.seed}, {args.per_style} per style)",
        file=out,
    )
    print(
        "| kind | group | style | sentences | expected reported | other findings | blocking |",
        file=out,
    )
    print("| --- | --- | --- | --- | --- | --- | --- |", file=out)
    for (kind, group, style), t in sorted(
        tallies.items(), key=lambda kv: (kv[0][1] == "look-alike", kv[0])
    ):
        print(
            f"| {kind} | {group} | {style} | {t.cases} | {t.hits} | {t.wrong} | {t.blocking} |",
            file=out,
        )
    if args.show_mistakes:
        for line in mistakes:
            print(f"  {line}", file=out)
    goals: list[Goal] = []
    for kind in _SENTENCES:
        expected = [c for c in cases if c.kind == kind and c.expect == RULES[kind]]
        for style in _styles(kind):
            keys = [
                (kind, g, style) for g in ("valid", "no-context") if (kind, g, style) in tallies
            ]
            total = sum(1 for c in expected if c.style == style)
            hits = sum(tallies[k].hits for k in keys)
            goals.append(
                Goal(
                    f"recall {kind} {style} (%)",
                    round(100 * hits / max(total, 1), 1),
                    100,
                    at_least=True,
                )
            )
    goals.append(
        Goal(
            "blocking findings on ID numbers with a wrong check digit",
            sum(
                t.blocking
                for (k, g, _s), t in tallies.items()
                if g == "invalid" and k != "bank-card"
            ),
            0,
        )
    )
    for kind in STRICT_LOOKALIKES:
        goals.append(
            Goal(
                f"false positives on {kind}",
                sum(
                    t.wrong for (k, g, _s), t in tallies.items() if k == kind and g == "look-alike"
                ),
                0,
            )
        )
    return report_goals(goals, out)
