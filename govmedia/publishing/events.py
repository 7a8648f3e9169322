"""What publishing tells the rest of the house, once the transaction has committed.

Other apps (the portal's search index, later the inspection) subscribe to
these instead of Wagtail's page signals or publishing's internals. They are
sent after commit: a receiver never sees a publication that was rolled back,
and a receiver that fails cannot undo one that was sealed. A failing receiver
is logged and the others still run.

    item_published   sender=ItemPage, item=<the live ItemPage>, revision=<its Revision>
    item_withdrawn   sender=ItemPage, item=<the ItemPage, no longer live>
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

item_published = Signal()
item_withdrawn = Signal()


def send_on_commit(signal: Signal, item: Any, **kwargs: Any) -> None:
    """Send `signal` for `item` when the current transaction commits (at once outside one)."""

    def send() -> None:
        for receiver, result in signal.send_robust(sender=type(item), item=item, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "receiver %r of a publishing event failed for page %s",
                    receiver,
                    item.pk,
                    exc_info=result,
                )

    transaction.on_commit(send)
