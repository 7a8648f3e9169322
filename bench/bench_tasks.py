#!/usr/bin/env python3
"""Benchmark background-task throughput: the database queue and RQ on Redis, one and two workers.

    .venv/bin/python bench/bench_tasks.py [--tasks 600] [--databases postgres,sqlite]

For each database it builds a fresh installation (`govmedia setup` in a
temporary data directory; on PostgreSQL a fresh database beside the one in
--postgres-url, dropped afterwards) and measures, with one workload task that
reads and writes one row the way a channel delivery does:

- the baseline: the task's function called in a loop in one process, no
  queue at all (what the work itself costs on this machine, now);
- `govmedia worker` with TASKS_BACKEND=database, one and two processes;
- `govmedia worker` with TASKS_BACKEND=rq on Redis, one and two processes.

All tasks are enqueued first, then the workers start. Throughput is taken
over the middle 80 % of completions (each task stamps its completion time in
the database), so neither start-up nor the last straggler counts. Results are
tasks per second and the ratio to the baseline of the same run, so they
compare across machines; they go to bench/results/ as JSON.

Needs Redis (--redis-url, default redis://127.0.0.1:6379); the run claims an
empty numbered Redis database and empties it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLAIM_KEY = "govmedia:bench-claim"
JOB_PREFIX = "bench-task-"


if __name__ != "__main__":
    # Imported by the installation's processes as bench.bench_tasks; the script
    # itself runs without Django, and django-tasks reads settings when it decorates.
    from django_tasks import task

    @task()
    def workload(label: str, number: int) -> int:
        """One read and one write, as a delivery claims and updates its row."""
        from django.utils import timezone

        from govmedia.core.models import PeriodicJob

        job, _ = PeriodicJob.objects.get_or_create(name=f"{JOB_PREFIX}{label}-{number}")
        PeriodicJob.objects.filter(pk=job.pk).update(last_finished_at=timezone.now(), last_ok=True)
        return number


# Run in the installation through `govmedia shell -c`, so the task is imported
# by its module path (bench.bench_tasks.workload), the way workers import it.
ENQUEUE = """
from bench.bench_tasks import workload
for number in range({tasks}):
    workload.enqueue({label!r}, number)
"""
DIRECT = """
import time
from bench.bench_tasks import workload
start = time.perf_counter()
for number in range({tasks}):
    workload.call({label!r}, number)
