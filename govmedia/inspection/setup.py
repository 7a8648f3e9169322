"""Watching a channel: the Source behind it, made from the channel's address.

``watch_channel`` fetches the channel's URL once: a feed (RSS/Atom) becomes
a feed source; any other page a column source with the selectors that
sources' ``guess_selectors`` proposes (the person can correct them in the
admin). A channel without an address (an account known only by its id, read
from exported tables) is watched without a source until one is given; our
own portal's columns may be judged on our published items instead.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from govmedia.inspection.models import ColumnType, WatchedChannel
from govmedia.orgs.models import Channel, ChannelKind

GUESS_FAILED = "无法从该页面识别信息列表，请在信息源中手工填写 CSS 选择器。"


def guess_column_type(channel: Channel) -> str:
    if channel.kind != ChannelKind.WEBSITE_COLUMN:
        return ColumnType.NEW_MEDIA
    name = channel.name
    for words, column_type in (
        (("首页",), ColumnType.HOME),
        (("动态", "要闻", "新闻"), ColumnType.NEWS),
        (("通知", "公告"), ColumnType.NOTICE),
        (("政策", "文件"), ColumnType.POLICY),
        (("互动", "留言", "信箱", "咨询"), ColumnType.INTERACTION),
    ):
        if any(word in name for word in words):
            return column_type
    return ColumnType.OTHER


def source_config_for(url: str, fetcher: Any) -> tuple[str, dict[str, Any], str]:
    """(kind, config, note) for the page at `url`: a feed, or a column with guessed selectors."""
    from govmedia.sources.models import Kind
    from govmedia.sources.readers import feed
    from govmedia.sources.readers.base import ReadError
    from govmedia.sources.readers.column import guess_selectors

    fetched = fetcher.get(url)
    head = fetched.content[:500].lstrip().lower()
    if fetched.content_type in ("application/rss+xml", "application/atom+xml") or head.startswith(
        (b"<?xml", b"<rss", b"<feed")
    ):
        try:
            feed.parse(fetched.text, source=url)
            return Kind.FEED, {}, ""
        except ReadError:
            pass
    guess = guess_selectors(fetched.text, fetched.url)
    if guess is None:
        return Kind.COLUMN, {}, GUESS_FAILED
    return (
        Kind.COLUMN,
        guess.config,
        f"已自动识别 {guess.count} 条信息，其中 {guess.dated} 条带日期。",
    )


def watch_channel(
    channel: Channel,
    *,
    column_type: str = "",
    fetcher: Any = None,
    config: dict[str, Any] | None = None,
    kind: str = "",
) -> tuple[WatchedChannel, str]:
    """Watch `channel`, making its Source from its URL; (watched channel, a note for the person)."""
    from govmedia.sources.models import Source
    from govmedia.sources.service import make_fetcher

    note = ""
    source = None
    if channel.url:
        if config is None:
            own = fetcher is None
            fetcher = fetcher or make_fetcher()
            try:
                kind, config, note = source_config_for(channel.url, fetcher)
            finally:
                if own:
                    fetcher.close()
        source = Source(
            name=f"{channel.department}·{channel.name}",
            kind=kind or "column",
            url=channel.url,
            config=config,
            every_minutes=max(60, min(24 * 60, channel.update_every_days * 60)),
        )
    with transaction.atomic():
        if source is not None:
            source.save()
        watched, _ = WatchedChannel.objects.update_or_create(
            channel=channel,
            defaults={"source": source, "column_type": column_type or guess_column_type(channel)},
        )
    return watched, note
