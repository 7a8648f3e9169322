"""What a channel already carries of an item: the basis of a 更正 post instead of a first post."""

from __future__ import annotations


def previous_delivery(item, channel):
    """The latest delivery of an earlier version of `item` still standing on `channel`, or None.

    A version counts when it was sent and not taken back (a withdrawal
    retracts every post, so a later publication is a first post again).
    "Earlier" is any revision other than the item's latest: the version being
    previewed or sent is the latest one.
    """
    from govmedia.publishing.models import Delivery, DeliveryStatus

    if channel is None or not item.pk:
        return None
    return (
        Delivery.objects.filter(
            page_id=item.pk, channel=channel, status=DeliveryStatus.SENT, retract_status=""
        )
        .exclude(revision_id=item.latest_revision_id)
        .order_by("-created_at")
        .first()
    )
