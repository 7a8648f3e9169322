"""The webhook push: the client against the receiver fake, and the publisher end to end."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from govmedia.core.models import WorkerProcess
from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import actions, publishers
from govmedia.publishing.clients.fake_webhook import FakeWebhook
from govmedia.publishing.clients.webhook import (
    SIGNATURE_HEADER,
    WebhookClient,
    WebhookError,
    WebhookUnavailable,
    signature,
    verify,
)
from govmedia.publishing.credentials import set_credentials
from govmedia.publishing.models import Delivery, DeliveryStatus, ItemPage, RetractStatus
from govmedia.publishing.publishers.portal import public_url
from govmedia.publishing.tasks import recover_deliveries, retry_due_deliveries, run_delivery
from govmedia.publishing.tests.factories import draft_item


@pytest.fixture
def receiver():
    fake = FakeWebhook(secret="s3cret")
    with fake.server.serve():
        yield fake


def _client(receiver, **kwargs) -> WebhookClient:
    return WebhookClient(receiver.url, "s3cret", sleep=lambda _s: None, **kwargs)


# The client.


def test_the_signature_is_an_hmac_of_timestamp_and_body_that_a_receiver_can_check():
    body = '{"title": "通知"}'.encode()
    given = signature("s3cret", "1700000000", body)

    assert given.startswith("sha256=") and len(given) == 7 + 64
    assert verify("s3cret", "1700000000", body, given, now=1700000100)
    assert not verify("other", "1700000000", body, given, now=1700000100)
    assert not verify("s3cret", "1700000000", body + b" ", given, now=1700000100)
    assert not verify("s3cret", "1700000000", body, given, now=1700000000 + 301)  # stale


def test_it_retries_a_5xx_with_the_same_key_and_gets_the_receipt(receiver):
    receiver.fail_next(2, status=503)

    receipt = _client(receiver).send("published", {"title": "通知"}, idempotency_key="k1")

    assert receipt.id == "app-1" and receipt.url.startswith("https://") and not receipt.duplicate
    calls = receiver.server.calls("/govmedia/push")
    assert len(calls) == 3 and {c.headers["idempotency-key"] for c in calls} == {"k1"}
    assert len(receiver.events()) == 1


def test_it_gives_up_after_its_retries_and_says_so(receiver):
    receiver.fail_next(5, status=502)

    with pytest.raises(WebhookUnavailable):
        _client(receiver, retries=2).send("published", {}, idempotency_key="k1")

    assert receiver.events() == []


def test_a_409_means_received_before_and_carries_the_first_id(receiver):
    client = _client(receiver)
    first = client.send("published", {"title": "通知"}, idempotency_key="k1")

    again = client.send("published", {"title": "通知"}, idempotency_key="k1")

    assert again.duplicate and again.id == first.id
    assert len(receiver.events()) == 1 and receiver.redeliveries == 1


def test_a_wrong_secret_is_refused_and_not_retried(receiver):
    with pytest.raises(WebhookError) as caught:
        WebhookClient(receiver.url, "wrong", sleep=lambda _s: None).send(
            "published", {}, idempotency_key="k1"
        )

    assert caught.value.status == 401
    assert len(receiver.server.calls("/govmedia/push")) == 1


# The publisher, end to end.


@pytest.fixture
def channel(db, people, receiver, monkeypatch, settings):
    settings.SITE_URL = "https://www.shili.gov.cn"
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.APP, "webhook")
    app = Channel.objects.create(
        department=people.education, kind=ChannelKind.APP, name="示例政务APP"
    )
    set_credentials(app, {"url": receiver.url, "secret": "s3cret"})
    return app


@pytest.fixture
def publish_to(people, django_capture_on_commit_callbacks):
    def publish(channel) -> ItemPage:
        item = draft_item(people.education, people.editor)
        item.channels = [channel]
        item.summary = "请于9月1日前完成校舍安全检查。"
        item.save_revision(user=people.editor)
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_submit_item(people.editor, item)
            actions.do_workflow_action(
                people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
            )
            actions.do_workflow_action(people.approver, item, "approve")
        return ItemPage.objects.get(pk=item.pk)

    return publish


def _delivery(item) -> Delivery:
    return Delivery.objects.filter(page_id=item.pk, publisher="webhook").latest("created_at")


def test_it_pushes_the_item_once_signed_with_its_fields_and_keeps_the_receipt(
    receiver, channel, publish_to
):
    item = publish_to(channel)

    delivery = _delivery(item)
    assert delivery.status == DeliveryStatus.SENT
    [stored] = receiver.events("published")
    payload = stored["payload"]
    assert payload["index_number"] == item.index_number and payload["title"] == item.title
    assert payload["department"]["name"] == item.department.name
    assert payload["url"] == public_url(item) and payload["body_html"] == item.body
    assert payload["summary"] == item.summary and payload["publish_date"]
    assert payload["version"] == str(delivery.revision_id)
    request = receiver.server.calls("/govmedia/push")[0]
    assert request.headers["idempotency-key"] == delivery.idempotency_key
    assert request.headers[SIGNATURE_HEADER.lower()].startswith("sha256=")
    assert json.loads(request.body) == payload
    assert (delivery.external_id, delivery.external_url) == (stored["id"], stored["url"])

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(receiver.events()) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_resent_and_the_receiver_dedupes(
    receiver, channel, publish_to
):
    item = publish_to(channel)
    delivery = _delivery(item)
    first_id = delivery.external_id
    old = timezone.now() - timedelta(minutes=2)
    WorkerProcess.objects.create(
        worker_id="dead-worker", hostname="elsewhere", pid=1, started_at=old, heartbeat_at=old
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        # Died after the receiver stored it, before anything was recorded here.
        status=DeliveryStatus.SENDING,
        claimed_by="dead-worker",
        external_id="",
        progress={},
    )

    recover_deliveries()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.external_id == first_id
    assert len(receiver.events()) == 1 and receiver.redeliveries == 1
    assert receiver.duplicates() == 0


def _record_page(client, people, item) -> str:
    """The item's 发布与档案 page as its editor sees it."""
    client.force_login(people.editor)
    response = client.get(f"/admin/items/{item.pk}/record/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_refusal_is_visible_on_the_delivery_and_waits_for_a_person(
    people, client, receiver, channel, publish_to
):
    # The webhook's "expired credentials": the receiver now has another secret (401).
    set_credentials(channel, {"secret": "not-the-receivers"})

    item = publish_to(channel)

    delivery = _delivery(item)
    assert delivery.status == DeliveryStatus.FAILED
    assert "推送接口拒收" in delivery.last_error and "401" in delivery.last_error
    assert receiver.events() == []
    # Any 4xx but 409 and 429 is not retried automatically (docs/channel-webhook.md).
    assert delivery.next_attempt_at is None and retry_due_deliveries() == 0
    page = _record_page(client, people, item)
    assert "推送接口拒收" in page and "不再自动重试，需人工处理后重新发送" in page
    assert len(receiver.server.calls("/govmedia/push")) == 1

    set_credentials(channel, {"secret": "s3cret"})  # the secret agreed again; 重新发送
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(receiver.events()) == 1


