"""Periodic jobs, run by `govmedia worker` so nobody has to write a cron line.

Each job is claimed with a conditional UPDATE on its PeriodicJob row, so
several workers on one database run it once per interval between them; the
job itself is enqueued as a task, so failures are retried and visible.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from govmedia.core import workers
from govmedia.core.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: str  # dotted path, imported when run


JOBS: dict[str, Job] = {}


def register(name: str, every_seconds: int, func: str) -> None:
    from django.conf import settings

    every_seconds = settings.GOVMEDIA_JOB_INTERVALS.get(name, every_seconds)
    JOBS[name] = Job(name, timedelta(seconds=every_seconds), func)


def claim(job: Job) -> bool:
    now = timezone.now()
    PeriodicJob.objects.get_or_create(name=job.name)
    return bool(
        PeriodicJob.objects.filter(name=job.name)
        .filter(Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every))
        .update(last_started_at=now)
    )


def run_job_now(name: str) -> None:
    func: Callable[[], object] = import_string(JOBS[name].func)
    try:
        result = func()
    except Exception:
        PeriodicJob.objects.filter(name=name).update(
            last_finished_at=timezone.now(),
            last_ok=False,
            last_error=traceback.format_exc()[-4000:],
        )
        raise
    PeriodicJob.objects.filter(name=name).update(
        last_finished_at=timezone.now(), last_ok=True, last_error=""
    )
    logger.info("periodic job %s done: %s", name, result)


@task()
def run_periodic_job(name: str) -> None:
    run_job_now(name)


# Every job is idempotent (a claim or a replace-all write), so one cut short
# by a dead worker simply runs again.
workers.REQUEUE_SAFE.add(run_periodic_job.module_path)


def tick() -> list[str]:
    """Enqueue every job that is due; returns their names."""
    started = []
    for job in JOBS.values():
        if claim(job):
            run_periodic_job.enqueue(job.name)
            started.append(job.name)
    return started


def run_forever(interval: float, stop: threading.Event) -> None:
    from django.db import close_old_connections

    while not stop.is_set():
        try:
            close_old_connections()
            tick()
        except Exception:  # the scheduler must outlive a bad tick
            logger.exception("scheduler tick failed")
        stop.wait(interval)