print("{tasks} tasks in", time.perf_counter() - start)
"""


def query(env: dict[str, str], sql: str, params: tuple = ()) -> list[tuple]:
    """Read the installation's database directly: a Django shell per poll would load the CPU
    the workers are measured on."""
    url = env.get("DATABASE_URL")
    if url:
        import psycopg

        with psycopg.connect(url) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()
    import sqlite3

    connection = sqlite3.connect(Path(env["GOVMEDIA_DATA_DIR"]) / "govmedia.sqlite3", timeout=20)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def completions(env: dict[str, str], prefix: str) -> list[float]:
    rows = query(
        env,
        "SELECT last_finished_at FROM core_periodicjob WHERE name LIKE ? AND last_finished_at IS NOT NULL",
        (prefix + "%",),
    )
    stamps = []
    for (stamp,) in rows:
        if isinstance(stamp, str):  # SQLite keeps ISO text
            from datetime import datetime

            stamp = datetime.fromisoformat(stamp)
        stamps.append(stamp.timestamp())
    return sorted(stamps)


def govmedia(args: list[str], env: dict[str, str], *, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "govmedia.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise SystemExit(f"govmedia {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def shell(code: str, env: dict[str, str]) -> str:
    return govmedia(["shell", "-c", code], env).strip().splitlines()[-1]


def claim_redis_db(base_url: str) -> tuple[str, object]:
    import redis

    token = uuid.uuid4().hex
    for db in range(15, 0, -1):
        client = redis.Redis.from_url(f"{base_url}/{db}")
        if client.set(CLAIM_KEY, token, nx=True, ex=3600):
            if client.dbsize() == 1:
                return f"{base_url}/{db}", client
            client.delete(CLAIM_KEY)
        client.close()
    raise SystemExit("no empty Redis database among 1-15")


def rate(stamps: list[float]) -> float:
    """Completions per second over the middle 80 %: start-up and the last straggler excluded."""
    low, high = int(len(stamps) * 0.1), int(len(stamps) * 0.9)
    span = stamps[high] - stamps[low]
    return (high - low) / span if span > 0 else float("inf")


def measure_workers(env: dict[str, str], label: str, tasks: int, workers: int) -> float:
    shell(ENQUEUE.format(tasks=tasks, label=label), env)
    prefix = f"{JOB_PREFIX}{label}-"
    processes = [
        subprocess.Popen(
            [PYTHON, "-m", "govmedia.cli", "worker", "--no-scheduler", "-v", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 600
        while len(completions(env, prefix)) < tasks:
            if time.monotonic() > deadline:
                raise SystemExit(f"{label}: the workers did not finish {tasks} tasks in 10 minutes")
            time.sleep(0.5)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return rate(completions(env, prefix))


def fresh_postgres(base_url: str) -> str:
    import psycopg

    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_bench_tasks"
    with psycopg.connect(base_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres(base_url: str, url: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


def bench_database(database: str, args: argparse.Namespace, redis_url: str) -> list[dict]:
    data_dir = tempfile.mkdtemp(prefix=f"govmedia-bench-tasks-{database}-")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "GOVMEDIA_SEAL_KEY_FILE", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {"GOVMEDIA_DATA_DIR": data_dir, "REDIS_URL": redis_url, "GOVMEDIA_LOG_LEVEL": "WARNING"}
    database_url = fresh_postgres(args.postgres_url) if database == "postgres" else None
    if database_url:
        env["DATABASE_URL"] = database_url
    try:
        print(f"[{database}] setting up a fresh installation", flush=True)
        govmedia(["setup"], {**env, "TASKS_BACKEND": "database"})
        rows = []
        print(f"[{database}] baseline: {args.tasks} direct calls", flush=True)
        # Timed inside the shell, so its start-up does not count.
        seconds = float(shell(DIRECT.format(tasks=args.tasks, label="direct"), env).split()[-1])
        baseline = args.tasks / seconds
        rows.append({"database": database, "run": "baseline: direct calls", "per_second": baseline})
        for backend in args.backends.split(","):
            for workers in (1, 2):
                label = f"{backend}{workers}"
                print(f"[{database}] {backend} backend, {workers} worker(s)", flush=True)
                per_second = measure_workers(
                    {**env, "TASKS_BACKEND": backend}, label, args.tasks, workers
                )
                rows.append(
                    {
                        "database": database,
                        "run": f"{backend} backend, {workers} worker{'s' if workers > 1 else ''}",
                        "per_second": per_second,
                    }
                )
        for row in rows:
            row["vs_baseline"] = row["per_second"] / baseline
        return rows
    finally:
        if database_url:
            drop_postgres(args.postgres_url, database_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=600, help="tasks per measurement")
    parser.add_argument("--databases", default="postgres", help="postgres, sqlite or both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a database to connect to; the benchmark creates and drops its own beside it",
    )
    parser.add_argument("--backends", default="database,rq", help="database, rq or both")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    args = parser.parse_args()

    redis_url, client = claim_redis_db(args.redis_url.rstrip("/"))
    try:
        rows = []
        for database in args.databases.split(","):
            rows += bench_database(database.strip(), args, redis_url)
    finally:
        client.flushdb()  # type: ignore[attr-defined]
        client.close()  # type: ignore[attr-defined]

    print(f"\n{'database':<10} {'run':<30} {'tasks/s':>9} {'vs baseline':>12}")
    for row in rows:
        print(
            f"{row['database']:<10} {row['run']:<30} {row['per_second']:>9.1f} {row['vs_baseline']:>12.3f}"
        )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"tasks-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "tasks": args.tasks,
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "rows": rows,
            },
            indent=2,
        )
    )
    print(f"\nresults: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
