"""The one interface every notifier has: ``send(message, event_text) -> receipt id``.

A notifier raises `NotifyError` when the notice did not go out; the task in
`desk/notify/tasks.py` records it and retries. Adding a notifier means
copying `email.py` or `sms.py` and naming it in `NOTIFIERS`
(desk/notify/__init__.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from govmedia.desk.models import Message


class NotifyError(Exception):
    """The notice was not sent; the text says why (shown to staff in the timeline)."""


class Notifier(Protocol):
    via: str  # the value of Message.notify_by it serves
    label: str  # Chinese, for the timeline

    def address(self, message: Message) -> str: ...

    def send(self, message: Message, event_text: str, *, out_id: str = "") -> str: ...
