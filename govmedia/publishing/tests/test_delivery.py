"""Channel deliveries: retried and visible on failure, never sent twice."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govmedia.publishing import publishers
from govmedia.publishing.models import Delivery, DeliveryStatus
from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt
from govmedia.publishing.tasks import retry_due_deliveries, run_delivery
from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db


class FlakyPublisher(Publisher):
    """Fails while `failures` is positive, then succeeds; counts what it really sent."""

    name = "flaky"
    failures = 0
    sent: list[int] = []

    def publish(self, delivery, item) -> Receipt:
        if FlakyPublisher.failures > 0:
            FlakyPublisher.failures -= 1
            raise PublishError("连接渠道接口超时")
        FlakyPublisher.sent.append(delivery.pk)
        return Receipt(external_id=f"msg-{delivery.pk}")


@pytest.fixture
def flaky(monkeypatch):
    monkeypatch.setitem(publishers.PUBLISHERS, "flaky", FlakyPublisher)
    FlakyPublisher.failures, FlakyPublisher.sent = 0, []
    return FlakyPublisher


def _delivery(item) -> Delivery:
    return Delivery.objects.create(
        page=item,
        revision_id=item.live_revision_id,
        publisher="flaky",
        idempotency_key=f"test:{item.pk}",
    )


def test_it_shows_a_failed_delivery_with_its_error_and_retries_it_later(people, flaky, client):
    item = published_item(people)
    delivery = _delivery(item)
    flaky.failures = 1

    assert run_delivery(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.last_error == "连接渠道接口超时"
    assert delivery.next_attempt_at > timezone.now()

    client.force_login(people.editor)
    assert "连接渠道接口超时" in client.get(f"/admin/items/{item.pk}/record/").content.decode()

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_due_deliveries() == 1  # the immediate backend runs it at once
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.external_id == f"msg-{delivery.pk}"


def test_it_never_sends_a_delivery_twice(people, flaky):
    item = published_item(people)
    delivery = _delivery(item)
    run_delivery(delivery.pk)
    run_delivery(delivery.pk)
    assert flaky.sent == [delivery.pk]


def test_it_does_not_send_a_version_that_a_correction_overtook(people, flaky):
    item = published_item(people)
    delivery = Delivery.objects.create(
        page=item, revision=None, publisher="flaky", idempotency_key="old"
    )
    Delivery.objects.filter(pk=delivery.pk).update(revision_id=item.live_revision_id)
    item.body = "<p>更正后的正文。</p>"
    item.correction_note = "更正正文。"
    item.save_revision(user=people.editor).publish(user=None)
    assert run_delivery(delivery.pk) == DeliveryStatus.RETRACTED
    assert flaky.sent == []


def test_it_stops_retrying_after_the_last_attempt(people, flaky, settings):
    settings.GOVMEDIA_PUBLISH_MAX_ATTEMPTS = 2
    item = published_item(people)
    delivery = _delivery(item)
    flaky.failures = 5
    run_delivery(delivery.pk)
    run_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
    assert delivery.next_attempt_at is None


def test_the_sent_time_is_kept_and_backfilled_from_the_last_update(people, flaky):
    import importlib
    from datetime import timedelta

    from django.apps import apps

    item = published_item(people)
    delivery = _delivery(item)
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.sent_at <= timezone.now()

    # A row sent before the column existed gets its updated_at; one retracted since, nothing.
    earlier = timezone.now() - timedelta(days=3)
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=None, updated_at=earlier)
    retracted = Delivery.objects.create(
        page=item,
        publisher="flaky",
        idempotency_key="retracted-before-0012",
        status=DeliveryStatus.SENT,
        external_id="x",
    )
    Delivery.objects.filter(pk=retracted.pk).update(retracted_at=earlier, updated_at=earlier)
    migration = importlib.import_module("govmedia.publishing.migrations.0012_delivery_sent_at")
    migration.backfill(apps, None)

    delivery.refresh_from_db()
    retracted.refresh_from_db()
    assert delivery.sent_at == earlier and retracted.sent_at is None


def test_the_record_page_shows_when_each_delivery_was_sent(people, flaky, client):
    item = published_item(people)
    failed = _delivery(item)
    sent = Delivery.objects.create(
        page=item,
        revision_id=item.live_revision_id,
        publisher="flaky",
        idempotency_key=f"test:{item.pk}:sent",
    )
    Delivery.objects.filter(pk=sent.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 30)),
    )
    Delivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED)

    client.force_login(people.editor)
    page = client.get(f"/admin/items/{item.pk}/record/").content.decode()
    assert "<th>发送时间</th>" in page
    assert "2026-03-02 09:30" in page  # sent_at, not the row's last update
    assert "未发送" in page  # the failed one
    assert page.count('<div style="overflow-x:auto"><table class="listing">') >= 2  # phones scroll
