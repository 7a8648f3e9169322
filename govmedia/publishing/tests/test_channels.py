"""Channels after publication and withdrawal: retracted everywhere, manual work shown until done."""

from __future__ import annotations

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import actions, publishers
from govmedia.publishing.models import (
    ChannelTodo,
    Delivery,
    DeliveryStatus,
    ItemPage,
    RetractStatus,
    TodoKind,
    TodoStatus,
)
from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt
from govmedia.publishing.tasks import retry_due_retractions
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

POST_URL = "https://mp.weixin.qq.com/s/Abc123"


class FakeWeChat(Publisher):
    """Stands in for WeChat's interface: records what it was asked to send and take back."""

    name = "fake_wechat"
    label = "微信公众号（测试）"
    can_retract = True
    retract_failures = 0
    retracted: list[str] = []

    def publish(self, delivery, item) -> Receipt:
        return Receipt(external_id=f"wx-{delivery.pk}", external_url=f"{POST_URL}{delivery.pk}")

    def retract(self, delivery, item) -> None:
        if FakeWeChat.retract_failures > 0:
            FakeWeChat.retract_failures -= 1
            raise PublishError("微信接口返回错误 45009：接口调用超过限额")
        FakeWeChat.retracted.append(delivery.external_id)


@pytest.fixture
def wechat(people, monkeypatch):
    # Posted by hand unless a test installs a WeChat publisher (`fake_wechat`).
    monkeypatch.delitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WECHAT, raising=False)
    return Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育", account_id="sl-jy"
    )


@pytest.fixture
def fake_wechat(wechat, monkeypatch):
    monkeypatch.setitem(publishers.PUBLISHERS, FakeWeChat.name, FakeWeChat)
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WECHAT, FakeWeChat.name)
    FakeWeChat.retract_failures, FakeWeChat.retracted, FakeWeChat.can_retract = 0, [], True
    return FakeWeChat


@pytest.fixture
def publish_to(people, django_capture_on_commit_callbacks):
    """Publish an item chosen for `channel` through the procedure, running its background work."""

    def publish(channel) -> ItemPage:
        item = draft_item(people.education, people.editor)
        item.channels = [channel]
        item.save_revision(user=people.editor)
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_submit_item(people.editor, item)
            actions.do_workflow_action(
                people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
            )
            actions.do_workflow_action(people.approver, item, "approve")
        return ItemPage.objects.get(pk=item.pk)

    return publish


@pytest.fixture
def withdraw(client, people, django_capture_on_commit_callbacks):
    def withdraw(item):
        client.force_login(people.approver)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/items/{item.pk}/withdraw/",
                {"category": "error", "reason": "通知中的日期有误。"},
            )
        assert response.status_code == 302
        return response

    return withdraw


def _record_page(client, user, item) -> str:
    client.force_login(user)
    return client.get(f"/admin/items/{item.pk}/record/").text


# Retraction on every channel the item went to.


def test_it_retracts_the_item_on_every_channel_it_went_to(
    people, client, wechat, fake_wechat, publish_to, withdraw
):
    item = publish_to(wechat)
    sent = Delivery.objects.get(page_id=item.pk, channel=wechat)
    assert sent.status == DeliveryStatus.SENT

    withdraw(item)

    assert fake_wechat.retracted == [sent.external_id]
    statuses = set(
        Delivery.objects.filter(page_id=item.pk).values_list("retract_status", flat=True)
    )
    assert statuses == {RetractStatus.DONE}  # the portal's and WeChat's
    assert "已撤回" in _record_page(client, people.editor, item)


