"""One shape for the audit record of a state change: who, when, what, from which state to which.

The record is Wagtail's own log (`wagtail.log_actions.log`): a page's entries
show in its history, any other model's in its history view when it has one,
and all of them in 报告 → 站点历史 (Reports → Site history). This module only
fixes the data shape, so every app's entries read alike:
`{"from": <state before>, "to": <state after>, ...details}`, states as the
labels people see ("在用", "示例市教育局·编辑"), "" for "nothing".

Who: the `user` given, else the user of Wagtail's log context, which Wagtail
opens for every admin request; commands and the worker log as the system.
Each action name used here must be registered in the app's
`register_log_actions` hook with a `StateChangeFormatter`, or Wagtail's
reports cannot label it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from wagtail.log_actions import LogFormatter, log

NOTHING = "无"


def log_state_change(
    instance: Model,
    action: str,
    *,
    before: str,
    after: str,
    user: Any = None,
    **details: Any,
) -> None:
    """Write one audit entry for `instance` moving from `before` to `after`."""
    log(instance=instance, action=action, user=user, data={"from": before, "to": after, **details})


class StateChangeFormatter(LogFormatter):
    """Shows an entry as "<label>：<before> → <after>", with an optional detail line."""

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        message = f"{self.label}：{data.get('from') or NOTHING} → {data.get('to') or NOTHING}"
        detail = self.detail(data)
        return f"{message}（{detail}）" if detail else message

    def detail(self, data: dict[str, Any]) -> str:
        return ""
