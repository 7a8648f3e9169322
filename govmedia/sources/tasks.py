"""Background work of the sources app: one task per read and per probe,
so a broken or slow channel holds up only its own task."""

from __future__ import annotations

from django_tasks import task

from govmedia.core import workers
from govmedia.sources import service


@task()
def read_source_task(source_id: int) -> str:
    return service.run_source(source_id).status


@task()
def probe_source_task(source_id: int) -> bool | None:
    probe = service.probe_source(source_id)
    return probe.ok if probe else None


# A read starts with a claim and stores by upsert; a probe is one more row: both may run again.
workers.REQUEUE_SAFE.add(read_source_task.module_path)
workers.REQUEUE_SAFE.add(probe_source_task.module_path)
