"""What every channel shares: renditions signed off and sent as signed off, manual export,
corrections and withdrawals on channels, the item's 发布与档案 page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import actions, archive, publishers
from govmedia.publishing.models import (
    ArchiveRecord,
    ChannelRendition,
    ChannelTodo,
    Delivery,
    DeliveryStatus,
    ItemPage,
    RetractStatus,
    TodoKind,
    TodoStatus,
)
from govmedia.publishing.publishers.base import Publisher, Receipt
from govmedia.publishing.tasks import run_delivery
from govmedia.publishing.tests.adminforms import form_data
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

WEIBO_URL = "https://weibo.com/1234567890/"
DOUYIN_URL = "https://www.douyin.com/video/7300000000000000001"


class FakeWeibo(Publisher):
    """A channel that renders, records what it was given to send, and can be told to correct."""

    name = "weibo"
    label = "微博（测试）"
    can_correct = False
    edition = 1
    sent: list[dict] = []

    def render(self, item, channel) -> dict:
        text = f"【{item.title}】第{FakeWeibo.edition}版 {item.summary}".strip()
        return {"text": text, "limit": 140, "link": f"https://www.shili.gov.cn/{item.pk}"}

    def publish(self, delivery, item) -> Receipt:
        FakeWeibo.sent.append(self.rendition_for(delivery, item))
        n = len(FakeWeibo.sent)
        return Receipt(external_id=f"wb-{n}", external_url=f"{WEIBO_URL}{n}")

    def retract(self, delivery, item) -> None:
        return None


@pytest.fixture
def weibo(people, monkeypatch):
    monkeypatch.setitem(publishers.PUBLISHERS, FakeWeibo.name, FakeWeibo)
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WEIBO, FakeWeibo.name)
    FakeWeibo.edition, FakeWeibo.sent, FakeWeibo.can_correct = 1, [], False
    return Channel.objects.create(
        department=people.education, kind=ChannelKind.WEIBO, name="示例教育微博", account_id="slj"
    )


@pytest.fixture
def douyin(people):
    return Channel.objects.create(
        department=people.education, kind=ChannelKind.DOUYIN, name="示例教育抖音", account_id="dy"
    )


def _through_review(people, item, django_capture_on_commit_callbacks, *, execute=True):
    with django_capture_on_commit_callbacks(execute=execute):
        actions.do_submit_item(people.editor, item)
        actions.do_workflow_action(
            people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
        )


def _sign_off(people, item, django_capture_on_commit_callbacks, *, execute=True):
    with django_capture_on_commit_callbacks(execute=execute):
        actions.do_workflow_action(people.approver, item, "approve")
    return ItemPage.objects.get(pk=item.pk)


@pytest.fixture
def publish_to(people, django_capture_on_commit_callbacks):
    def publish(*channels, summary="九月一日开学") -> ItemPage:
        item = draft_item(people.education, people.editor)
        item.channels = list(channels)
        item.summary = summary
        item.save_revision(user=people.editor)
        _through_review(people, item, django_capture_on_commit_callbacks)
        return _sign_off(people, item, django_capture_on_commit_callbacks)

    return publish


@pytest.fixture
def correct(people, django_capture_on_commit_callbacks):
    """Edit a published item and take the correction through the procedure again."""

    def correct(item) -> ItemPage:
        draft = item.get_latest_revision_as_object()
        draft.body = "<p>各区县教育局：开学准备截止日期更正为8月31日。</p>"
        draft.correction_note = "开学准备截止日期有误，更正为8月31日。"
        draft.save_revision(user=people.editor)
        item = ItemPage.objects.get(pk=item.pk)
        _through_review(people, item, django_capture_on_commit_callbacks)
        return _sign_off(people, item, django_capture_on_commit_callbacks)

    return correct


def _record_page(client, user, item) -> str:
    client.force_login(user)
    return client.get(f"/admin/items/{item.pk}/record/").text


# Renditions: made at the approval step, shown to the approver, signed off, sent as signed off.


def test_it_sends_the_rendition_the_approver_signed_off_and_seals_its_hash(
    people, client, weibo, django_capture_on_commit_callbacks
):
    item = draft_item(people.education, people.editor)
    item.channels = [weibo]
    item.summary = "九月一日开学"
    item.save_revision(user=people.editor)
    _through_review(people, item, django_capture_on_commit_callbacks)

    # At the approval step the rendition is stored and the approver's screen links to it.
    rendition = ChannelRendition.objects.get(page_id=item.pk, channel=weibo)
    assert rendition.revision_id == item.get_latest_revision().pk
    assert "第1版" in rendition.content["text"]
    client.force_login(people.approver)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).text
    link = reverse("publishing_rendition", args=[item.pk, rendition.pk])
    assert "各渠道稿件（随本信息一并签发）" in edit and link in edit
    shown = client.get(link).text
    assert "第1版" in shown and "字数" in shown and "/ 140" in shown and "待签发" in shown

    # Signed off; the sender runs only after the channel's renderer changed.
    item = _sign_off(people, item, django_capture_on_commit_callbacks, execute=False)
    FakeWeibo.edition = 2
    delivery = Delivery.objects.get(page_id=item.pk, channel=weibo)
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    assert FakeWeibo.sent == [rendition.content]  # what was signed off, not a new rendering
    entry = PageLogEntry.objects.get(page_id=item.pk, action="govmedia.renditions_signed_off")
    assert entry.user == people.approver
    assert entry.data["renditions"][0]["sha256"] == rendition.sha256
    record = ArchiveRecord.objects.get(page_id=item.pk)
    assert record.payload_version == 3
    assert [r["sha256"] for r in record.payload["channel_renditions"]] == [rendition.sha256]
    assert archive.verify_archive()[1] is None
    rendition.refresh_from_db()
    assert rendition.signed_off_by == people.approver
    page = _record_page(client, people.editor, item)
    assert link in page and "wb-1" in page and f"{WEIBO_URL}1" in page and "已签发" in page
    assert "签发渠道稿件" in client.get(reverse("wagtailadmin_pages:history", args=[item.pk])).text


def test_it_previews_each_chosen_channel_in_the_editor_before_sign_off(people, client, weibo):
    item = draft_item(people.education, people.editor)
    client.force_login(people.editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    data = form_data(edit.content.decode())
    data["channels"] = [str(weibo.pk)]
    data["summary"] = ["预览中的摘要" + "很长" * 80]
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[item.pk])
    result = client.post(preview_url, data)
    assert result.status_code == 200 and result.json()["is_valid"], result.content

    response = client.get(preview_url, {"mode": "weibo"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "微博预览" in text and "示例教育微博" in text and "预览中的摘要" in text
    # Over the limit: said beside the count, before anyone signs it off.
    assert "超出" in text and "微博会拒绝发送" in text
    assert ChannelRendition.objects.count() == 0  # a preview stores nothing
    draft = item.get_latest_revision_as_object()
    draft.channels = [weibo]
    assert ("weibo", "微博") in draft.preview_modes and draft.preview_modes[0][0] == ""


# Manual export (抖音): a delivery waiting for a person, the export, the address.


def test_it_prepares_a_manual_export_and_waits_for_the_posts_address(
    people, client, douyin, publish_to, django_capture_on_commit_callbacks
):
    assert publishers.needs_manual_posting(douyin)
    item = publish_to(douyin)

    delivery = Delivery.objects.get(page_id=item.pk, channel=douyin)
    assert delivery.status == DeliveryStatus.MANUAL and delivery.publisher == "manual"
    todo = ChannelTodo.objects.get(page_id=item.pk, kind=TodoKind.PUBLISH)
    assert todo.delivery == delivery and todo.status == TodoStatus.OPEN
    page = _record_page(client, people.editor, item)
    assert "待人工发布" in page and "下载导出包" in page

    export = client.get(reverse("publishing_manual_export", args=[item.pk, todo.pk])).text
    assert item.title in export and "复制正文" in export and "发布前核对" in export
    download = client.get(reverse("publishing_manual_export_zip", args=[item.pk, todo.pk]))
    assert download["Content-Type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(files.namelist()) == ["核对清单.txt", "正文.txt"]
    text = files.read("正文.txt").decode()
    assert item.title in text and "校舍安全检查" in text and "原文链接" in text
    assert "[ ]" in files.read("核对清单.txt").decode()

    client.post(f"/admin/items/{item.pk}/record/", {"todo": todo.pk, "external_url": DOUYIN_URL})

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.external_url == DOUYIN_URL

    # Withdrawn: the post made by hand is taken down by hand, one to-do with its address.
    client.force_login(people.approver)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/items/{item.pk}/withdraw/", {"category": "error", "reason": "日期有误。"}
        )
    retract = ChannelTodo.objects.get(page_id=item.pk, kind=TodoKind.RETRACT)
    assert retract.external_url == DOUYIN_URL and retract.status == TodoStatus.OPEN
    delivery.refresh_from_db()
    assert delivery.retract_status == RetractStatus.MANUAL


def test_it_cancels_the_export_when_the_item_is_withdrawn_before_posting(
    people, client, douyin, publish_to, django_capture_on_commit_callbacks
):
    item = publish_to(douyin)
    client.force_login(people.approver)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/items/{item.pk}/withdraw/", {"category": "error", "reason": "日期有误。"}
        )
    assert Delivery.objects.get(page_id=item.pk, channel=douyin).status == DeliveryStatus.RETRACTED
    assert ChannelTodo.objects.get(page_id=item.pk).status == TodoStatus.CANCELLED
    assert not ChannelTodo.objects.filter(page_id=item.pk, kind=TodoKind.RETRACT).exists()


# Corrections: published to channels that can correct, a to-do with the post's address elsewhere.


def test_it_asks_a_person_to_correct_a_post_on_a_channel_that_cannot(
    people, client, weibo, publish_to, correct
):
    item = publish_to(weibo)
    first = Delivery.objects.get(page_id=item.pk, channel=weibo)
    assert first.status == DeliveryStatus.SENT

    item = correct(item)

    assert Delivery.objects.filter(page_id=item.pk, channel=weibo).count() == 1
    assert len(FakeWeibo.sent) == 1
    todo = ChannelTodo.objects.get(page_id=item.pk, kind=TodoKind.CORRECT)
    assert todo.external_url == first.external_url and todo.revision_id == item.live_revision_id
    page = _record_page(client, people.editor, item)
    assert "需人工更正" in page and first.external_url in page
    assert "需人工更正" in client.get("/admin/").text

    client.post(f"/admin/items/{item.pk}/record/", {"todo": todo.pk, "note": "已在微博发布更正。"})

    todo.refresh_from_db()
    assert todo.status == TodoStatus.DONE and todo.done_by == people.editor
    entry = PageLogEntry.objects.get(page_id=item.pk, action="govmedia.channel_todo_done")
    assert entry.data["kind"] == "correct"


def test_it_publishes_a_correction_to_a_channel_that_can_correct(
    people, weibo, publish_to, correct
):
    FakeWeibo.can_correct = True
    item = publish_to(weibo)
    FakeWeibo.edition = 2

    item = correct(item)

    deliveries = Delivery.objects.filter(page_id=item.pk, channel=weibo).order_by("created_at")
    assert [d.status for d in deliveries] == [DeliveryStatus.SENT, DeliveryStatus.SENT]
    assert deliveries[1].revision_id == item.live_revision_id
    assert "第2版" in FakeWeibo.sent[1]["text"]
    assert not ChannelTodo.objects.filter(page_id=item.pk).exists()


def test_it_asks_for_a_manual_correction_of_a_post_made_by_hand(
    people, client, douyin, publish_to, correct
):
    item = publish_to(douyin)
    todo = ChannelTodo.objects.get(page_id=item.pk, kind=TodoKind.PUBLISH)
    client.force_login(people.editor)
    client.post(f"/admin/items/{item.pk}/record/", {"todo": todo.pk, "external_url": DOUYIN_URL})

    item = correct(item)

    fix = ChannelTodo.objects.get(page_id=item.pk, kind=TodoKind.CORRECT)
    assert fix.external_url == DOUYIN_URL and fix.status == TodoStatus.OPEN
    assert Delivery.objects.filter(page_id=item.pk, channel=douyin).count() == 1
