"""Confusions that a fixed list entry cannot express, found by their context.

- **截止 / 截至.** 截止 means "to end" (报名于5月1日截止, 截止日期, 截止时间);
  截至 means "up to" a point in time and takes a time after it. 截止 followed
  directly by a point in time (截止2024年底, 截止目前, 截止今年6月) should be 截至;
  so should 截止到 / 截止至 before an ongoing time (截止到目前, 截止至今). 截止到 or
  截止至 before a date (截止到5月31日) is accepted usage and is left alone, as is
  截止于 (著作权保护期截止于…).
- **〇 in written years** (a format rule, severity info, run only when
  formatting is checked): a year written in Chinese numerals uses 〇 for zero
  (二〇二四年), the form of GB/T 15835-2011 and of current official documents;
  二零二四年 is pointed out. Older texts (the 1990 Basic Law of Hong Kong, court
  interpretations of the 2000s) wrote 零, so it is only information.

Runs on the folded text (full-width digits already half-width). No Django import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import FORMAT, INFO, TYPO, WARNING, Finding

_TIME = (
    r"(?:目前|当前|现在|今天|今日|今年|去年|本年|上年|本月|上月|本季度|上半年|年底|年末|月底|发稿|"
    r"\d{1,4}\s*年|\d{1,2}\s*月|[〇零一二三四五六七八九]{2,4}年|[一二三四五六七八九十]{1,2}月)"
)
_ONGOING = r"(?:目前|当前|现在|今天|今日|今|发稿)"
_JIEZHI = re.compile(rf"截止(?={_TIME})|截止(?:到|至)(?={_ONGOING})")
_YEAR_WITH_LING = re.compile(r"[一二][零〇][零〇一二三四五六七八九]{2}(?=年)")


def find_confusions(folded: str, *, formatting: bool = True) -> list[Finding]:
    findings: list[Finding] = []
    if "截止" in folded:
        for m in _JIEZHI.finditer(folded):
            findings.append(
                Finding(
                    TYPO,
                    WARNING,
                    m.start(),
                    m.end(),
                    m.group(),
                    "截至",
                    "confusion:截止",
                    f"“{m.group()}”后接时间点，表示“到某时为止”应写“截至”（“截止”用于“报名于某日截止”“截止日期”）",
                )
            )
    if formatting and "零" in folded:
        for m in _years_with_ling(folded):
            findings.append(
                Finding(
                    FORMAT,
                    INFO,
                    m.start(),
                    m.end(),
                    m.group(),
                    m.group().replace("零", "〇"),
                    "confusion:year-zero",
                    f"年份“{m.group()}年”中的“零”应写作“〇”",
                )
            )
    return findings


def _years_with_ling(folded: str) -> Iterator[re.Match[str]]:
    """Matches of ``_YEAR_WITH_LING`` that hold a 零, in order.

    Searched only next to each 零 (a year holding one starts at most three
    characters before it): 一 and 二 are everywhere in Chinese prose, 零 is not.
    Two matches never overlap (each ends before a 年, which none can hold), so
    these are the matches a scan of the whole text would find.
    """
    last = -1
    at = folded.find("零")
    while at != -1:
        for m in _YEAR_WITH_LING.finditer(folded, max(0, at - 3), at + 5):
            if m.start() > last and "零" in m.group():
                last = m.start()
                yield m
        at = folded.find("零", at + 1)
