"""WeChat official accounts (微信公众号): an item as an article, through draft and publish.

The rendition (`render`) is what the account's readers get: the title (at
most 32 characters, the platform's limit), the department as author, a
digest of at most 120 characters, the body as HTML with inline styles only
(WeChat drops `<style>`, classes and scripts), the images listed for upload
(the platform filters image addresses that are not its own), links only to
WeChat articles (others become text with the address written out), the
item's address for 阅读原文 and a cover.

Sending is five remote steps; each result is saved on the delivery at once
(`Delivery.remember`), so a sender that died resumes after the last step
that was recorded (docs/channel-wechat.md):

    images  -> progress["images"]          media/uploadimg, one per body image
    cover   -> progress["thumb_media_id"]  material/add_material
    draft   -> progress["draft_media_id"]  draft/add
    publish -> progress["publish_id"]      freepublish/submit
    result  -> progress["article_id"]      freepublish/get until it is no longer "publishing"

Repeating an upload is harmless; repeating draft/add or freepublish/submit
is not. Before each of those two the delivery records that it is about to
call (`draft_pending`, `submit_pending`, with the time); a resumed send that
finds the mark without the result asks the platform first (the draft box,
the list of published articles) and adopts what it finds.

WeChat cannot change a published article, so `can_correct` is False: a
correction becomes a person's to-do on the item (the channels' correction
flow), who may delete and repost by hand.
"""

from __future__ import annotations

import html
import io
import logging
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from govmedia.publishing.clients.wechat import (
    PUBLISHED,
    PUBLISHING,
    PublishState,
    WeChatClient,
    WeChatError,
    WeChatRateLimited,
)
from govmedia.publishing.credentials import get_credentials
from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt
from govmedia.publishing.publishers.portal import public_url

logger = logging.getLogger(__name__)

# The platform's limits (draft/add: 标题不超过32个字, 作者不超过16个字; the digest
# is cut at 120 characters, as the brief of issue 13 and the platform's editor do).
TITLE_MAX, AUTHOR_MAX, DIGEST_MAX = 32, 16, 120
# media/uploadimg takes jpg/png under 1 MB.
BODY_IMAGE_LIMIT = 1024 * 1024
BODY_IMAGE_FILTERS = (
    "max-1080x1080|format-jpeg|jpegquality-85",
    "max-800x800|format-jpeg|jpegquality-70",
    "max-600x600|format-jpeg|jpegquality-60",
)
COVER_FILTER = "fill-900x383-c50|format-jpeg|jpegquality-85"
# Article links WeChat keeps in a body: its own articles (mp.weixin.qq.com).
WECHAT_ARTICLE_HOSTS = ("mp.weixin.qq.com",)
# A draft or published article found in a list must be at least this recent
# (seconds before our mark) to be taken for ours: clocks differ a little.
CLOCK_SLACK = 120

STYLES = {
    "p": "margin:0 0 16px;line-height:1.75;font-size:16px;color:#333333;text-align:justify;",
    "h1": "margin:24px 0 12px;font-size:20px;font-weight:bold;color:#222222;",
    "h2": "margin:24px 0 12px;font-size:18px;font-weight:bold;color:#b3261e;",
    "h3": "margin:20px 0 10px;font-size:17px;font-weight:bold;color:#333333;",
    "h4": "margin:16px 0 8px;font-size:16px;font-weight:bold;color:#333333;",
    "h5": "margin:16px 0 8px;font-size:16px;font-weight:bold;color:#333333;",
    "h6": "margin:16px 0 8px;font-size:16px;font-weight:bold;color:#333333;",
    "ul": "margin:0 0 16px;padding-left:24px;line-height:1.75;font-size:16px;color:#333333;",
    "ol": "margin:0 0 16px;padding-left:24px;line-height:1.75;font-size:16px;color:#333333;",
    "li": "margin:0 0 6px;",
    "blockquote": "margin:0 0 16px;padding:8px 12px;border-left:3px solid #dddddd;color:#666666;",
    "table": "width:100%;border-collapse:collapse;margin:0 0 16px;font-size:14px;",
    "th": "border:1px solid #cccccc;padding:6px;background:#f5f5f5;font-weight:bold;",
    "td": "border:1px solid #cccccc;padding:6px;",
    "hr": "border:0;border-top:1px solid #dddddd;margin:16px 0;",
    "strong": "font-weight:bold;",
    "b": "font-weight:bold;",
    "em": "font-style:italic;",
    "i": "font-style:italic;",
    "u": "text-decoration:underline;",
    "a": "color:#576b95;",
}
KEPT = set(STYLES) | {"br", "sub", "sup", "thead", "tbody", "tr", "span", "caption"}
VOID = {"br", "hr", "img"}
# Dropped with everything inside them.
DROPPED = {"script", "style", "iframe", "object", "embed_media", "form", "noscript", "template"}
IMAGE_STYLE = "display:block;max-width:100%;height:auto;margin:0 auto;"
FIGURE_STYLE = "margin:0 0 16px;text-align:center;"


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


