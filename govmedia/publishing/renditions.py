"""Renditions: an item in each channel's own form, previewed, signed off and sent as signed off.

`Publisher.render(item, channel)` makes a rendition (JSON-safe data: a WeChat
article, a Weibo post, a webhook's JSON, a manual export). For the revision
that reaches the approval step one `ChannelRendition` is stored per chosen
channel (`ensure_renditions`), shown to the approver (`preview_url`, the
item's preview modes) and signed off with the item (`sign_off`): the sign-off
logs the renditions' SHA-256 and the sealed archive record carries them
(`archive_entries`). A publisher sends the stored content
(`rendition_for_delivery`).
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from govmedia.publishing import seal
from govmedia.publishing.models import ChannelRendition
from govmedia.publishing.publishers import PUBLISHERS, Publisher, publisher_name_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preview:
    label: str
    template: str


# How each publisher's rendition is previewed (the publisher's own
# `preview_label`/`preview_template` win): the mode's label in the editor's
# preview menu and the template that shows it as the channel would.
PREVIEWS: dict[str, Preview] = {
    "wechat": Preview("微信图文", "publishing/renditions/wechat.html"),
    "weibo": Preview("微博", "publishing/renditions/weibo.html"),
    "webhook": Preview("推送JSON", "publishing/renditions/json.html"),
    "manual": Preview("人工发布", "publishing/renditions/manual.html"),
}
JSON_PREVIEW = "publishing/renditions/json.html"


def publisher_for(channel) -> Publisher | None:
    """The publisher serving `channel` when it can render, else None."""
    name = publisher_name_for(channel)
    if name is None:
        return None
    publisher = PUBLISHERS[name]()
    return publisher if renders(publisher) else None


def renders(publisher: Publisher) -> bool:
    return type(publisher).render is not Publisher.render


def preview_for(publisher: Publisher) -> Preview:
    default = PREVIEWS.get(publisher.name, Preview(publisher.label, JSON_PREVIEW))
    return Preview(
        publisher.preview_label or default.label, publisher.preview_template or default.template
    )


def digest(content: dict) -> str:
    return seal.sha256_hex(seal.canonical_json(content))


def render(publisher: Publisher, item, channel) -> dict:
    """The publisher's rendition, made JSON-safe (what is stored is what was rendered)."""
    return json.loads(json.dumps(publisher.render(item, channel), ensure_ascii=False))


def channels_of(item) -> list:
    """The item's chosen channels that a publisher renders for, in a stable order."""
    channels = sorted(item.channels.all(), key=lambda channel: channel.pk or 0)
    return [channel for channel in channels if publisher_for(channel) is not None]


def preview_modes(item) -> list[tuple[str, str]]:
    """One preview mode per publisher of the item's chosen channels: (publisher name, label)."""
    modes: dict[str, str] = {}
    for channel in channels_of(item):
        publisher = publisher_for(channel)
        modes.setdefault(publisher.name, preview_for(publisher).label)
    return list(modes.items())


def ensure_renditions(revision) -> list[ChannelRendition]:
    """The stored renditions of `revision` for its chosen channels, made for those missing.

    A rendering that fails is logged and left out: the approval screen says
    which channel has none, and the sender renders again (and retries) later.
    """
    item = revision.as_object()
    stored = {r.channel_id: r for r in ChannelRendition.objects.filter(revision=revision)}
    result = []
    for channel in channels_of(item):
        if channel.pk in stored:
            result.append(stored[channel.pk])
            continue
        publisher = publisher_for(channel)
        try:
            content = render(publisher, item, channel)
        except Exception:
            logger.exception("rendering item %s for channel %s failed", item.pk, channel.pk)
            continue
        result.append(_store(revision, channel, publisher.name, content))
    return result


def _store(revision, channel, publisher_name: str, content: dict) -> ChannelRendition:
    try:
        with transaction.atomic():
            return ChannelRendition.objects.create(
                page_id=revision.object_id,
                revision=revision,
                channel=channel,
                publisher=publisher_name,
                content=content,
                sha256=digest(content),
            )
    except IntegrityError:
        # Made at the same moment by another request: theirs is the one.
        return ChannelRendition.objects.get(revision=revision, channel=channel)


