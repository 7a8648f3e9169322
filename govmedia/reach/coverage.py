"""Coverage of one release: which channels carried an item, and when each first did.

Read from publishing's records: a delivery that went out (sent, or sent and
later taken back) and a manual posting marked done with its address. The
opinion app calls `for_item(item)` for an incident's releases, to time the
response clock from the first channel that carried the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from govmedia.publishing.models import ChannelTodo, Delivery, DeliveryStatus, TodoKind, TodoStatus
from govmedia.reach.store import sent_time

PORTAL = "门户网站"


@dataclass(frozen=True)
class Carried:
    """One channel that carried the item."""

    channel_id: int | None  # None: the portal itself
    channel_name: str
    kind: str  # the channel kind ("wechat", "weibo" …), "portal" for the portal
    kind_label: str
    first_sent_at: datetime | None  # None: sent, but the time is not known
    external_url: str
    how: str  # "自动发布" or "人工发布"
    retracted: bool


def for_item(item) -> list[Carried]:
    """Every channel that carried `item` (any of its versions), earliest first."""
    page_id = getattr(item, "pk", item)
    found: dict[int | None, Carried] = {}
    deliveries = (
        Delivery.objects.filter(page_id=page_id)
        .filter(status__in=[DeliveryStatus.SENT, DeliveryStatus.RETRACTED])
        .select_related("channel")
        .order_by("created_at", "pk")
    )
    for d in deliveries:
        if d.publisher == "manual":
            continue  # posted by a person: its done to-do below says when and where
        if d.status == DeliveryStatus.RETRACTED and not (d.external_id or d.external_url):
            continue  # superseded before it was sent
        if d.channel is None and d.status != DeliveryStatus.SENT and not d.external_url:
            continue
        at = sent_time(d)
        entry = Carried(
            channel_id=d.channel_id,
            channel_name=str(d.channel.name) if d.channel else PORTAL,
            kind=d.channel.kind if d.channel else "portal",
            kind_label=str(d.channel.get_kind_display()) if d.channel else PORTAL,
            first_sent_at=at,
            external_url=d.external_url,
            how="自动发布",
            retracted=bool(d.retracted_at) or d.status == DeliveryStatus.RETRACTED,
        )
        _keep_first(found, entry)
    todos = ChannelTodo.objects.filter(
        page_id=page_id, kind=TodoKind.PUBLISH, status=TodoStatus.DONE
    ).select_related("channel")
    for t in todos:
        _keep_first(
            found,
            Carried(
                channel_id=t.channel_id,
                channel_name=str(t.channel.name),
                kind=t.channel.kind,
                kind_label=str(t.channel.get_kind_display()),
                first_sent_at=t.done_at,
                external_url=t.external_url,
                how="人工发布",
                retracted=False,
            ),
        )
    return sorted(
        found.values(),
        key=lambda c: (c.first_sent_at is None, c.first_sent_at or datetime.min, c.channel_name),
    )


def _keep_first(found: dict[int | None, Carried], entry: Carried) -> None:
    known = found.get(entry.channel_id)
    if known is None or (
        entry.first_sent_at is not None
        and (known.first_sent_at is None or entry.first_sent_at < known.first_sent_at)
    ):
        found[entry.channel_id] = entry


def first_sent_at(item) -> datetime | None:
    """When the first channel (the portal included) carried the item."""
    times = [c.first_sent_at for c in for_item(item) if c.first_sent_at]
    return min(times) if times else None