def test_it_retries_a_failed_retraction_shows_it_and_audits_the_retry(
    people, client, wechat, fake_wechat, publish_to, withdraw, django_capture_on_commit_callbacks
):
    item = publish_to(wechat)
    fake_wechat.retract_failures = 1

    withdraw(item)

    delivery = Delivery.objects.get(page_id=item.pk, channel=wechat)
    assert delivery.retract_status == RetractStatus.FAILED
    assert delivery.retract_next_attempt_at > timezone.now()
    assert "接口调用超过限额" in _record_page(client, people.editor, item)
    assert "撤稿后渠道撤回失败" in client.get("/admin/").text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/items/{item.pk}/record/", {"retract": delivery.pk})

    delivery.refresh_from_db()
    assert delivery.retract_status == RetractStatus.DONE
    entry = PageLogEntry.objects.get(page_id=item.pk, action="govmedia.retract_resend")
    assert entry.user == people.editor


def test_it_hands_a_channel_that_cannot_retract_to_a_person_until_marked_done(
    people, client, wechat, fake_wechat, publish_to, withdraw
):
    fake_wechat.can_retract = False
    item = publish_to(wechat)

    withdraw(item)

    todo = ChannelTodo.objects.get(page_id=item.pk, kind=TodoKind.RETRACT)
    assert todo.status == TodoStatus.OPEN and todo.external_url.startswith(POST_URL)
    assert "需人工撤回" in _record_page(client, people.editor, item)
    assert "需人工撤回" in client.get("/admin/").text

    client.post(
        f"/admin/items/{item.pk}/record/", {"todo": todo.pk, "note": "已在公众号后台删除。"}
    )

    todo.refresh_from_db()
    assert todo.status == TodoStatus.DONE and todo.done_by == people.editor
    assert todo.done_at is not None and todo.note == "已在公众号后台删除。"
    delivery = Delivery.objects.get(page_id=item.pk, channel=wechat)
    assert delivery.retract_status == RetractStatus.DONE
    entry = PageLogEntry.objects.get(page_id=item.pk, action="govmedia.channel_todo_done")
    assert entry.user == people.editor
    assert "渠道人工待办" not in client.get("/admin/").text


# Channels without a publisher: said in the editor, a to-do on the item, never silent.


def test_it_says_in_the_editor_which_chosen_channels_need_manual_posting(people, client, wechat):
    item = draft_item(people.education, people.editor)
    client.force_login(people.editor)

    page = client.get(f"/admin/pages/{item.pk}/edit/").text

    assert "示例教育（微信公众号）（需人工发布）" in page
    assert "以下渠道暂无自动发布接口" in page


def test_it_shows_a_manual_channel_as_needing_manual_posting_until_marked_posted(
    people, client, wechat, publish_to
):
    item = publish_to(wechat)

    todo = ChannelTodo.objects.get(page_id=item.pk)
    assert todo.kind == TodoKind.PUBLISH and todo.status == TodoStatus.OPEN
    assert not Delivery.objects.filter(page_id=item.pk, channel=wechat).exists()
    assert "需人工发布" in _record_page(client, people.editor, item)
    assert "需人工发布" in client.get("/admin/").text

    # Marking it posted needs the post's address.
    response = client.post(f"/admin/items/{item.pk}/record/", {"todo": todo.pk}, follow=True)
    assert "请填写人工发布后本信息在该渠道的地址" in response.text
    todo.refresh_from_db()
    assert todo.status == TodoStatus.OPEN

    client.post(f"/admin/items/{item.pk}/record/", {"todo": todo.pk, "external_url": POST_URL})

    todo.refresh_from_db()
    assert todo.status == TodoStatus.DONE and todo.done_by == people.editor
    assert todo.external_url == POST_URL
    entry = PageLogEntry.objects.get(page_id=item.pk, action="govmedia.channel_todo_done")
    assert entry.data["url"] == POST_URL
    assert POST_URL in _record_page(client, people.editor, item)
    assert "渠道人工待办" not in client.get("/admin/").text

    # A second click (another tab) is told who did it, and changes nothing.
    response = client.post(
        f"/admin/items/{item.pk}/record/",
        {"todo": todo.pk, "external_url": "https://example.org/other"},
        follow=True,
    )
    assert "该事项已于" in response.text and "王编辑" in response.text
    todo.refresh_from_db()
    assert todo.external_url == POST_URL