def sign_off(item, revision, user) -> list[ChannelRendition]:
    """The approver signs off the renditions of `revision` with the item; audited with their hashes."""
    renditions = ensure_renditions(revision)
    now = timezone.now()
    ChannelRendition.objects.filter(pk__in=[r.pk for r in renditions]).update(
        signed_off_at=now, signed_off_by=user
    )
    if renditions:
        log(
            instance=item,
            action="govmedia.renditions_signed_off",
            user=user,
            revision=revision,
            data={"renditions": [entry(r) for r in renditions]},
        )
    return renditions


def entry(rendition: ChannelRendition) -> dict:
    """A rendition as the audit log and the archive keep it: which channel, which publisher, its hash."""
    return {
        "channel_id": rendition.channel_id,
        "channel": str(rendition.channel),
        "publisher": rendition.publisher,
        "sha256": rendition.sha256,
    }


def archive_entries(revision_id) -> list[dict]:
    """The signed-off renditions of a revision, for the sealed archive record's payload."""
    if not revision_id:
        return []
    rows = ChannelRendition.objects.filter(
        revision_id=revision_id, signed_off_at__isnull=False
    ).select_related("channel")
    return [entry(r) for r in rows]


def rendition_for_delivery(publisher: Publisher, delivery, item) -> dict:
    """What `publisher` sends for `delivery`: the stored rendition of its revision and channel."""
    channel = delivery.channel
    if channel is None:
        return publisher.render(item, channel)
    row = ChannelRendition.objects.filter(
        revision_id=delivery.revision_id, channel_id=channel.pk
    ).first()
    if row is not None:
        return row.content
    # None stored (the channel was chosen for an older revision, or the item
    # was published without a sign-off): render that revision now and keep it.
    revision = delivery.revision
    source = revision.as_object() if revision is not None else item
    content = render(publisher, source, channel)
    if revision is not None:
        _store(revision, channel, publisher.name, content)
    return content


def preview_url(rendition: ChannelRendition) -> str:
    from django.urls import reverse

    return reverse("publishing_rendition", args=[rendition.page_id, rendition.pk])


def weibo_length(text: str) -> int:
    """Length as Weibo counts it: a Chinese character is 1, two Latin characters are 1 (rounded up).

    The count the preview shows beside the limit; the Weibo publisher's own
    rendition may carry its count (`length`) and limit (`limit`), which win.
    """
    half = sum(1 for ch in text if ord(ch) < 128)
    return (len(text) - half) + (half + 1) // 2


def rendition_response(request, item, publisher_name: str, *, stored=None):
    """A page showing the item's renditions for one publisher as its channel would.

    `item` is the editor's unsaved preview (rendered now) unless `stored`
    names the stored renditions to show (the approver's links).
    """
    from django.http import Http404
    from django.template.response import TemplateResponse

    if publisher_name not in PUBLISHERS:
        raise Http404
    publisher = PUBLISHERS[publisher_name]()
    shown = []
    if stored is not None:
        for row in stored:
            shown.append(shown_rendition(item, row.channel, row.content, row.sha256, row))
    else:
        for channel in channels_of(item):
            if publisher_name_for(channel) != publisher_name:
                continue
            try:
                content = render(publisher, item, channel)
            except Exception as exc:
                logger.exception("preview of item %s for channel %s failed", item.pk, channel.pk)
                error = str(exc) or type(exc).__name__
                shown.append({"channel": channel, "error": error, "sha256": "", "row": None})
                continue
            shown.append(shown_rendition(item, channel, content, digest(content), None))
    preview = preview_for(publisher)
    context = {
        "item": item,
        "publisher": publisher,
        "preview": preview,
        "renditions": shown,
        "stored": stored is not None,
        "export_url": "",
    }
    return TemplateResponse(request, preview.template, context)