class _Article(HTMLParser):
    """Wagtail's stored rich text (with its <embed> and <a linktype>) to WeChat's HTML.

    Every kept element gets its inline style and nothing else; links that
    WeChat would not keep are written out as text; images are collected for
    upload. `resolve_link(attrs)` gives a link's absolute address (or "");
    `resolve_image(image_id)` the image's absolute address and alt text (or None).
    """

    def __init__(
        self,
        resolve_link: Callable[[dict[str, str]], str],
        resolve_image: Callable[[int], tuple[str, str] | None],
    ):
        super().__init__(convert_charrefs=True)
        self.resolve_link, self.resolve_image = resolve_link, resolve_image
        self.out: list[str] = []
        self.images: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self._dropping = 0
        self._links: list[dict[str, Any]] = []  # open <a>, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "embed":
            self._embed(values)
            return
        if tag in DROPPED:
            self._dropping += 1
            return
        if self._dropping:
            return
        if tag == "a":
            address = self.resolve_link(values)
            keep = bool(address) and urlsplit(address).hostname in WECHAT_ARTICLE_HOSTS
            self._links.append({"address": address, "keep": keep, "start": len(self.out)})
            if keep:
                self.out.append(f'<a href="{html.escape(address)}" style="{STYLES["a"]}">')
            return
        if tag == "img":
            # Images come as <embed embedtype="image">; a bare <img> points elsewhere.
            self.notes.append("正文中的外部图片未发送（微信会过滤非本平台的图片地址）。")
            return
        if tag not in KEPT:
            return
        style = STYLES.get(tag)
        self.out.append(f'<{tag} style="{style}">' if style else f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and tag != "embed" and tag not in DROPPED:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self._dropping = max(0, self._dropping - 1)
            return
        if self._dropping or tag == "embed":
            return
        if tag == "a":
            if not self._links:
                return
            link = self._links.pop()
            if link["keep"]:
                self.out.append("</a>")
                return
            text = _plain("".join(self.out[link["start"] :])).strip()
            address = link["address"]
            if address and address != text and address not in text:
                self.out.append(html.escape(f"（{address}）"))
            return
        if tag in KEPT and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.out.append(html.escape(data, quote=False))

    def _embed(self, values: dict[str, str]) -> None:
        if self._dropping:
            return
        kind = values.get("embedtype")
        if kind == "image" and values.get("id", "").isdigit():
            found = self.resolve_image(int(values["id"]))
            if found is None:
                self.notes.append(f"正文中的图片 {values['id']} 已不存在，未发送。")
                return
            src, alt = found
            alt = values.get("alt") or alt
            self.images.append({"src": src, "image_id": int(values["id"]), "alt": alt})
            self.out.append(
                f'<p style="{FIGURE_STYLE}"><img src="{html.escape(src)}"'
                f' alt="{html.escape(alt)}" style="{IMAGE_STYLE}"></p>'
            )
        elif kind == "media" and values.get("url"):
            # Video players are iframes, which WeChat removes: give the address instead.
            address = values["url"]
            self.out.append(f'<p style="{STYLES["p"]}">视频：{html.escape(address)}</p>')
            self.notes.append("正文中的视频无法嵌入微信文章，已改为写出视频地址。")

    def result(self) -> str:
        return "".join(self.out)


def _absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def _resolve_link(values: dict[str, str]) -> str:
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    kind, ident = values.get("linktype"), values.get("id", "")
    if kind == "page" and ident.isdigit():
        page = Page.objects.filter(pk=int(ident)).first()
        if page is None:
            return ""
        parts = page.specific.get_url_parts()
        return _absolute(parts[2]) if parts else ""
    if kind == "document" and ident.isdigit():
        document = get_document_model().objects.filter(pk=int(ident)).first()
        return _absolute(document.url) if document else ""
    href = values.get("href", "")
    return href if href.startswith(("http://", "https://", "mailto:")) else _absolute(href)


def _rendition(image_id: int, spec: str):
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    return None if image is None else (image, image.get_rendition(spec))


def _resolve_image(image_id: int) -> tuple[str, str] | None:
    found = _rendition(image_id, BODY_IMAGE_FILTERS[0])
    if found is None:
        return None
    image, rendition = found
    return _absolute(rendition.url), image.default_alt_text or image.title


def _read(rendition) -> bytes:
    with rendition.file.open("rb") as handle:
        return handle.read()


def default_cover() -> bytes:
    """The cover of an item without images: GOVMEDIA_WECHAT_DEFAULT_COVER, else a plain one."""
    configured = settings.GOVMEDIA_WECHAT_DEFAULT_COVER
    if configured:
        return Path(configured).read_bytes()
    from PIL import Image

    buffer = io.BytesIO()
    # 2.35:1, the platform's cover shape, in the red of government sites.
    Image.new("RGB", (900, 383), "#b3261e").save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class WeChatPublisher(Publisher):
    name = "wechat"
    label = "微信公众号"
    channel_kinds = ("wechat",)
    supports_lookup = True
    can_retract = True
    # A published article cannot be edited through the platform's interface
    # (draft/update changes drafts only): a correction becomes a to-do.
    can_correct = False

    # Polling freepublish/get after a submit: at once, then after these pauses.
    poll_pauses: tuple[float, ...] = (1.0, 2.0, 4.0)
    sleep = staticmethod(time.sleep)

    # The rendition.

    def render(self, item, channel) -> dict:
        parser = _Article(_resolve_link, _resolve_image)
        parser.feed(str(item.body or ""))
        parser.close()
        content = parser.result()
        notes = list(dict.fromkeys(parser.notes))
        title = _cut(item.title, TITLE_MAX)
        if title != item.title.strip():
            notes.append(f"标题超过 {TITLE_MAX} 字（微信公众号的上限），已截短。")
        source = item.summary.strip() if item.summary else _plain(content)
        images = parser.images
        return {
            "title": title,
            "author": _cut(item.issuing_body_display, AUTHOR_MAX),
            "digest": _cut(re.sub(r"\s+", " ", source), DIGEST_MAX),
            "content": content,
            "content_source_url": public_url(item),
            "images": images,
            "cover": {"image_id": images[0]["image_id"]} if images else {"default": True},
            "need_open_comment": 0,
            "only_fans_can_comment": 0,
            "notes": notes,
        }

    # Talking to the platform.

    def _client(self, channel) -> WeChatClient:
        values = get_credentials(channel)
        if not values.get("appid") or not values.get("secret"):
            raise PublishError(
                "该公众号尚未配置接口凭据（AppID 和 AppSecret），请管理员在渠道设置中填写后重新发送。"
            )
        kwargs = {"api_base": values["api_base"]} if values.get("api_base") else {}
        return WeChatClient(values["appid"], values["secret"], **kwargs)

    def publish(self, delivery, item) -> Receipt:
        rendition = self.rendition_for(delivery, item)
        try:
            with self._client(delivery.channel) as client:
                return self._publish(client, delivery, rendition)
        except WeChatError as exc:
            raise publish_error(exc) from exc

    def lookup(self, delivery, item) -> Receipt | None:
        progress = delivery.progress
        if progress.get("article_id"):
            return Receipt(progress["article_id"], progress.get("article_url", ""))
        if not progress.get("publish_id") and not progress.get("submit_pending"):
            return None  # nothing was submitted: the platform has nothing of ours
        try:
            with self._client(delivery.channel) as client:
                if progress.get("publish_id"):
                    state = client.get_publish_status(progress["publish_id"])
                    if state.status == PUBLISHED:
                        return self._published(delivery, state.article_id, state.article_url)
                    if state.status == PUBLISHING:
                        raise PublishError(self._still_publishing(progress["publish_id"]))
                    return None  # it failed: `publish` records why
                return self._find_submitted(client, delivery, self.rendition_for(delivery, item))
        except WeChatError as exc:
            raise publish_error(exc) from exc

    def retract(self, delivery, item) -> None:
        progress = delivery.progress
        try:
            with self._client(delivery.channel) as client:
                article_id = delivery.external_id or progress.get("article_id", "")
                if not article_id and progress.get("publish_id"):
                    state = client.get_publish_status(progress["publish_id"])
                    if state.status == PUBLISHING:
                        raise PublishError(self._still_publishing(progress["publish_id"]))
                    article_id = state.article_id if state.status == PUBLISHED else ""
                if not article_id:
                    return  # nothing of this delivery is on the account
                self._delete(client, article_id)
        except WeChatError as exc:
            raise publish_error(exc) from exc

    # The steps.

    def _publish(self, client: WeChatClient, delivery, rendition: dict) -> Receipt:
        progress = delivery.progress
        if progress.get("failed"):
            raise PublishError(progress["failed"])
        if progress.get("article_id"):
            return Receipt(progress["article_id"], progress.get("article_url", ""))
        if not progress.get("publish_id"):
            if not progress.get("draft_media_id"):
                article = self._article(client, delivery, rendition)
                self._add_draft(client, delivery, article)
            found = self._submit(client, delivery, rendition)
            if found is not None:
                return found
        return self._settle(client, delivery)

    def _article(self, client: WeChatClient, delivery, rendition: dict) -> dict[str, Any]:
        """The draft's article, after the body images and the cover are on the platform."""
        uploaded: dict[str, str] = dict(delivery.progress.get("images") or {})
        content = rendition["content"]
        for image in rendition["images"]:
            src = image["src"]
            if src not in uploaded:
                data = self._body_image(image["image_id"])
                uploaded[src] = client.upload_image(data, f"{image['image_id']}.jpg", "image/jpeg")
                delivery.remember(images=uploaded)
            content = content.replace(f'src="{html.escape(src)}"', f'src="{uploaded[src]}"')
        if not delivery.progress.get("thumb_media_id"):
            material = client.add_material(self._cover(rendition), "cover.jpg", "image/jpeg")
            delivery.remember(thumb_media_id=material["media_id"])
        return {
            "title": rendition["title"],
            "author": rendition["author"],
            "digest": rendition["digest"],
            "content": content,
            "content_source_url": rendition["content_source_url"],
            "thumb_media_id": delivery.progress["thumb_media_id"],
            "need_open_comment": rendition.get("need_open_comment", 0),
            "only_fans_can_comment": rendition.get("only_fans_can_comment", 0),
        }

    def _body_image(self, image_id: int) -> bytes:
        for spec in BODY_IMAGE_FILTERS:
            found = _rendition(image_id, spec)
            if found is None:
                raise PublishError(f"正文中的图片（编号 {image_id}）已被删除，无法上传到微信。")
            data = _read(found[1])
            if len(data) < BODY_IMAGE_LIMIT:
                return data
        raise PublishError(f"正文中的图片（编号 {image_id}）压缩后仍超过 1 MB，微信不接受。")

    def _cover(self, rendition: dict) -> bytes:
        image_id = rendition["cover"].get("image_id")
        if image_id is None:
            return default_cover()
        found = _rendition(image_id, COVER_FILTER)
        return _read(found[1]) if found is not None else default_cover()

    def _add_draft(self, client: WeChatClient, delivery, article: dict[str, Any]) -> None:
        pending_since = delivery.progress.get("draft_pending")
        if pending_since:
            # An earlier attempt called draft/add and did not hear back.
            found = self._find(client.list_drafts(), article, pending_since, id_field="media_id")
            if found is not None:
                delivery.remember(draft_media_id=found["media_id"])
                return
        delivery.remember(draft_pending=time.time())
        delivery.remember(draft_media_id=client.add_draft([article]))

    def _submit(self, client: WeChatClient, delivery, rendition: dict) -> Receipt | None:
        if delivery.progress.get("submit_pending"):
            found = self._find_submitted(client, delivery, rendition)
            if found is not None:
                return found
        delivery.remember(submit_pending=time.time())
        submitted = client.submit_publish(delivery.progress["draft_media_id"])
        delivery.remember(publish_id=submitted.publish_id, msg_data_id=submitted.msg_data_id)
        return None

    def _find_submitted(self, client: WeChatClient, delivery, rendition: dict) -> Receipt | None:
        """After a submit that was not heard back: its article if published, None if not submitted."""
        progress = delivery.progress
        found = self._find(
            client.list_published(), rendition, progress["submit_pending"], id_field="article_id"
        )
        if found is not None:
            items = found.get("content", {}).get("news_item") or [{}]
            return self._published(delivery, found["article_id"], items[0].get("url", ""))
        draft = progress.get("draft_media_id")
        try:
            if draft:
                client.get_draft(draft)
        except WeChatError as exc:
            if exc.retryable:
                raise
            # The draft left the draft box: it was submitted and is still being published.
            raise PublishError(
                "已向微信提交发布，但发送进程中断，未收到发布任务编号；"
                "该文章出现在公众号已发表列表后将自动记录。若长时间未出现，请到公众号后台核对。"
            ) from exc
        return None  # the draft is still there: it was not submitted

    @staticmethod
    def _find(
        entries: list[dict[str, Any]], article: dict, since: float, *, id_field: str
    ) -> dict[str, Any] | None:
        """Ours among listed drafts or articles: same title and 阅读原文, made after our mark."""
        for entry in entries:
            items = (entry.get("content") or {}).get("news_item") or []
            if (
                items
                and items[0].get("title") == article["title"]
                and items[0].get("content_source_url") == article["content_source_url"]
                and int(entry.get("update_time") or 0) >= since - CLOCK_SLACK
                and entry.get(id_field)
            ):
                return entry
        return None

    def _settle(self, client: WeChatClient, delivery) -> Receipt:
        publish_id = delivery.progress["publish_id"]
        state = client.get_publish_status(publish_id)
        for pause in self.poll_pauses:
            if state.status != PUBLISHING:
                break
            self.sleep(pause)
            state = client.get_publish_status(publish_id)
        if state.status == PUBLISHED:
            return self._published(delivery, state.article_id, state.article_url)
        if state.status == PUBLISHING:
            raise PublishError(self._still_publishing(publish_id))
        self._failed(delivery, state)

    def _failed(self, delivery, state: PublishState) -> NoReturn:
        which = f"（第 {'、'.join(map(str, state.fail_idx))} 篇）" if state.fail_idx else ""
        if state.status == 3:
            # 常规失败: nothing went out; the next attempt starts again from a new draft.
            delivery.remember(
                draft_media_id=None,
                draft_pending=None,
                publish_id=None,
                submit_pending=None,
                failed_publish_ids=[
                    *delivery.progress.get("failed_publish_ids", []),
                    state.publish_id,
                ],
            )
            raise PublishError(
                f"微信公众号发布失败：{state.meaning}{which}（发布任务 {state.publish_id}），将重新提交。"
            )
        reason = (
            f"微信公众号发布未成功：{state.meaning}{which}（发布任务 {state.publish_id}）。"
            + (
                "请按平台要求修改内容后以更正重新发布，或到公众号后台处理。"
                if state.status in (2, 4)
                else "请到公众号后台核对。"
            )
        )
        delivery.remember(failed=reason, failed_at=timezone.now().isoformat())
        raise PublishError(reason)

    def _published(self, delivery, article_id: str, url: str) -> Receipt:
        url = _short_enough(url)
        delivery.remember(article_id=article_id, article_url=url)
        return Receipt(external_id=article_id, external_url=url)

    @staticmethod
    def _still_publishing(publish_id: str) -> str:
        return f"微信公众号平台仍在发布中（发布任务 {publish_id}），稍后将自动查询发布结果。"

    @staticmethod
    def _delete(client: WeChatClient, article_id: str) -> None:
        try:
            client.delete_publish(article_id)
        except WeChatError as exc:
            if exc.retryable:
                raise
            if exc.errcode == 53600:
                return  # the platform no longer knows the article: already deleted
            # Deleted by hand in the account's backend since? Then it is done.
            items = client.get_article(article_id)
            if items and all(entry.get("is_deleted") for entry in items):
                return
            raise


def _short_enough(url: str) -> str:
    """Delivery.external_url holds 200 characters: drop what WeChat adds that is not needed."""
    if len(url) <= 200:
        return url
    url = url.split("#", 1)[0]
    url = re.sub(r"&chksm=[^&]*", "", url)
    return url if len(url) <= 200 else ""


def publish_error(exc: WeChatError, *, now: datetime | None = None) -> PublishError:
    """The delivery's error for a WeChat error: its message, and when to try again.

    45009 with "daily quota" in its message (reach max api daily quota limit)
    is the day's call quota, which the platform resets at midnight Beijing
    time (docs/channel-wechat.md): the next attempt waits for the next local
    day instead of the usual back-off. Any other error takes the back-off.
    """
    if isinstance(exc, WeChatRateLimited) and "daily" in exc.errmsg:
        now = timezone.localtime(now or timezone.now(), QUOTA_TIMEZONE)
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return PublishError(str(exc), retry_at=tomorrow)
    return PublishError(str(exc))


# The WeChat call quota's day: Beijing time, whatever the installation's TIME_ZONE.
QUOTA_TIMEZONE = ZoneInfo("Asia/Shanghai")
