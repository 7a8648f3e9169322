"""The channel renditions the approver signs off, in a real browser at a phone's and a desk's width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govmedia.devtools.testing import PASSWORD, make_people
from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import actions, publishers
from govmedia.publishing.models import ChannelRendition
from govmedia.publishing.publishers.base import Publisher, Receipt
from govmedia.publishing.tests.factories import draft_item

WIDTHS = (1280, 390)
BODY = (
    "<p>各区县教育局、各直属学校：</p>"
    "<p>为做好2026年秋季学期开学准备工作，现将有关事项通知如下。</p>"
    "<h3>一、校舍安全检查</h3><p>请于8月31日前完成校舍、食堂和宿舍的安全检查，建立问题清单。</p>"
    "<h3>二、教材发放</h3><p>各校应在开学前一周完成教材和作业本的发放。</p>"
)


class _Sends(Publisher):
    def publish(self, delivery, item) -> Receipt:
        return Receipt(external_id=f"{self.name}-{delivery.pk}")

    def retract(self, delivery, item) -> None:
        return None


class WeChatArticle(_Sends):
    name = "wechat"
    label = "微信公众号（测试）"

    def render(self, item, channel) -> dict:
        styled = str(item.body).replace("<p>", '<p style="margin:0 0 1em;text-indent:2em">')
        return {
            "title": item.title,
            "author": "示例市教育局",
            "digest": item.summary,
            "content": styled,
            "content_source_url": "https://www.shili.gov.cn/xxgk/",
        }


class WeiboPost(_Sends):
    name = "weibo"
    label = "微博（测试）"

    def render(self, item, channel) -> dict:
        return {
            "text": f"【{item.title}】{item.summary}（详见链接）",
            "link": "https://www.shili.gov.cn/xxgk/",
            "limit": 140,
        }


class Webhook(_Sends):
    name = "webhook"
    label = "推送（测试）"

    def render(self, item, channel) -> dict:
        return {
            "event": "publish",
            "title": item.title,
            "summary": item.summary,
            "channel": str(channel),
        }


# Whether the preview panel's frame shows mode `m`, its page headed `h`.
SHOWS_MODE = """([m, h]) => {
    const frame = document.querySelector('.w-preview iframe[data-w-preview-target="iframe"]');
    const body = frame && frame.src.includes('mode=' + m) && frame.contentDocument && frame.contentDocument.body;
    return Boolean(body && body.innerText.includes(h));
}"""


def _shoot(page, folder: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        # Nothing runs off the side at a phone's width.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} at {width}px is {overflow}px too wide"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shows_each_rendition_as_its_channel_would(
    live_server, browser_page, tmp_path, monkeypatch
):
    for publisher, kind in (
        (WeChatArticle, ChannelKind.WECHAT),
        (WeiboPost, ChannelKind.WEIBO),
        (Webhook, ChannelKind.APP),
    ):
        monkeypatch.setitem(publishers.PUBLISHERS, publisher.name, publisher)
        monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, kind, publisher.name)
    people = make_people()
    channels = [
        Channel.objects.create(department=people.education, kind=kind, name=name, account_id=name)
        for kind, name in (
            (ChannelKind.WECHAT, "示例教育"),
            (ChannelKind.WEIBO, "示例教育微博"),
            (ChannelKind.APP, "示例政务客户端"),
            (ChannelKind.DOUYIN, "示例教育抖音"),
        )
    ]
    item = draft_item(people.education, people.editor, body=BODY)
    item.channels = channels
    item.summary = "8月31日前完成校舍安全检查，开学前一周完成教材发放。"
    item.save_revision(user=people.editor)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    folder = Path(os.environ.get("GOVMEDIA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page, base = browser_page, live_server.url
    page.set_default_timeout(60_000)  # a loaded test machine

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", people.approver.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{base}/admin/pages/{item.pk}/edit/")
    panel = page.locator(".govmedia-renditions").first
    assert "示例教育微博" in panel.inner_text() and "人工发布" in panel.inner_text()
    _shoot(page, folder, "renditions-approval-panel")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The editor's preview panel offers one mode per channel publisher besides the page.
    page.click("button[data-side-panel-toggle=preview]")
    modes = page.locator("#id_preview_mode option").all_inner_texts()
    assert modes == ["门户页面", "微信图文", "微博", "推送JSON", "人工发布"]
    # The menu reloads the frame in the chosen mode, even when chosen while the
    # panel's first load is still running (Wagtail drops that choice; our
    # publishing/js/preview-mode.js asks again).
    for mode, heading in (("weibo", "微博预览"), ("wechat", "微信图文预览")):
        page.select_option("#id_preview_mode", mode)
        page.wait_for_function(SHOWS_MODE, arg=[mode, heading])
    page.screenshot(path=str(folder / "renditions-editor-preview-panel-1280.png"))
    # Each mode on its own, as the panel's "open in a new tab" shows it.
    for mode in ("wechat", "weibo", "webhook", "manual"):
        page.goto(f"{base}/admin/pages/{item.pk}/edit/preview/?mode={mode}")
        assert "按当前编辑内容生成" in page.locator("body").inner_text()
        _shoot(page, folder, f"preview-mode-{mode}")

    for rendition in ChannelRendition.objects.filter(page_id=item.pk).order_by("channel_id"):
        page.goto(f"{base}/admin/items/{item.pk}/renditions/{rendition.pk}/")
        text = page.locator("body").inner_text()
        assert rendition.sha256[:12] in text and "待签发" in text
        if rendition.publisher == "wechat":
            # A sandboxed frame (no scripts): the article is in its document.
            assert "校舍安全检查" in page.get_attribute("iframe", "srcdoc")
        if rendition.publisher == "weibo":
            assert "/ 140" in text
        _shoot(page, folder, f"renditions-{rendition.publisher}")