def shown_rendition(item, channel, content: dict, sha256: str, row) -> dict:
    from django.template.loader import render_to_string

    view = _view(content)
    text = view["text"]
    length = content.get("length")
    length = length if isinstance(length, int) else weibo_length(text)
    limit = content.get("limit") or content.get("max_length") or WEIBO_DEFAULT_LIMIT
    return {
        "channel": channel,
        "error": "",
        "content": content,
        "v": view,
        "json": json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True),
        "sha256": sha256,
        "row": row,
        # Weibo: the count shown beside the limit (the publisher's own when it gives one).
        "length": length,
        "limit": limit,
        "over": length - int(limit),
        # WeChat: the article as a reader's phone shows it, for a sandboxed frame.
        "article": render_to_string(
            "publishing/renditions/wechat_article.html",
            {"v": view, "channel": channel, "item": item},
        ),
    }


def _text(value) -> str:
    return "" if value is None else str(value)


def _view(content: dict) -> dict:
    """The fields the preview templates show, whatever a publisher's rendition calls them.

    WeChat: an article (`title`, `author`, `digest`, `content` HTML,
    `content_source_url`, `cover_url` or the publisher's `cover` resolved by
    `_cover_url`), alone or the first of `articles`; Weibo: `text` (or
    `status`), `image_url` or the Wagtail image `image_id`; manual: `title`, `text`, `link`,
    `images`, `checklist`. Absent fields are empty.
    """
    article = content
    articles = content.get("articles")
    if isinstance(articles, list) and articles and isinstance(articles[0], dict):
        article = articles[0]
    images = content.get("images")
    checklist = content.get("checklist")
    return {
        "title": _text(article.get("title")),
        "author": _text(article.get("author")),
        "digest": _text(article.get("digest")),
        "content": _text(article.get("content")),
        "content_source_url": _text(article.get("content_source_url")),
        "cover_url": _text(
            article.get("cover_url") or article.get("thumb_url") or _cover_url(article)
        ),
        "text": _text(content.get("text") or content.get("status")),
        "image_url": _text(
            content.get("image_url")
            or content.get("pic_url")
            or _image_url(content.get("image_id"), WEIBO_PREVIEW_FILTER)
        ),
        "link": _text(content.get("link") or content.get("url")),
        "images": images if isinstance(images, list) else [],
        "checklist": checklist if isinstance(checklist, list) else [],
    }


# The Weibo picture as the preview shows it (the post sends the original file).
WEIBO_PREVIEW_FILTER = "max-800x800"


def _image_url(image_id, spec: str) -> str:
    """The address of a Wagtail rendition of image `image_id`, or "" when there is none."""
    if not isinstance(image_id, int) or isinstance(image_id, bool):
        return ""
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return ""
    try:
        return image.get_rendition(spec).url
    except Exception:  # a missing or unreadable file: the preview goes without the picture
        logger.warning("no rendition %s of image %s for a preview", spec, image_id)
        return ""


def _cover_url(article: dict) -> str:
    """A WeChat rendition's cover (`cover`: `{"image_id": N}` or `{"default": true}`) as an address.

    The chosen image in the cover's own crop (the publisher's COVER_FILTER),
    else the first body image's address, else the default cover the
    publisher uploads (`publishers.wechat.default_cover`) as a data: URI.
    """
    cover = article.get("cover")
    if not isinstance(cover, dict):
        return ""
    from govmedia.publishing.publishers import wechat

    url = _image_url(cover.get("image_id"), wechat.COVER_FILTER)
    if url:
        return url
    images = article.get("images")
    if cover.get("image_id") is not None and isinstance(images, list):
        for image in images:
            if isinstance(image, dict) and image.get("src"):
                return str(image["src"])
    if cover.get("default") or cover.get("image_id") is not None:
        # The image is gone: the publisher falls back to the default cover too.
        try:
            data = wechat.default_cover()
        except OSError:
            logger.warning("the default WeChat cover cannot be read for a preview")
            return ""
        return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
    return ""


# Weibo's limit for a post's text when the Weibo rendition does not say (its
# `limit`): the open platform's statuses/share documentation allows at most 140
# Chinese characters in `status` (docs/channels.md; the Weibo publisher's figure wins).
WEIBO_DEFAULT_LIMIT = 140
