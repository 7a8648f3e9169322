"""The portal itself: Wagtail has made the page live; confirm it answers at its address."""

from __future__ import annotations

from django.conf import settings

from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt


def public_url(item) -> str:
    # The receipt is kept for ever: it must carry the address the public uses
    # (GOVMEDIA_SITE_URL), not whatever host name the Wagtail Site row holds.
    parts = item.get_url_parts()
    path = parts[2] if parts else item.url_path
    return f"{settings.SITE_URL}{path}"


class PortalPublisher(Publisher):
    name = "portal"
    label = "门户网站"
    supports_lookup = True

    def publish(self, delivery, item) -> Receipt:
        item.refresh_from_db(fields=["live", "url_path"])
        if not item.live:
            raise PublishError("the item is not live on the portal")
        return Receipt(external_id=item.index_number, external_url=public_url(item))

    def retract(self, delivery, item) -> None:
        # Unpublishing in Wagtail took the page off the portal and its feeds;
        # confirm it, so a retraction is never reported done while still public.
        item.refresh_from_db(fields=["live", "live_revision"])
        if item.live and item.live_revision_id == delivery.revision_id:
            raise PublishError("the item is still live on the portal")

    def lookup(self, delivery, item) -> Receipt | None:
        # The portal is our own database: the item is out when it is live.
        item.refresh_from_db(fields=["live", "url_path"])
        if not item.live:
            return None
        return Receipt(external_id=item.index_number, external_url=public_url(item))
