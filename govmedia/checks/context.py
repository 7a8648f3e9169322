"""When a listed outdated name is legitimate, and why a list entry fired.

An outdated name (an ``expression`` entry with a ``since`` date: an agency
abolished by a reform, a disease renamed) is correct in three situations, and the
engine does not report it there:

1. **The document is older than the change**: its 成文日期 (``document_date``)
   falls before ``since``.
2. **It is marked as former**: 原, 前, 时任 or 当时的 right before the name,
   possibly with a place in between (原广东省食品药品监督管理局). 前 that ends a
   time word (目前, 此前, 之前, 以前, 当前 …) and 原 that ends a place name
   (平原, 中原, 太原 …) do not count.
3. **It is cited**: inside a document title 《…》, or followed in its clause by
   the marks of a citation of what the body issued (令第…号, 公告…第, 发布的,
   印发的, 颁布的, 〔year〕…, or 发布 ending the clause as in the issuing line
   "1982年2月4日 卫生部、交通部发布"; 发布 with an object, 银保监会发布风险提示,
   is present tense and does not count), or in a sentence that repeals something (废止, 同时失效,
   停止执行) — the lists of issuing bodies in "…发布的…同时废止" — or as a party
   in the name of a court case (张某诉某县国土资源局…案).

A typo key can also be correct in a known pattern: 既使 followed by 又 in its
sentence is 既……又…… (既使企业受益，又使群众满意), not a slip for 即使.

``reason`` gives the Chinese sentence every list finding carries.
"""

from __future__ import annotations

import re
from datetime import date

from .findings import CATEGORY_LABELS, EXPRESSION, SENSITIVE, TYPO
from .lists import ListEntry

LOOK_BACK = 16
LOOK_AHEAD = 40
TITLE_LOOK_BACK = 80

_CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
# 原/前 then, optionally, a place (广东省, 示例市某某区); a place has none of the
# function words that would make 原则上由市…, 前往市… or 前来县… read as one.
_PLACE = r"[^\s\W\d则上由在对向把被将的和与及或等经按据从为于是往来到去请]{0,8}?(?:省|市|县|区|州|盟|旗|镇|乡)"
_FORMER = re.compile(
    r"(?:(?<![平中草高太还复荒五九燕])原|(?<![目此之以当提事会日年月面向空眼生节跟门史])前|时任|当时的?)"
    rf"(?:{_PLACE})?$"
)
_CITATION = re.compile(
    r"令第|令〔|令\(|令（|号令|公告\d{4}年第|公告第|公告〔|〔\d{4}〕|\[\d{4}\]"
    r"|(?:发布|公布|印发|颁布|制定|批准)(?:的|\s|$)"
)
_REPEAL = re.compile(r"废止|同时失效|停止执行")
# Typo keys that are correct when followed by this in their sentence: 既使……又使…… is
# the 既……又…… pattern (既使企业受益，又使群众满意), not a mistake for 即使.
_CORRECT_BEFORE = {"既使": re.compile(r"[^。；;！？!?\n]{0,40}?又")}


def historical(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` is marked as former or cited (2 and 3 above)."""
    before = text[max(0, start - LOOK_BACK) : start]
    cut = max(before.rfind(c) for c in "，,。；;\n")
    if _FORMER.search(before[cut + 1 :]):
        return True
    opening = text.rfind("《", max(0, start - TITLE_LOOK_BACK), start)
    if opening >= 0 and "》" not in text[opening:start]:
        return True
    after = text[end : end + LOOK_AHEAD]
    clause = after[: m.start()] if (m := _CLAUSE_END.search(after)) else after
    if _CITATION.search(clause):
        return True
    if "诉" in before[cut + 1 :] and "案" in clause:
        return True
    sentence_start = max(
        (m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 200), start)), default=0
    )
    sentence_after = text[end : end + 200]
    m = _SENTENCE_END.search(sentence_after)
    sentence = text[max(sentence_start, start - 200) : start] + (
        sentence_after[: m.start()] if m else sentence_after
    )
    return bool(_REPEAL.search(sentence))


def context_exempt(
    text: str, start: int, end: int, entry: ListEntry, document_date: date | None
) -> bool:
    """Whether a list hit is legitimate in its context (see the module docstring)."""
    if entry.category == TYPO:
        correct = _CORRECT_BEFORE.get(entry.key)
        return bool(correct and correct.match(text, end))
    if entry.category != EXPRESSION or entry.since is None:
        return False
    if document_date is not None and document_date < entry.since:
        return True
    return historical(text, start, end)


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def reason(entry: ListEntry, document_date: date | None = None) -> str:
    """The Chinese sentence that says why a list entry fired."""
    sub = f"：{entry.subcategory}" if entry.subcategory else ""
    label = CATEGORY_LABELS.get(entry.category, entry.category)
    if entry.category == TYPO:
        fix = f"，应为“{entry.suggestion}”" if entry.suggestion else ""
        return f"列表词条“{entry.term}”（{label}{fix}）"
    if entry.category == EXPRESSION and entry.since is not None:
        text = f"“{entry.term}”自{chinese_date(entry.since)}起已不再使用（{entry.subcategory or label}）"
        if entry.suggestion:
            text += f"，现为“{entry.suggestion}”"
        if document_date is not None:
            text += f"；本文成文日期{chinese_date(document_date)}在此之后"
        return text
    if entry.category == SENSITIVE:
        return f"列表词条“{entry.term}”（{label}{sub}）"
    fix = f"，建议改为“{entry.suggestion}”" if entry.suggestion else ""
    return f"列表词条“{entry.term}”（{label}{sub}{fix}）"
