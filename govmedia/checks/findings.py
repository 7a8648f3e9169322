"""Findings: what the engine reports, and the constants that classify them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Categories, in the order reports list them.
SENSITIVE = "sensitive"
EXPRESSION = "expression"
LEADER = "leader"
TYPO = "typo"
PRIVACY = "privacy"
LINK = "link"
FORMAT = "format"
CATEGORIES: tuple[str, ...] = (SENSITIVE, EXPRESSION, LEADER, TYPO, PRIVACY, LINK, FORMAT)

# A list entry with this category suppresses matches it covers.
ALLOW = "allow"
LIST_CATEGORIES: tuple[str, ...] = (SENSITIVE, EXPRESSION, TYPO, ALLOW)

BLOCKING = "blocking"
WARNING = "warning"
INFO = "info"
SEVERITIES: tuple[str, ...] = (BLOCKING, WARNING, INFO)
SEVERITY_RANK = {BLOCKING: 0, WARNING: 1, INFO: 2}

CATEGORY_LABELS = {
    SENSITIVE: "敏感词",
    EXPRESSION: "错误或过时提法",
    LEADER: "领导姓名职务",
    TYPO: "错别字",
    PRIVACY: "隐私信息",
    LINK: "链接",
    FORMAT: "格式",
    ALLOW: "例外（允许）",
}
SEVERITY_LABELS = {BLOCKING: "阻断", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a text.

    ``start`` and ``end`` are code-point offsets into the text as given (for
    HTML, into its visible text), ``text`` is ``input[start:end]``. ``reason``
    says in Chinese why the rule fired, for the editor and the report.
    """

    category: str
    severity: str
    start: int
    end: int
    text: str
    suggestion: str
    rule: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        # Spelled out: dataclasses.asdict deep-copies and is ~10x slower on big reports.
        return {
            "category": self.category,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "suggestion": self.suggestion,
            "rule": self.rule,
            "reason": self.reason,
        }

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.start, self.end, SEVERITY_RANK.get(self.severity, 9), self.category)
