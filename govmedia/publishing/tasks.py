"""Background work of the publishing module."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from govmedia.core import workers
from govmedia.core.workers import current_worker_id
from govmedia.publishing.models import Delivery, DeliveryStatus, RetractStatus
from govmedia.publishing.publishers import PUBLISHERS, PublishError, Receipt, get_publisher

logger = logging.getLogger(__name__)


# Shown on a delivery whose sender died mid-send on a channel that cannot be asked.
UNCONFIRMED = (
    "发送过程中后台进程中断，无法向该渠道确认是否已发出：请到渠道核对，未发出的请手动重发。"
)


def _claim(delivery_id: int) -> int | None:
    """Claim the row for this process; returns the attempts made before, or None if not claimed.

    A conditional UPDATE, so two workers never send the same delivery. The
    attempt is counted in the claim itself: a sender killed mid-send leaves a
    row that says a send may have happened, so the next sender asks first.
    """
    row = Delivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]
    ).values_list("attempts", flat=True)
    before = row.first()
    if before is None:
        return None
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        attempts=before,
    ).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_by=current_worker_id(),
        updated_at=timezone.now(),
    )
    return before if claimed else None


def _finish(delivery: Delivery, **fields) -> str:
    # Conditional on our claim: a sender that was presumed dead and taken
    # over must not overwrite the outcome of the one that took over.
    Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_by=current_worker_id()
    ).update(claimed_by="", updated_at=timezone.now(), **fields)
    return fields["status"]


def _sent(delivery: Delivery, receipt: Receipt) -> str:
    return _finish(
        delivery,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
        external_id=receipt.external_id or delivery.external_id,
        external_url=receipt.external_url or delivery.external_url,
    )


def next_attempt(delivery: Delivery, error: PublishError | None = None) -> datetime | None:
    """When a failed delivery is tried again: None when it waits for a person.

    The usual back-off is 2, 4, 8 … minutes; a channel that said when to come
    back (`PublishError.retry_at`: a rate limit's next window, Retry-After) is
    asked then; a refusal only a person can fix (`needs_person`) and a
    delivery whose attempts are used up wait for 重新发送.
    """
    now = timezone.now()
    if error is not None and error.needs_person:
        return None
    if delivery.attempts >= settings.GOVMEDIA_PUBLISH_MAX_ATTEMPTS:
        return None
    if error is not None and error.retry_at is not None:
        return max(error.retry_at, now)
    return now + timedelta(minutes=2 ** min(delivery.attempts, 8))


def _failed(delivery: Delivery, error: PublishError) -> str:
    logger.warning(
        "delivery %s to %s failed (attempt %s): %s",
        delivery.pk,
        delivery.publisher,
        delivery.attempts,
        error,
    )
    return _finish(
        delivery,
        status=DeliveryStatus.FAILED,
        last_error=str(error),
        next_attempt_at=next_attempt(delivery, error),
    )


def run_delivery(delivery_id: int) -> str:
    """Send one delivery; returns its final status."""
    before = _claim(delivery_id)
    if before is None:
        return Delivery.objects.get(pk=delivery_id).status
    delivery = Delivery.objects.select_related("page").get(pk=delivery_id)
    item = delivery.page.specific
    try:
        publisher = get_publisher(delivery.publisher)
        if before and publisher.supports_lookup:
            # An earlier attempt may have gone out before its sender died or
            # timed out: the channel's own answer decides, never a second send.
            receipt = publisher.lookup(delivery, item)
            if receipt is not None:
                return _sent(delivery, receipt)
        if delivery.revision_id and item.live_revision_id != delivery.revision_id:
            # A later correction or a withdrawal overtook this version: sending it now would be wrong.
            return _finish(
                delivery,
                status=DeliveryStatus.RETRACTED,
                last_error="该版本已被更正或撤稿取代，不再发送。",
            )
        receipt = publisher.publish(delivery, item)
    except PublishError as exc:
        return _failed(delivery, exc)
    return _sent(delivery, receipt)


@task()
def deliver(delivery_id: int) -> str:
    return run_delivery(delivery_id)


# Sending twice is prevented by the claim and the lookup, so a deliver task cut
# short by a dead worker may run again.
workers.REQUEUE_SAFE.add(deliver.module_path)


def enqueue_delivery(delivery_id: int) -> None:
    transaction.on_commit(lambda: deliver.enqueue(delivery_id))


def recover_deliveries() -> int:
    """Take back deliveries whose sender died; returns how many were enqueued again.

    A SENDING row whose worker is gone is resumed at once on a channel that
    answers `lookup` (the next attempt asks before sending); on any other it
    is left FAILED for a person, who can see on the channel whether it went
    out. A PENDING row older than the lease lost its task (the process died
    between commit and enqueue) or waits in a long queue; enqueuing it again
    is harmless because sending starts with a claim.
    """
    sending = list(
        Delivery.objects.filter(status=DeliveryStatus.SENDING).values_list(
            "pk", "claimed_by", "updated_at", "publisher"
        )
    )
    claimed_at: dict[str, datetime] = {}
    for _pk, worker_id, updated_at, _publisher in sending:
        claimed_at[worker_id] = max(updated_at, claimed_at.get(worker_id, updated_at))
    gone = workers.abandoned({row[1] for row in sending}, claimed_at)
    resumed: list[int] = []
    for pk, worker_id, _updated_at, publisher in sending:
        if worker_id not in gone:
            continue
        answers = publisher in PUBLISHERS and PUBLISHERS[publisher].supports_lookup
        taken = Delivery.objects.filter(
            pk=pk, status=DeliveryStatus.SENDING, claimed_by=worker_id
        ).update(
            status=DeliveryStatus.FAILED,
            claimed_by="",
            last_error="后台进程中断，将先向渠道确认后继续。" if answers else UNCONFIRMED,
            next_attempt_at=timezone.now() if answers else None,
            updated_at=timezone.now(),
        )
        if taken and answers:
            resumed.append(pk)
        logger.warning("delivery %s was left sending by dead worker %s", pk, worker_id)
    lease = timedelta(seconds=settings.GOVMEDIA_WORKER_LEASE)
    stuck = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, created_at__lt=timezone.now() - lease
    ).values_list("pk", flat=True)
    resumed += list(stuck[:500])
    for pk in resumed:
        deliver.enqueue(pk)
    return len(resumed)


def retry_due_deliveries() -> int:
    """Periodic: re-enqueue failed deliveries whose back-off has passed, and those a dead worker left."""
    due = Delivery.objects.filter(status=DeliveryStatus.FAILED, next_attempt_at__lte=timezone.now())
    ids = list(due.values_list("pk", flat=True)[:200])
    for pk in ids:
        deliver.enqueue(pk)
    return len(ids) + recover_deliveries()


def scan_published_item(page_id: int) -> int:
    """Check the live text of an item, links included, and keep its findings; returns how many are open."""
    from govmedia.checks.service import check_content, record_findings
    from govmedia.publishing.checking import item_html
    from govmedia.publishing.models import ItemPage

    item = ItemPage.objects.live().filter(pk=page_id).first()
    if item is None:
        return 0
    report = check_content(item_html(item), html=True, links=True, document_date=item.written_date)
    return record_findings(item, report)


@task()
def scan_published(page_id: int) -> int:
    return scan_published_item(page_id)


workers.REQUEUE_SAFE.add(scan_published.module_path)


# Retraction after a withdrawal (撤稿): each sent delivery is taken back by its
# publisher, as its own task, retried with back-off and shown on the item; a
# channel that cannot retract, or that kept failing, becomes a person's to-do.


def _claim_retraction(delivery_id: int) -> bool:
    # The same conditional-UPDATE claim as sending: two workers never retract one delivery twice.
    return bool(
        Delivery.objects.filter(
            pk=delivery_id, retract_status__in=[RetractStatus.PENDING, RetractStatus.FAILED]
        ).update(retract_status=RetractStatus.RETRACTING, updated_at=timezone.now())
    )


def _hand_over_retraction(delivery: Delivery, detail: str) -> None:
    from govmedia.publishing.models import ChannelTodo, TodoKind

    delivery.retract_status = RetractStatus.MANUAL
    delivery.retract_next_attempt_at = None
    if delivery.channel_id is None:
        # The portal is ours: there is nobody else to ask, the error stays visible.
        delivery.retract_status = RetractStatus.FAILED
        return
    ChannelTodo.objects.get_or_create(
        key=f"retract:delivery:{delivery.pk}",
        defaults={
            "page_id": delivery.page_id,
            "channel_id": delivery.channel_id,
            "kind": TodoKind.RETRACT,
            "revision_id": delivery.revision_id,
            "delivery": delivery,
            "detail": detail,
            "external_url": delivery.external_url,
        },
    )


def run_retraction(delivery_id: int) -> str:
    """Take one sent delivery back off its channel; returns its retraction status."""
    if not _claim_retraction(delivery_id):
        return Delivery.objects.get(pk=delivery_id).retract_status
    delivery = Delivery.objects.select_related("page").get(pk=delivery_id)
    item = delivery.page.specific
    publisher = None
    try:
        publisher = get_publisher(delivery.publisher)
    except PublishError as exc:
        delivery.retract_error = str(exc)
    with transaction.atomic():
        if publisher is None or not publisher.can_retract:
            delivery.retract_error = delivery.retract_error or "该渠道接口不支持撤回。"
            _hand_over_retraction(
                delivery, "该渠道不能自动撤回，请到该渠道手工删除或隐藏本条信息。"
            )
        else:
            delivery.retract_attempts += 1
            try:
                publisher.retract(delivery, item)
            except PublishError as exc:
                delivery.retract_error = str(exc)
                exhausted = delivery.retract_attempts >= settings.GOVMEDIA_PUBLISH_MAX_ATTEMPTS
                if exhausted:
                    _hand_over_retraction(
                        delivery, f"自动撤回 {delivery.retract_attempts} 次均失败：{exc}"
                    )
                else:
                    delivery.retract_status = RetractStatus.FAILED
                    backoff = timedelta(minutes=2 ** min(delivery.retract_attempts, 8))
                    delivery.retract_next_attempt_at = (
                        max(exc.retry_at, timezone.now())
                        if exc.retry_at is not None
                        else timezone.now() + backoff
                    )
                logger.warning(
                    "retraction of delivery %s from %s failed (attempt %s): %s",
                    delivery.pk,
                    delivery.publisher,
                    delivery.retract_attempts,
                    exc,
                )
            else:
                delivery.retract_status = RetractStatus.DONE
                delivery.retract_error = ""
                delivery.retract_next_attempt_at = None
                delivery.retracted_at = timezone.now()
        delivery.save(
            update_fields=[
                "retract_status",
                "retract_attempts",
                "retract_error",
                "retract_next_attempt_at",
                "retracted_at",
                "updated_at",
            ]
        )
    return delivery.retract_status


@task()
def retract(delivery_id: int) -> str:
    return run_retraction(delivery_id)


def enqueue_retraction(delivery_id: int) -> None:
    transaction.on_commit(lambda: retract.enqueue(delivery_id))


def retry_due_retractions() -> int:
    """Periodic: retract what is due again, and what a withdrawal has not reached yet.

    A delivery that was still being sent when its item was withdrawn becomes
    "sent" after the withdrawal looked at it; it is caught here, because a
    sent delivery of an item that is not live must always be taken back.
    """
    now = timezone.now()
    missed = Delivery.objects.filter(
        status=DeliveryStatus.SENT, retract_status="", page__live=False
    )
    missed_ids = list(missed.values_list("pk", flat=True)[:200])
    Delivery.objects.filter(pk__in=missed_ids).update(
        retract_status=RetractStatus.PENDING, updated_at=now
    )
    Delivery.objects.filter(
        retract_status=RetractStatus.RETRACTING, updated_at__lt=now - timedelta(minutes=10)
    ).update(
        retract_status=RetractStatus.FAILED,
        retract_error="工作进程中断，将自动重试。",
        retract_next_attempt_at=now,
    )
    # A pending retraction older than a few minutes lost its task (a queue
    # cleared, a crash before the enqueue); fresh ones are on their way.
    due = Delivery.objects.filter(
        Q(retract_status=RetractStatus.PENDING, updated_at__lt=now - timedelta(minutes=2))
        | Q(retract_status=RetractStatus.FAILED, retract_next_attempt_at__lte=now)
    )
    ids = missed_ids + list(due.values_list("pk", flat=True)[:200])
    for pk in ids:
        retract.enqueue(pk)
    return len(ids)


workers.REQUEUE_SAFE.add(retract.module_path)
