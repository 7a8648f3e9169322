"""Background work of the publishing module."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from govmedia.publishing.models import Delivery, DeliveryStatus
from govmedia.publishing.publishers import PublishError, get_publisher

logger = logging.getLogger(__name__)


def _claim(delivery_id: int) -> bool:
    # A conditional UPDATE claims the row, so two workers never send the same delivery.
    return bool(
        Delivery.objects.filter(
            pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]
        ).update(status=DeliveryStatus.SENDING, updated_at=timezone.now())
    )


def run_delivery(delivery_id: int) -> str:
    """Send one delivery; returns its final status."""
    if not _claim(delivery_id):
        return Delivery.objects.get(pk=delivery_id).status
    delivery = Delivery.objects.select_related("page").get(pk=delivery_id)
    item = delivery.page.specific
    if delivery.revision_id and item.live_revision_id != delivery.revision_id:
        # A later correction or a withdrawal overtook this version: sending it now would be wrong.
        delivery.status = DeliveryStatus.RETRACTED
        delivery.last_error = "该版本已被更正或撤稿取代，不再发送。"
        delivery.save(update_fields=["status", "last_error", "updated_at"])
        return delivery.status
    delivery.attempts += 1
    try:
        receipt = get_publisher(delivery.publisher).publish(delivery, item)
    except PublishError as exc:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = str(exc)
        backoff = timedelta(minutes=2 ** min(delivery.attempts, 8))
        exhausted = delivery.attempts >= settings.GOVMEDIA_PUBLISH_MAX_ATTEMPTS
        delivery.next_attempt_at = None if exhausted else timezone.now() + backoff
        logger.warning(
            "delivery %s to %s failed (attempt %s): %s",
            delivery.pk,
            delivery.publisher,
            delivery.attempts,
            exc,
        )
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.last_error = ""
        delivery.next_attempt_at = None
        delivery.external_id = receipt.external_id or delivery.external_id
        delivery.external_url = receipt.external_url or delivery.external_url
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "external_id",
            "external_url",
            "updated_at",
        ]
    )
    return delivery.status


@task()
def deliver(delivery_id: int) -> str:
    return run_delivery(delivery_id)


def enqueue_delivery(delivery_id: int) -> None:
    transaction.on_commit(lambda: deliver.enqueue(delivery_id))


def retry_due_deliveries() -> int:
    """Periodic: re-enqueue failed deliveries whose back-off has passed."""
    due = Delivery.objects.filter(status=DeliveryStatus.FAILED, next_attempt_at__lte=timezone.now())
    ids = list(due.values_list("pk", flat=True)[:200])
    for pk in ids:
        deliver.enqueue(pk)
    # A worker that died mid-send leaves SENDING rows; after 10 minutes they are retried.
    stale = Delivery.objects.filter(
        Q(status=DeliveryStatus.SENDING) & Q(updated_at__lt=timezone.now() - timedelta(minutes=10))
    )
    stale.update(
        status=DeliveryStatus.FAILED,
        last_error="工作进程中断，将自动重试。",
        next_attempt_at=timezone.now(),
    )
    return len(ids)


def scan_published_item(page_id: int) -> int:
    """Check the live text of an item, links included, and keep its findings; returns how many are open."""
    from govmedia.checks.service import check_content, record_findings
    from govmedia.publishing.checking import item_html
    from govmedia.publishing.models import ItemPage

    item = ItemPage.objects.live().filter(pk=page_id).first()
    if item is None:
        return 0
    report = check_content(item_html(item), html=True, links=True)
    return record_findings(item, report)


@task()
def scan_published(page_id: int) -> int:
    return scan_published_item(page_id)
