"""Signals that cross between apps of the same floor without importing each other.

`public_content_changed`: something shown on the public site changed outside
publishing (an answered message of the citizen desk, its rating). Sent after
commit with ``item_ids``: the items whose own pages show it (may be empty).
The portal listens and purges its page cache (portal/cache.py); the sender
needs to know nothing of the portal.

`flush_starting`, `flush_finished`: the `flush` command (publishing's, which
lifts the archive's guards) is about to wipe every table of the database
``connection``, and has wiped them, in the same transaction. An app whose row
triggers would write during the wipe (the desk's statistics tallies) lifts
them on the first and puts them back on the second.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

public_content_changed = Signal()
flush_starting = Signal()
flush_finished = Signal()


def announce_public_change(sender: type, item_ids: Iterable[int] = ()) -> None:
    """Send `public_content_changed` once the current transaction commits."""
    ids = [pk for pk in item_ids if pk]
    transaction.on_commit(lambda: public_content_changed.send(sender=sender, item_ids=ids))
