"""The export package of a manual posting (抖音, 视频号 … or any channel posted by hand).

Built from the rendition the approver signed off when the to-do belongs to a
delivery of the manual export publisher, otherwise rendered from the to-do's
revision: the title and text to paste, the images in order and the
checklist, as a page with copy buttons and as a .zip.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from govmedia.publishing.publishers import ManualExportPublisher, get_publisher


@dataclass
class ManualExport:
    content: dict
    name: str

    @property
    def filename(self) -> str:
        return quote(f"{self.name}.zip")

    def text_file(self) -> str:
        c = self.content
        parts = [c.get("title", ""), "", c.get("text", "")]
        if c.get("link"):
            parts += ["", f"原文链接：{c['link']}"]
        return "\n".join(parts).strip() + "\n"

    def checklist_file(self) -> str:
        lines = [f"{self.content.get('channel', '')} 人工发布核对清单", ""]
        lines += [f"[ ] {line}" for line in self.content.get("checklist", [])]
        return "\n".join(lines) + "\n"

    def zip_bytes(self) -> bytes:
        from wagtail.images import get_image_model

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("正文.txt", self.text_file())
            archive.writestr("核对清单.txt", self.checklist_file())
            images = self.content.get("images", [])
            found = {
                image.pk: image
                for image in get_image_model().objects.filter(pk__in=[i["id"] for i in images])
            }
            for entry in images:
                image = found.get(entry["id"])
                if image is None:
                    continue
                with image.file.open("rb") as handle:
                    archive.writestr(f"图片/{entry['filename']}", handle.read())
        return buffer.getvalue()


def manual_export(todo) -> ManualExport:
    item = todo.page.specific
    publisher = ManualExportPublisher()
    if todo.delivery_id and todo.delivery.publisher == publisher.name:
        content = get_publisher(publisher.name).rendition_for(todo.delivery, item)
    else:
        source = todo.revision.as_object() if todo.revision_id else item
        content = publisher.render(source, todo.channel)
    safe_index = item.index_number.replace("/", "-")
    return ManualExport(content=content, name=f"{safe_index}-{todo.channel.name}")
