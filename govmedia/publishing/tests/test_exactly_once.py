"""Exactly once under faults: each defect of issue 6 reproduced without killing anything.

The kills themselves are in test_faults.py (slow); here each fault is put in
place directly: a publication whose handlers never ran, a revision published
again by an overlapping run, a delivery or task row left behind by a dead
worker.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import PageLogEntry
from wagtail.signals import page_published, page_unpublished

from govmedia.core import scheduler
from govmedia.core.models import WorkerProcess
from govmedia.portal.models import SearchTerm
from govmedia.publishing import publishers
from govmedia.publishing.models import ArchiveKind, ArchiveRecord, Delivery, DeliveryStatus
from govmedia.publishing.publishers.base import Publisher, Receipt
from govmedia.publishing.tasks import deliver
from govmedia.publishing.tests.factories import draft_item, published_item
from govmedia.publishing.tests.fault_publisher import FilePublisher, sent_keys

pytestmark = pytest.mark.django_db


class Crash(Exception):
    """Stands for the process dying at this point."""


def _scheduled_item(people):
    """An item signed off for a time that has now passed, waiting for the scheduler."""
    item = draft_item(people.education, people.editor)
    past = timezone.now() - timedelta(minutes=1)
    item.go_live_at = past
    revision = item.save_revision(user=people.editor)
    revision.approved_go_live_at = past
    revision.save(update_fields=["approved_go_live_at"])
    return item, revision


def _publication_records(item) -> int:
    return (
        ArchiveRecord.objects.filter(page_id=item.pk).exclude(kind=ArchiveKind.WITHDRAWAL).count()
    )


def test_a_crash_inside_scheduled_publishing_leaves_nothing_half_published(
    people, django_capture_on_commit_callbacks
):
    item, _revision = _scheduled_item(people)

    def crash(sender, **kwargs):
        raise Crash

    # After our own handlers (record, deliveries, search entry) have run, the process "dies".
    page_published.connect(crash, dispatch_uid="test-crash")
    try:
        with pytest.raises(Crash):
            scheduler.run_job_now("publish_scheduled")
    finally:
        page_published.disconnect(dispatch_uid="test-crash")
    item.refresh_from_db()
    assert not item.live
    assert _publication_records(item) == 0
    assert not Delivery.objects.filter(page=item).exists()

    # The next run publishes it, once, with everything.
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.run_job_now("publish_scheduled")
    item.refresh_from_db()
    assert item.live and _publication_records(item) == 1
    assert Delivery.objects.filter(page=item, status=DeliveryStatus.SENT).exists()
    assert SearchTerm.objects.filter(page_id=item.pk).exists()


def test_a_revision_published_again_by_an_overlapping_run_is_sealed_once(
    people, django_capture_on_commit_callbacks
):
    item, revision = _scheduled_item(people)
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.run_job_now("publish_scheduled")
        scheduler.run_job_now("publish_scheduled")
    item.refresh_from_db()
    # Two runs that interleave both make the page live and both send Wagtail's
    # signal for the same revision (500 due items take longer than the interval).
    with django_capture_on_commit_callbacks(execute=True):
        page_published.send(sender=type(item), instance=item, revision=item.live_revision)
    assert item.live
    assert _publication_records(item) == 1
    assert not ArchiveRecord.objects.filter(page_id=item.pk, kind=ArchiveKind.CORRECTION).exists()
    assert Delivery.objects.filter(page=item).count() == 1
    assert not PageLogEntry.objects.filter(page=item, action="govmedia.correct").exists()
    call_command("archive", "verify", "--quiet")


def test_reconcile_repairs_a_live_item_without_its_record_deliveries_and_search_entry(
    people, client, django_capture_on_commit_callbacks
):
    item = draft_item(people.education, people.editor)
    # A publication whose process died between making the page live and its
    # handlers: Wagtail committed the page, nothing else happened.
    receivers = page_published.receivers
    page_published.receivers = []
    try:
        item.get_latest_revision().publish(skip_permission_checks=True)
    finally:
        page_published.receivers = receivers
        page_published.sender_receivers_cache.clear()
    item.refresh_from_db()
    assert item.live and _publication_records(item) == 0
    assert not SearchTerm.objects.filter(page_id=item.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("archive", "reconcile")

    record = ArchiveRecord.objects.get(page_id=item.pk)
    assert record.kind == ArchiveKind.PUBLISH
    assert record.payload["revision_id"] == item.live_revision_id
    assert Delivery.objects.filter(page=item, status=DeliveryStatus.SENT).exists()
    assert SearchTerm.objects.filter(page_id=item.pk).exists()
    entry = PageLogEntry.objects.get(page=item, action="govmedia.reconcile")
    assert entry.data["repaired"] == "publication"
    # The repair is on the item's history, where editors look.
    client.force_login(people.editor)
    history = client.get(f"/admin/pages/{item.pk}/history/").content.decode()
    assert "建档补记" in history
    call_command("archive", "verify", "--quiet")

    # Running it again finds nothing to do.
    call_command("archive", "reconcile")
    assert _publication_records(item) == 1


def test_reconcile_seals_a_withdrawal_that_has_no_record(people):
    item = published_item(people)
    receivers = page_unpublished.receivers
    page_unpublished.receivers = []
    try:
        item.unpublish()
    finally:
        page_unpublished.receivers = receivers
        page_unpublished.sender_receivers_cache.clear()
    scheduler.run_job_now("reconcile_archive")
    kinds = list(ArchiveRecord.objects.filter(page_id=item.pk).values_list("kind", flat=True))
    assert kinds == [ArchiveKind.PUBLISH, ArchiveKind.WITHDRAWAL]


# Deliveries left SENDING by a dead worker.


@pytest.fixture
def file_channel(monkeypatch, tmp_path):
    monkeypatch.setitem(publishers.PUBLISHERS, FilePublisher.name, FilePublisher)
    monkeypatch.setenv("GOVMEDIA_FAULT_SENDS", str(tmp_path / "sends.log"))
    return tmp_path / "sends.log"


def _dead_worker() -> str:
    # Its last heartbeat is two minutes old: long past the lease, far short of ten minutes.
    old = timezone.now() - timedelta(minutes=2)
    WorkerProcess.objects.create(
        worker_id="dead-worker", hostname="elsewhere", pid=1, started_at=old, heartbeat_at=old
    )
    return "dead-worker"


def _sending(item, publisher: str, worker_id: str) -> Delivery:
    return Delivery.objects.create(
        page=item,
        revision_id=item.live_revision_id,
        publisher=publisher,
        idempotency_key=f"test:{item.pk}:{publisher}",
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_by=worker_id,
    )


def test_a_delivery_that_went_out_before_its_worker_died_is_not_sent_again(people, file_channel):
    item = published_item(people)
    delivery = _sending(item, FilePublisher.name, _dead_worker())
    # The channel got it; the worker died before recording that.
    file_channel.write_text(f"{delivery.idempotency_key}\n")

    scheduler.run_job_now("retry_deliveries")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.external_id == delivery.idempotency_key
    assert sent_keys() == [delivery.idempotency_key]


def test_a_delivery_whose_worker_died_before_sending_is_sent_once(people, file_channel):
    item = published_item(people)
    delivery = _sending(item, FilePublisher.name, _dead_worker())

    scheduler.run_job_now("retry_deliveries")
    scheduler.run_job_now("retry_deliveries")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert sent_keys() == [delivery.idempotency_key]


def test_a_delivery_held_by_a_live_worker_is_left_alone(people, file_channel):
    item = published_item(people)
    now = timezone.now()
    WorkerProcess.objects.create(
        worker_id="busy", hostname="elsewhere", pid=1, started_at=now, heartbeat_at=now
    )
    delivery = _sending(item, FilePublisher.name, "busy")
    scheduler.run_job_now("retry_deliveries")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENDING and sent_keys() == []


class BlindPublisher(Publisher):
    """A channel that cannot be asked whether something went out."""

    name = "blind"
    sent: list[int] = []

    def publish(self, delivery, item) -> Receipt:
        BlindPublisher.sent.append(delivery.pk)
        return Receipt()


def test_a_channel_that_cannot_be_asked_is_left_for_a_person_not_sent_twice(
    people, monkeypatch, client
):
    monkeypatch.setitem(publishers.PUBLISHERS, BlindPublisher.name, BlindPublisher)
    BlindPublisher.sent = []
    item = published_item(people)
    delivery = _sending(item, BlindPublisher.name, _dead_worker())

    scheduler.run_job_now("retry_deliveries")
    scheduler.run_job_now("retry_deliveries")

    delivery.refresh_from_db()
    assert BlindPublisher.sent == []
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    client.force_login(people.editor)
    page = client.get(f"/admin/items/{item.pk}/record/").content.decode()
    assert "无法向该渠道确认是否已发出" in page


# Task rows left RUNNING by a dead worker.


def _running_task(task, *args, worker_id: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": list(args), "kwargs": {}},
        task_path=task.module_path,
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=1),
        started_at=timezone.now() - timedelta(seconds=30),
        worker_ids=[worker_id],
    )


def test_a_task_row_left_running_by_a_dead_worker_is_failed_and_run_again(people):
    item = published_item(people)
    delivery = Delivery.objects.create(
        page=item,
        revision_id=item.live_revision_id,
        publisher="portal",
        idempotency_key=f"test:{item.pk}:again",
    )
    row = _running_task(deliver, delivery.pk, worker_id=_dead_worker())

    scheduler.run_job_now("recover_tasks")

    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.exception_class_path == "govmedia.core.workers.WorkerLost"
    # Delivering is safe to repeat: it ran again (inline in tests) and sent.
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_a_task_row_of_a_live_worker_stays_running(people):
    now = timezone.now()
    WorkerProcess.objects.create(
        worker_id="busy", hostname="elsewhere", pid=1, started_at=now, heartbeat_at=now
    )
    row = _running_task(deliver, 1, worker_id="busy")
    scheduler.run_job_now("recover_tasks")
    row.refresh_from_db()
    assert row.status == "RUNNING"


# The worker closes and reopens its connection between tasks, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_recovers_dead_workers_tasks_when_it_starts(people, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    row = _running_task(scheduler.run_periodic_job, "retry_deliveries", worker_id=_dead_worker())
    call_command("worker", "--once", "--no-scheduler")
    row.refresh_from_db()
    assert row.status == "FAILED"
    assert not DBTaskResult.objects.filter(status__in=["RUNNING", "READY"]).exists()
    # Re-enqueued and run by this worker.
    assert DBTaskResult.objects.filter(
        task_path=scheduler.run_periodic_job.module_path, status="SUCCESSFUL"
    ).exists()
