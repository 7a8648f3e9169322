"""Personal data masked in everything the desk shows publicly.

The submitter's own fields are masked by kind (a name keeps its first
character: 张**; a phone its first three and last four digits; an e-mail its
first character and domain; an ID number its first two and last three
characters), and free text (title, body, answer) goes through the content
check's privacy rules, which find ID numbers by their check digit, mobile
numbers, bank cards by Luhn, e-mail addresses and the like, and mask each the
same way (checks/rules/privacy.py ``mask_text``). Plain Python: no Django.
"""

from __future__ import annotations

from govmedia.checks.normalize import fold
from govmedia.checks.rules.privacy import find_privacy, mask_text, mask_value


def mask_name(name: str) -> str:
    """张** for a person; an organisation's name likewise keeps only its first character."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * min(max(len(name) - 1, 2), 6)


def mask_phone(phone: str) -> str:
    digits = [i for i, c in enumerate(phone) if c.isdigit()]
    if len(digits) < 7:
        return "*" * len(phone)
    keep = set(digits[:3] + digits[-4:])
    return "".join(c if (i in keep or not c.isdigit()) else "*" for i, c in enumerate(phone))


def mask_email(email: str) -> str:
    return mask_value("privacy:email", email) if "@" in email else ""


def mask_id_number(number: str) -> str:
    return mask_value("privacy:id", number)


def mask_free_text(text: str, names: tuple[str, ...] = ()) -> str:
    """``text`` with every privacy finding of the content check masked, and the given names.

    ``names`` are the submitter's own (a person often signs the message or
    introduces themselves); a name of one character is left alone, it would
    mask every occurrence of a common character.
    """
    if not text:
        return text
    # The privacy rules run on the folded text, whose offsets are the original's.
    text = mask_text(text, find_privacy(fold(text), email=True))
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text
