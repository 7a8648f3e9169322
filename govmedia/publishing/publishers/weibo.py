"""Weibo (微博): one post per item version, within the length limit, linking to the full item.

The rendition is the post's text: 【title】, the summary (or the body's text)
cut at a sentence boundary, and the item's public address (GOVMEDIA_SITE_URL,
which must be in the Weibo app's safe domain); the body's first image goes
with it as the picture. A correction of an item already on the account is a
new post beginning with 【更正】 that links to the corrected item: Weibo has
no edit in its open API, and a 更正 post is what the account's readers see
(the first post stays; deleting it would hide that there was an error).
A withdrawal deletes the post (statuses/destroy).

Never twice: after a send that may have gone out (a worker killed, a lost or
malformed answer, a 20019 repeated-content refusal) the account's timeline is
searched for the post before anything is sent again. docs/channel-weibo.md.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from html import unescape

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from govmedia.publishing.clients.weibo import (
    DEFAULT_API_BASE,
    PAGE_MAX,
    PIC_MAX_BYTES,
    WeiboClient,
    WeiboError,
    WeiboMalformedAnswer,
    WeiboNotFound,
    WeiboRateLimited,
    WeiboRepeatedContent,
    WeiboTokenError,
    WeiboUnavailable,
    parse_created_at,
    text_weight,
)
from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt
from govmedia.publishing.publishers.portal import public_url
from govmedia.publishing.publishers.previous import previous_delivery

logger = logging.getLogger(__name__)

CORRECTION_MARK = "【更正】"
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_IMAGE_EMBED = re.compile(r"<embed\b[^>]*\bembedtype=\"image\"[^>]*>")
_EMBED_ID = re.compile(r"\bid=\"(\d+)\"")
_LINK = re.compile(r"https?://\S+")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    return _SPACE.sub(" ", unescape(strip_tags(html))).strip()


def cut_to(text: str, budget: float) -> str:
    """`text` within `budget` 汉字, cut after the last whole sentence that fits (or with …)."""
    if text_weight(text) <= budget:
        return text
    fitting = ""
    for ch in text:
        if text_weight(fitting + ch) > budget - 1:  # room for the ellipsis
            break
        fitting += ch
    ends = list(_SENTENCE_END.finditer(fitting))
    if ends:
        return fitting[: ends[-1].end()]
    return fitting + "…" if fitting else ""


def first_image_id(body: str) -> int | None:
    embed = _IMAGE_EMBED.search(body or "")
    found = _EMBED_ID.search(embed.group(0)) if embed else None
    return int(found.group(1)) if found else None


def _comparable(text: str) -> str:
    # Weibo may shorten links (t.cn) and squeeze spaces: compare the words only.
    return _SPACE.sub("", _LINK.sub("", text))


def post_text(*, title: str, lead: str, link: str, correction: bool, limit: int) -> str:
    head = f"{CORRECTION_MARK}{title}：" if correction else f"【{title}】"
    tail = f" 全文：{link}"
    room = limit - text_weight(tail)
    if text_weight(head) > room:
        head = cut_to(head, room)
        return head + tail
    return head + cut_to(lead, room - text_weight(head)) + tail


class WeiboPublisher(Publisher):
    name = "weibo"
    label = "微博"
    channel_kinds = ("weibo",)
    supports_lookup = True
    can_retract = True
    can_correct = True

    # The rendition.

    def render(self, item, channel) -> dict:
        limit = settings.GOVMEDIA_WEIBO_TEXT_LIMIT
        link = public_url(item)
        correction = previous_delivery(item, channel) is not None
        if correction:
            lead = item.correction_note.strip() or item.summary.strip() or plain_text(item.body)
        else:
            lead = item.summary.strip() or plain_text(item.body)
        text = post_text(title=item.title, lead=lead, link=link, correction=correction, limit=limit)
        return {
            "text": text,
            "link": link,
            "image_id": first_image_id(item.body),
            "correction": correction,
            "length": text_weight(text),
            "limit": limit,
        }

    # The channel.

    def _client(self, channel) -> tuple[WeiboClient, dict]:
        from govmedia.publishing.credentials import get_credentials

        credentials = get_credentials(channel)
        if not credentials.get("access_token"):
            raise PublishError(
                "该微博渠道尚未配置授权（access_token），请在渠道设置中填写后重新发送。"
            )
        client = WeiboClient(
            credentials["access_token"], api_base=credentials.get("api_base") or DEFAULT_API_BASE
        )
        return client, credentials

    @staticmethod
    def _receipt(credentials: dict, post_id: str) -> Receipt:
        uid = credentials.get("uid")
        url = (
            f"https://weibo.com/{uid}/{post_id}" if uid else f"https://m.weibo.cn/detail/{post_id}"
        )
        return Receipt(external_id=post_id, external_url=url)

    def publish(self, delivery, item) -> Receipt:
        rendition = self.rendition_for(delivery, item)
        client, credentials = self._client(delivery.channel)
        if delivery.progress.get("status_id"):
            # Sent already; only the row's update was lost.
            return self._receipt(credentials, delivery.progress["status_id"])
        pic = self._picture(rendition.get("image_id"))
        try:
            status = client.share(rendition["text"], pic=pic, rip=credentials.get("rip", ""))
        except WeiboRepeatedContent as exc:
            # Perhaps our own earlier attempt: the timeline decides, never a second post.
            try:
                found = self._search(client, credentials, delivery, rendition)
            except WeiboError as search_failed:
                raise publish_error(search_failed) from search_failed
            if found is not None:
                return found
            raise PublishError(
                f"微博拒绝重复内容（错误码 {exc.error_code}），在本账号最近的微博中未找到本条："
                "可能已有文字相同的其他微博，请到微博核对。"
            ) from exc
        except WeiboError as exc:
            raise publish_error(exc) from exc
        delivery.remember(status_id=status["idstr"])
        return self._receipt(credentials, status["idstr"])

    def lookup(self, delivery, item) -> Receipt | None:
        client, credentials = self._client(delivery.channel)
        if delivery.progress.get("status_id"):
            return self._receipt(credentials, delivery.progress["status_id"])
        rendition = self.rendition_for(delivery, item)
        try:
            return self._search(client, credentials, delivery, rendition)
        except WeiboError as exc:
            raise publish_error(exc) from exc

    def _search(self, client, credentials, delivery, rendition) -> Receipt | None:
        """Our post among the account's posts made since the delivery was created."""
        wanted = _comparable(rendition["text"])
        since = delivery.created_at - timedelta(minutes=1)
        for page in range(1, settings.GOVMEDIA_WEIBO_LOOKUP_PAGES + 1):
            statuses = client.user_timeline(count=PAGE_MAX, page=page)
            for status in statuses:
                # The text decides, not the link alone: a 更正 post links to the same item.
                created = parse_created_at(str(status.get("created_at", "")))
                if created is not None and created < since:
                    continue
                if _comparable(str(status.get("text", ""))) == wanted:
                    post_id = str(status.get("idstr") or status.get("id"))
                    delivery.remember(status_id=post_id)
                    return self._receipt(credentials, post_id)
            oldest = parse_created_at(statuses[-1].get("created_at", "")) if statuses else None
            if len(statuses) < PAGE_MAX or (oldest is not None and oldest < since):
                return None
        raise PublishError(
            f"在本账号最近 {settings.GOVMEDIA_WEIBO_LOOKUP_PAGES * PAGE_MAX} 条微博中未能确认本条是否已发出，"
            "请到微博核对后处理。"
        )

    def retract(self, delivery, item) -> None:
        client, _credentials = self._client(delivery.channel)
        try:
            client.destroy(delivery.external_id)
        except WeiboNotFound:
            return  # already gone: deleted by hand, or an earlier retraction whose answer was lost
        except WeiboError as exc:
            raise publish_error(exc) from exc

    @staticmethod
    def _picture(image_id) -> bytes | None:
        if not image_id:
            return None
        from wagtail.images import get_image_model

        image = get_image_model().objects.filter(pk=image_id).first()
        if image is None:
            return None
        try:
            with image.file.open("rb") as handle:
                data = handle.read(PIC_MAX_BYTES)
        except OSError:
            logger.warning("image %s of a Weibo post cannot be read; posted without it", image_id)
            return None
        # Weibo takes pictures under 5 MB; a larger one goes without the picture.
        return data if len(data) < PIC_MAX_BYTES else None


