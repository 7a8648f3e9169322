"""Which worker holds which work, and taking work back from a worker that died.

A worker that is killed (SIGKILL, OOM, power loss) runs no `finally`: the
task row it was running stays RUNNING and whatever it had claimed stays
claimed. Every `govmedia worker` therefore registers a `WorkerProcess` row and
refreshes its heartbeat every GOVMEDIA_WORKER_HEARTBEAT seconds; work that
names a worker is abandoned when that worker's heartbeat is older than
GOVMEDIA_WORKER_LEASE, or at once when the worker ran on this host and its
process no longer exists. Work claimed by a process that keeps no heartbeat
(a web process running a task inline) falls back to GOVMEDIA_UNTRACKED_LEASE.

Higher layers recover their own claims (deliveries, in publishing) when a
worker starts, through the `worker_starting` signal, and periodically.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from govmedia.core.models import WorkerProcess

logger = logging.getLogger(__name__)

# Sent by `govmedia worker` before it runs any task, so each module can take
# back the work that a dead worker left claimed.
worker_starting = Signal()

# Task paths that may simply run again after their worker died mid-run: each
# is idempotent on its own (a conditional claim, a replace-all write).
# Modules add their own; anything else is marked failed for a person to see.
REQUEUE_SAFE: set[str] = {
    # Wagtail's own tasks recompute an index entry from the current row.
    "wagtail.tasks.update_reference_index_task",
    "modelsearch.tasks.insert_or_update_object_task",
}

_current: dict[str, str] = {}


class WorkerLost(Exception):
    """Recorded on a task row whose worker died while running it."""


def _hostname() -> str:
    return socket.gethostname()[:200]


def current_worker_id() -> str:
    """The id this process puts on work it claims.

    A registered worker has its own; any other process (web, a command) gets
    one naming its host and pid, with no heartbeat behind it.
    """
    return _current.get("id") or f"{_hostname()[:40]}-{os.getpid()}-untracked"


def register(stop: threading.Event) -> str:
    """Register this process as a worker and keep its heartbeat until `stop` is set."""
    worker_id = f"{_hostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
    now = timezone.now()
    WorkerProcess.objects.create(
        worker_id=worker_id, hostname=_hostname(), pid=os.getpid(), started_at=now, heartbeat_at=now
    )
    _current["id"] = worker_id
    thread = threading.Thread(
        target=_beat, args=(worker_id, stop), name="govmedia-heartbeat", daemon=True
    )
    thread.start()
    return worker_id


def unregister(worker_id: str) -> None:
    # A clean exit leaves nothing claimed, so the row goes with it.
    WorkerProcess.objects.filter(worker_id=worker_id).delete()
    _current.pop("id", None)


def _beat(worker_id: str, stop: threading.Event) -> None:
    while not stop.wait(settings.GOVMEDIA_WORKER_HEARTBEAT):
        try:
            close_old_connections()
            WorkerProcess.objects.filter(worker_id=worker_id).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat is not fatal; the lease allows several
            logger.exception("worker heartbeat failed")


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def abandoned(worker_ids: Iterable[str], claimed_at: dict[str, datetime]) -> set[str]:
    """Those of `worker_ids` whose work may be taken over now.

    `claimed_at` gives, per worker id, the latest time work was claimed by it;
    it matters only for ids with no heartbeat row.
    """
    ids = {worker_id for worker_id in worker_ids if worker_id}
    if not ids:
        return set()
    now = timezone.now()
    lease = timedelta(seconds=settings.GOVMEDIA_WORKER_LEASE)
    untracked = timedelta(seconds=settings.GOVMEDIA_UNTRACKED_LEASE)
    here = _hostname()
    known = {w.worker_id: w for w in WorkerProcess.objects.filter(worker_id__in=ids)}
    gone = set()
    for worker_id in ids:
        worker = known.get(worker_id)
        if worker is None:
            if worker_id == current_worker_id():
                continue
            since = claimed_at.get(worker_id)
            if since is None or since < now - untracked:
                gone.add(worker_id)
        elif worker.heartbeat_at < now - lease:
            gone.add(worker_id)
        elif worker.hostname == here and worker.pid != os.getpid():
            if not _process_exists(worker.pid):
                gone.add(worker_id)
    return gone


def recover_stale_tasks() -> int:
    """Mark failed the task rows left RUNNING by a dead worker; re-enqueue the safe ones.

    Returns how many rows were recovered. Only the database task backend keeps
    rows; with another backend there is nothing to do here.
    """
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return 0
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
            "id",
            "worker_ids",
            "started_at",
            "task_path",
            "args_kwargs",
            "priority",
            "queue_name",
            "backend_name",
            "run_after",
        )
    )
    claimed_at: dict[str, datetime] = {}
    for row in running:
        last = row.worker_ids[-1] if row.worker_ids else ""
        if row.started_at and (last not in claimed_at or row.started_at > claimed_at[last]):
            claimed_at[last] = row.started_at
    gone = abandoned({row.worker_ids[-1] for row in running if row.worker_ids}, claimed_at)
    recovered = 0
    for row in running:
        if not row.worker_ids or row.worker_ids[-1] not in gone:
            continue
        with transaction.atomic():
            # Conditional, so two recovering workers fail and re-enqueue a row once.
            taken = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: worker {row.worker_ids[-1]} died while running this task\n",
            )
            if not taken:
                continue
            recovered += 1
            if row.task_path in REQUEUE_SAFE:
                args = row.args_kwargs
                # Due now (its original time has passed), so without `run_after`,
                # which not every backend accepts.
                task = import_string(row.task_path).using(
                    priority=row.priority, queue_name=row.queue_name, backend=row.backend_name
                )
                task.enqueue(*args["args"], **args["kwargs"])
        logger.warning(
            "task %s (%s) was left running by dead worker %s: marked failed%s",
            row.pk,
            row.task_path,
            row.worker_ids[-1],
            ", enqueued again" if row.task_path in REQUEUE_SAFE else "",
        )
    # Rows of workers dead for a day are history nobody reads.
    WorkerProcess.objects.filter(heartbeat_at__lt=timezone.now() - timedelta(days=1)).delete()
    return recovered