def test_it_asks_a_person_to_take_down_a_manual_post_after_withdrawal(
    people, client, wechat, publish_to, withdraw
):
    item = publish_to(wechat)
    posted = ChannelTodo.objects.get(page_id=item.pk)
    client.force_login(people.editor)
    client.post(f"/admin/items/{item.pk}/record/", {"todo": posted.pk, "external_url": POST_URL})

    withdraw(item)

    retract = ChannelTodo.objects.get(page_id=item.pk, kind=TodoKind.RETRACT)
    assert retract.status == TodoStatus.OPEN and retract.external_url == POST_URL


def test_it_cancels_a_manual_posting_not_yet_made_when_the_item_is_withdrawn(
    people, client, wechat, publish_to, withdraw
):
    item = publish_to(wechat)

    withdraw(item)

    todo = ChannelTodo.objects.get(page_id=item.pk)
    assert todo.status == TodoStatus.CANCELLED
    assert not ChannelTodo.objects.filter(status=TodoStatus.OPEN).exists()


# Receipts and resends.


def test_it_keeps_the_public_site_address_in_the_portal_receipt(people, settings, publish_to):
    settings.SITE_URL = "https://www.shili.gov.cn"
    channel = Channel.objects.create(
        department=people.education,
        kind=ChannelKind.WEIBO,
        name="示例教育微博",
        url="https://weibo.com/x",
    )

    item = publish_to(channel)

    receipt = Delivery.objects.get(page_id=item.pk, publisher="portal")
    assert receipt.status == DeliveryStatus.SENT
    code = people.education.code_compact.lower()
    assert receipt.external_url == f"https://www.shili.gov.cn/xxgk/{code}/{item.slug}/"


def test_it_audits_a_resend_of_a_failed_delivery(
    people, client, wechat, fake_wechat, publish_to, django_capture_on_commit_callbacks
):
    item = publish_to(wechat)
    delivery = Delivery.objects.get(page_id=item.pk, channel=wechat)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=3, last_error="连接渠道接口超时"
    )
    client.force_login(people.editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/items/{item.pk}/record/", {"retry": delivery.pk})

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    entry = PageLogEntry.objects.get(page_id=item.pk, action="govmedia.delivery_resend")
    assert entry.user == people.editor and entry.data["last_error"] == "连接渠道接口超时"
    history = client.get(f"/admin/pages/{item.pk}/history/").text
    assert "渠道重新发送" in history

    # A delivery that did not fail is not resent, and nothing is logged.
    response = client.post(f"/admin/items/{item.pk}/record/", {"retry": delivery.pk}, follow=True)
    assert "只有发送失败的记录可以重新发送" in response.text
    assert (
        PageLogEntry.objects.filter(page_id=item.pk, action="govmedia.delivery_resend").count() == 1
    )


def test_it_refuses_channel_work_to_another_departments_editor(people, client, wechat, publish_to):
    item = publish_to(wechat)
    todo = ChannelTodo.objects.get(page_id=item.pk)
    client.force_login(people.other_editor)

    response = client.post(
        f"/admin/items/{item.pk}/record/", {"todo": todo.pk, "external_url": POST_URL}
    )

    # Wagtail answers a refused admin request by sending the person back to the dashboard.
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    todo.refresh_from_db()
    assert todo.status == TodoStatus.OPEN


def test_it_retracts_a_delivery_that_was_still_being_sent_when_the_item_was_withdrawn(
    people, wechat, fake_wechat, publish_to, withdraw
):
    item = publish_to(wechat)
    delivery = Delivery.objects.get(page_id=item.pk, channel=wechat)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING)

    withdraw(item)
    # The sender finishes after the withdrawal looked at the channels.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT)
    retry_due_retractions()  # the worker's periodic job; tasks run inline in tests

    delivery.refresh_from_db()
    assert delivery.retract_status == RetractStatus.DONE
    assert fake_wechat.retracted == [delivery.external_id]
