"""Personal data masked in everything the desk shows publicly (docs/desk-api.md).

The text of a message and its answer go through the content-check engine's
privacy rules (ID numbers with their checksum, mobile numbers, bank cards,
e-mail addresses, house numbers) and each finding is masked the way disclosure
rules usually show them (`checks.rules.privacy.mask_value`); a submitter's
name keeps its first character only. No Django here.
"""

from __future__ import annotations

from govmedia.checks.normalize import fold
from govmedia.checks.rules.privacy import find_privacy, mask_text


def mask_personal(text: str) -> str:
    """`text` with every ID, phone, card, e-mail and house number masked."""
    if not text:
        return text
    # fold() keeps every offset, so the findings' spans are the original text's.
    return mask_text(text, find_privacy(fold(text), addresses=True))


def mask_name(name: str) -> str:
    """王小明 → 王**; an organisation's name is public and kept."""
    name = name.strip()
    if not name:
        return ""
    if len(name) > 6 and any(
        w in name for w in ("公司", "中心", "协会", "学校", "医院", "委员会", "事务所")
    ):
        return name
    return name[0] + "*" * min(len(name) - 1, 2) if len(name) > 1 else "*"
