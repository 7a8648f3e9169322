"""Channel publishers: one module per channel kind, each with the same shape.

A publisher is a class with `name`, `render(item, channel) -> dict`,
`publish(delivery, item) -> Receipt` and `retract(delivery, item)`. It raises
`PublishError` on a failure worth retrying. Adding a channel means copying
`portal.py`, registering it in `PUBLISHERS` below and naming it for its
channel kinds in `KIND_PUBLISHERS`.
"""

from __future__ import annotations

from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt
from govmedia.publishing.publishers.manual import ManualExportPublisher
from govmedia.publishing.publishers.portal import PortalPublisher
from govmedia.publishing.publishers.webhook import WebhookPublisher
from govmedia.publishing.publishers.wechat import WeChatPublisher
from govmedia.publishing.publishers.weibo import WeiboPublisher

PUBLISHERS: dict[str, type[Publisher]] = {
    PortalPublisher.name: PortalPublisher,
    WeChatPublisher.name: WeChatPublisher,
    WeiboPublisher.name: WeiboPublisher,
    WebhookPublisher.name: WebhookPublisher,
    ManualExportPublisher.name: ManualExportPublisher,
}

# Which publisher serves each channel kind (orgs.ChannelKind). A name not in
# PUBLISHERS (a publisher not installed) is left out below: the kind is then
# posted by hand, as a kind with no entry at all is.
KIND_PUBLISHERS: dict[str, str] = {
    "wechat": "wechat",
    "weibo": "weibo",
    "app": "webhook",
    "toutiao": "webhook",
    "douyin": ManualExportPublisher.name,
}

# Channel kinds served by an installed publisher; others are synchronised by hand.
PUBLISHER_FOR_CHANNEL_KIND: dict[str, str] = {
    kind: name for kind, name in KIND_PUBLISHERS.items() if name in PUBLISHERS
}


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


def publisher_name_for(channel) -> str | None:
    """The name of the publisher that serves `channel`, or None when it is posted by hand."""
    name = PUBLISHER_FOR_CHANNEL_KIND.get(channel.kind)
    return name if name in PUBLISHERS else None


def needs_manual_posting(channel) -> bool:
    """Whether an item chosen for `channel` must be posted there by a person.

    True for a kind without a publisher and for one served by the manual
    export publisher (抖音 …), which prepares the post but cannot make it.
    """
    return publisher_name_for(channel) in (None, ManualExportPublisher.name)


def get_publisher(name: str) -> Publisher:
    try:
        return PUBLISHERS[name]()
    except KeyError as exc:
        raise PublishError(f"no publisher named {name!r}") from exc


__all__ = [
    "KIND_PUBLISHERS",
    "PUBLISHERS",
    "PUBLISHER_FOR_CHANNEL_KIND",
    "ManualExportPublisher",
    "Publisher",
    "PublishError",
    "Receipt",
    "get_publisher",
    "needs_manual_posting",
    "publisher_name_for",
]