def next_window(exc: WeiboRateLimited, *, now: datetime | None = None) -> datetime:
    """When a rate-limited request may be made again.

    Retry-After when Weibo (or a gateway before it) sends one; otherwise the
    start of the next rate window: Weibo counts its limits per hour
    (`GOVMEDIA_WEIBO_RATE_WINDOW`, 3600 s), and a retry within the same hour
    would only be refused again. Windows are taken as aligned to the clock
    (whole hours, in Beijing time as in UTC); the documentation does not say
    whether they are clock hours or rolling, and a rolling window ends no
    later than an hour after the refusal, when a refusal at the boundary
    simply waits for the next one.
    """
    now = now or timezone.now()
    if exc.retry_after is not None:
        return now + timedelta(seconds=exc.retry_after)
    window = max(1, int(settings.GOVMEDIA_WEIBO_RATE_WINDOW))
    start = (int(now.timestamp()) // window + 1) * window
    return datetime.fromtimestamp(start, tz=UTC)


def publish_error(exc: WeiboError) -> PublishError:
    """The delivery's error for a Weibo error: its message, and when (or whether) to try again."""
    if isinstance(exc, WeiboTokenError):
        # Web apps get no refresh token: retrying changes nothing until a person authorises again.
        return PublishError(message_for(exc), needs_person=True)
    if isinstance(exc, WeiboRateLimited):
        return PublishError(message_for(exc), retry_at=next_window(exc))
    return PublishError(message_for(exc))


def message_for(exc: WeiboError) -> str:
    """The editor's explanation of a Weibo error (shown on the delivery)."""
    if isinstance(exc, WeiboTokenError):
        return (
            f"微博授权已过期或无效（错误码 {exc.error_code}：{exc.error}），需要重新授权："
            "请账号管理员重新授权，并在渠道设置中更新 access_token 后点击重新发送（授权更新前不会自动重试）。"
        )
    if isinstance(exc, WeiboRateLimited):
        when = timezone.localtime(next_window(exc)).strftime("%H:%M")
        reason = (
            "按微博要求的等待时间" if exc.retry_after is not None else "在下一个小时计数周期开始后"
        )
        return (
            f"微博接口调用频次超过上限（{exc.scope}频次，错误码 {exc.error_code}），"
            f"将{reason}（约 {when}）自动重试。"
        )
    if isinstance(exc, WeiboMalformedAnswer):
        return (
            f"微博接口返回了无法识别的应答（{exc.error}），无法确认是否已发出；"
            "重试前会先在本账号最近的微博中查找本条。"
        )
    if isinstance(exc, WeiboUnavailable):
        return f"微博接口暂时不可用（{exc.error}），将自动重试。"
    return f"微博接口返回错误 {exc.error_code}：{exc.error}"
