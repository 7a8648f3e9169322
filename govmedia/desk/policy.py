"""Deadlines per kind of message, in working days: configurable defaults.

`GOVMEDIA_DESK_DEADLINES` overrides any of them ("consult=3,complaint=10");
docs/desk.md names the source of each default. The disclosure figures are the
law's (《政府信息公开条例》 第三十、三十二、三十三条); the others are the
platform's sensible defaults, to be set by each government.
"""

from __future__ import annotations

from django.conf import settings

from govmedia.desk.models import Kind

DEFAULT_DEADLINES: dict[str, int] = {
    Kind.CONSULT: 3,
    Kind.ERROR: 3,
    Kind.HELP: 5,
    Kind.COMPLAINT: 10,
    Kind.SUGGESTION: 15,
    Kind.DISCLOSURE: 20,
}
DISCLOSURE_EXTENSION_MAX = 20  # 第三十三条: extended once, by at most 20 working days
CORRECTION_NOTICE_DAYS = 7  # 第三十条: a 补正 notice within 7 working days of receipt
CONSULTATION_REPLY_DAYS = 15  # 第三十二条: the third party answers within 15 working days
FOLLOW_UP_DAYS = 5  # a bad rating's follow-up (回访), the platform's default
REMIND_BEFORE_DAYS = 1  # a reminder this many working days before the deadline


def deadline_days(kind: str) -> int:
    overrides: dict[str, int] = getattr(settings, "GOVMEDIA_DESK_DEADLINES", {}) or {}
    return int(overrides.get(kind, DEFAULT_DEADLINES[kind]))
