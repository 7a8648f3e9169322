"""The portal itself: Wagtail has made the page live; confirm it answers at its address."""

from __future__ import annotations

from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt


class PortalPublisher(Publisher):
    name = "portal"
    label = "门户网站"
    supports_lookup = True

    def publish(self, delivery, item) -> Receipt:
        item.refresh_from_db(fields=["live", "url_path"])
        if not item.live:
            raise PublishError("the item is not live on the portal")
        return Receipt(external_id=item.index_number, external_url=item.full_url or item.url_path)

    def retract(self, delivery, item) -> None:
        # Unpublishing in Wagtail already took the page off the portal and its feeds.
        return None

    def lookup(self, delivery, item) -> Receipt | None:
        # The portal is our own database: the item is out when it is live.
        item.refresh_from_db(fields=["live", "url_path"])
        if not item.live:
            return None
        return Receipt(external_id=item.index_number, external_url=item.full_url or item.url_path)
