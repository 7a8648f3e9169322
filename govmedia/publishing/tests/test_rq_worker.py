"""An item published with TASKS_BACKEND=rq is delivered by a real RQ worker on Redis.

Nothing here runs inline: an installation of its own (a temporary data
directory set up by `govmedia setup`, on SQLite, or on a fresh PostgreSQL
database when the suite runs on PostgreSQL) publishes an item in one process,
which only puts the delivery and scan tasks on Redis; `govmedia worker` in
another process runs them, with the periodic scheduler beside it.

Needs Redis (GOVMEDIA_TEST_REDIS_URL, default redis://127.0.0.1:6379): skipped
when none answers, failed when CI=true, because CI must show this works.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = [pytest.mark.redis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
REDIS_BASE_URL = os.environ.get("GOVMEDIA_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
CLAIM_KEY = "govmedia:test-claim"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database of this test's own, emptied afterwards.

    Parallel runs (xdist workers, other checkouts on one CI machine) share the
    server; each claims an empty numbered database with SET NX, so no worker
    ever takes another run's jobs.
    """
    import redis

    try:
        redis.Redis.from_url(f"{REDIS_BASE_URL}/0", socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"no Redis answers at {REDIS_BASE_URL}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run the RQ worker test")
        pytest.skip(message)
    token = uuid.uuid4().hex
    # Database 0 is left to whatever else uses this Redis.
    for db in range(15, 0, -1):
        client = redis.Redis.from_url(f"{REDIS_BASE_URL}/{db}")
        if client.set(CLAIM_KEY, token, nx=True, ex=900):
            if client.dbsize() == 1:
                break
            client.delete(CLAIM_KEY)  # someone uses it without claiming: leave it alone
        client.close()
    else:
        pytest.fail("no free Redis database among 1-15 for the RQ worker test")
    try:
        yield f"{REDIS_BASE_URL}/{db}"
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None for SQLite in the data directory; on PostgreSQL a fresh database, dropped afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield None
        return
    import psycopg

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'postgres'}_rqe2e_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Runs in the publishing process: the real actions, enqueueing to Redis on
# commit; then it waits for the worker and reports what it sees.
PUBLISH_AND_WAIT = """
import json, time
from django_rq import get_queue
from rq.job import Job
from govmedia.devtools.testing import make_people
from govmedia.publishing.models import Delivery, DeliveryStatus
from govmedia.publishing.tests.factories import published_item

EXPECTED = {
    "govmedia.publishing.tasks.deliver",
    "govmedia.publishing.tasks.scan_published",
    "govmedia.core.scheduler.run_periodic_job",
}
queue = get_queue("default")

def finished_jobs():
    ids = queue.finished_job_registry.get_job_ids()
    return [job for job in Job.fetch_many(ids, connection=queue.connection) if job]

item = published_item(make_people())
deliveries = Delivery.objects.filter(page=item)
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    sent = deliveries.exists() and not deliveries.exclude(status=DeliveryStatus.SENT).exists()
    if sent and EXPECTED <= {job.func_name for job in finished_jobs()}:
        break
    time.sleep(0.5)
finished = finished_jobs()
print(json.dumps({
    "deliveries": sorted(deliveries.values_list("publisher", "status")),
    "external_id": deliveries.first().external_id,
    "index_number": item.index_number,
    "finished": sorted({job.func_name for job in finished}),
    "workers": sorted({job.worker_name or "" for job in finished}),
}))
"""


def _govmedia(*args: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govmedia.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_it_publishes_an_item_through_an_rq_worker_on_redis(tmp_path, redis_url, database_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "GOVMEDIA_SEAL_KEY_FILE", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "GOVMEDIA_DATA_DIR": str(tmp_path / "data"),
        "TASKS_BACKEND": "rq",
        "REDIS_URL": redis_url,
        "GOVMEDIA_SCHEDULER_INTERVAL": "1",
        "PYTHONUNBUFFERED": "1",
    }
    if database_url:
        env["DATABASE_URL"] = database_url

    setup = _govmedia("setup", env=env, timeout=600)
    assert setup.returncode == 0, setup.stderr

    with open(tmp_path / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "govmedia.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: RQ forks a work horse per job, which would
            # outlive a worker killed below (seen: one left running after CI).
            start_new_session=True,
        )
        try:
            published = _govmedia("shell", "-c", PUBLISH_AND_WAIT, env=env, timeout=300)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            try:
                os.killpg(worker.pid, signal.SIGKILL)  # whatever it forked
            except ProcessLookupError:
                pass
    worker_log = (tmp_path / "worker.log").read_text()
    assert published.returncode == 0, published.stderr + worker_log
    seen = json.loads(published.stdout.strip().splitlines()[-1])

    # The portal delivery was sent, by the worker process (the publisher only enqueued).
    assert seen["deliveries"] == [["portal", "sent"]], worker_log
    assert seen["external_id"] == seen["index_number"]
    assert {
        "govmedia.publishing.tasks.deliver",
        "govmedia.publishing.tasks.scan_published",
        # The scheduler runs beside the RQ worker and its jobs go through Redis too.
        "govmedia.core.scheduler.run_periodic_job",
    } <= set(seen["finished"])
    assert seen["workers"] and "" not in seen["workers"]
    assert "scheduler: " in worker_log
