"""Channel publishers: one module per channel kind, each with the same shape.

A publisher is a class with `name`, `publish(delivery, item) -> Receipt` and
`retract(delivery, item)`. It raises `PublishError` on a failure worth
retrying. Adding a channel means copying `portal.py` and registering it below.
"""

from __future__ import annotations

from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt
from govmedia.publishing.publishers.portal import PortalPublisher
from govmedia.publishing.publishers.webhook import WebhookPublisher
from govmedia.publishing.publishers.wechat import WeChatPublisher
from govmedia.publishing.publishers.weibo import WeiboPublisher

PUBLISHERS: dict[str, type[Publisher]] = {
    PortalPublisher.name: PortalPublisher,
    WeChatPublisher.name: WeChatPublisher,
    WeiboPublisher.name: WeiboPublisher,
    WebhookPublisher.name: WebhookPublisher,
}

# Channel kinds (orgs.ChannelKind) served by a publisher; others are synchronised by hand.
PUBLISHER_FOR_CHANNEL_KIND: dict[str, str] = {}


def _register_extra_publishers() -> None:
    """Publishers named in GOVMEDIA_EXTRA_PUBLISHERS (plug-in channels, the fault test)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    for path in getattr(settings, "GOVMEDIA_EXTRA_PUBLISHERS", []):
        publisher: type[Publisher] = import_string(path)
        PUBLISHERS[publisher.name] = publisher
        for kind in publisher.channel_kinds:
            PUBLISHER_FOR_CHANNEL_KIND[kind] = publisher.name


_register_extra_publishers()


def needs_manual_posting(channel) -> bool:
    """Whether an item chosen for `channel` must be posted there by a person."""
    return channel.kind not in PUBLISHER_FOR_CHANNEL_KIND


def get_publisher(name: str) -> Publisher:
    try:
        return PUBLISHERS[name]()
    except KeyError as exc:
        raise PublishError(f"no publisher named {name!r}") from exc


__all__ = [
    "PUBLISHERS",
    "PUBLISHER_FOR_CHANNEL_KIND",
    "Publisher",
    "PublishError",
    "Receipt",
    "get_publisher",
    "needs_manual_posting",
]