def test_a_429_waits_for_retry_after_and_is_shown(people, client, receiver, channel, publish_to):
    receiver.fail_next(1, status=429, retry_after=90)

    item = publish_to(channel)

    delivery = _delivery(item)
    assert delivery.status == DeliveryStatus.FAILED
    assert "推送接口限流" in delivery.last_error and "Retry-After" in delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=70) < wait <= timedelta(seconds=90)
    assert len(receiver.server.calls("/govmedia/push")) == 1  # not hammered within the call
    page = _record_page(client, people, item)
    assert "推送接口限流" in page and "自动重试" in page

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(receiver.events()) == 1 and receiver.duplicates() == 0


def test_a_429_without_retry_after_takes_the_usual_back_off(receiver, channel, publish_to):
    receiver.fail_next(1, status=429)

    delivery = _delivery(publish_to(channel))

    assert delivery.status == DeliveryStatus.FAILED and "退避间隔" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + timedelta(minutes=1)


def test_a_malformed_answer_is_never_taken_as_received_and_the_retry_dedupes(
    people, client, receiver, channel, publish_to
):
    receiver.garble_next(1)  # stored, but answered with a proxy's HTML page

    item = publish_to(channel)

    delivery = _delivery(item)
    assert delivery.status == DeliveryStatus.FAILED
    assert "无法识别的应答" in delivery.last_error and delivery.external_id == ""
    assert delivery.next_attempt_at is not None
    page = _record_page(client, people, item)
    assert "推送接口返回了无法识别的应答" in page and "自动重试" in page

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    delivery.refresh_from_db()
    [stored] = receiver.events()
    assert delivery.external_id == stored["id"]  # from the receiver's 409
    assert receiver.redeliveries == 1 and receiver.duplicates() == 0


def test_a_correction_and_a_withdrawal_are_pushed_as_events(
    people, receiver, channel, publish_to, django_capture_on_commit_callbacks
):
    item = publish_to(channel)
    item.correction_note = "开学准备截止日期有误，更正为8月31日。"
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision(user=people.editor).publish(user=None)

    [corrected] = receiver.events("corrected")
    assert corrected["payload"]["correction_note"].startswith("开学准备截止日期有误")
    assert corrected["payload"]["index_number"] == item.index_number

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_withdraw_item(people.approver, item, "通知中的日期有误。", category="error")

    withdrawn = receiver.events("withdrawn")
    assert len(withdrawn) == 2  # one for each version the receiver holds
    assert all("title" not in w["payload"] for w in withdrawn)
    assert {d.retract_status for d in Delivery.objects.filter(publisher="webhook")} == {
        RetractStatus.DONE
    }
