"""Channels without a publishing API (抖音, 视频号 …): an export for a person to post by hand.

`render` prepares what the person needs: the text to paste, the images to
upload and a checklist. Nothing is sent: the item's delivery to such a
channel stays 待人工发布 (DeliveryStatus.MANUAL) with a 需人工发布 to-do on
the item's 发布与档案 page, where the export is offered as a page with copy
buttons and as a .zip (`publishing/export.py`). Marking the to-do posted,
with the post's address (`actions.do_complete_channel_todo`), makes the
delivery 已发布 with that address. A post made by hand is also taken down and
corrected by hand: `can_retract` and `can_correct` are False.
"""

from __future__ import annotations

import posixpath
import re

from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt

_IMAGE_EMBED = re.compile(r"<embed\b[^>]*\bembedtype=\"image\"[^>]*>", re.IGNORECASE)
_EMBED_ID = re.compile(r"\bid=\"(\d+)\"")


def body_image_ids(body_html: str) -> list[int]:
    """Ids of the Wagtail images embedded in a rich-text body, in order, each once."""
    ids: list[int] = []
    for embed in _IMAGE_EMBED.findall(body_html or ""):
        match = _EMBED_ID.search(embed)
        if match and int(match.group(1)) not in ids:
            ids.append(int(match.group(1)))
    return ids


def plain_text(item) -> str:
    """The item as text to paste into a channel's editor: paragraphs on their own lines."""
    from govmedia.checks.html import visible_text

    text, _links = visible_text(str(item.body or ""))
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _public_url(item) -> str:
    from govmedia.publishing.archive import public_url

    try:
        return public_url(item)
    except Exception:  # an item never saved under its parent has no address yet
        return ""


def _images(item) -> list[dict]:
    from wagtail.images import get_image_model

    ids = body_image_ids(str(item.body or ""))
    found = {image.pk: image for image in get_image_model().objects.filter(pk__in=ids)}
    images = []
    for number, pk in enumerate((pk for pk in ids if pk in found), start=1):
        image = found[pk]
        extension = posixpath.splitext(image.file.name)[1].lower() or ".jpg"
        images.append(
            {
                "id": pk,
                "title": image.title,
                "filename": f"{number:02d}{extension}",
                "width": image.width,
                "height": image.height,
            }
        )
    return images


class ManualExportPublisher(Publisher):
    name = "manual"
    label = "人工发布（导出）"
    preview_label = "人工发布"
    preview_template = "publishing/renditions/manual.html"
    can_retract = False
    can_correct = False

    def render(self, item, channel) -> dict:
        link = _public_url(item)
        images = _images(item)
        text = plain_text(item)
        summary = (item.summary or "").strip()
        checklist = [
            "标题、正文与本页导出内容一致，未增删改（已签发的内容即发布的内容）。",
            f"正文末尾附原文链接：{link}" if link else "正文末尾附门户网站原文链接。",
            f"按顺序上传全部 {len(images)} 张图片，并核对图片说明。"
            if images
            else "本信息正文没有图片；如该渠道要求封面或视频，请使用本机构统一素材。",
            f"使用本机构在{channel.get_kind_display()}的认证账号“{channel.name}”发布。",
            "发布后复制该条内容的网址，回到“发布与档案”页面填写并标记已人工发布。",
        ]
        return {
            "format": "manual_export",
            "channel": str(channel),
            "channel_kind": channel.kind,
            "title": item.title,
            "summary": summary,
            "text": text,
            "link": link,
            "images": images,
            "checklist": checklist,
        }

    def publish(self, delivery, item) -> Receipt:
        # Never sent automatically: a delivery to this publisher waits for a person.
        raise PublishError("该渠道没有发布接口，须人工发布：请在“发布与档案”中下载导出包。")

    def retract(self, delivery, item) -> None:  # pragma: no cover - can_retract is False
        raise PublishError("该渠道没有发布接口，须人工撤回。")
