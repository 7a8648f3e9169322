"""Fault injection: SIGKILL the real worker (and withdrawals) at random points.

The installation is real and separate from pytest's test database: a
temporary data directory with its own SQLite file, or, when DATABASE_URL
names PostgreSQL, a database `<name>_faults` on that server created here.
Every step runs as `python -m …` from the repository root, as an operator
would run it. Set GOVMEDIA_FAULT_SEED to replay a run; the seed is printed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
# 24 kills (8 rounds) keep the whole CI run within its time; set more for a deeper run.
KILLS = int(os.environ.get("GOVMEDIA_FAULT_KILLS", "24"))
ITEMS = 80
SPREAD_SECONDS = 45


def _postgres_url(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def _admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_postgres_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def installed(
    tmp_path: Path, suffix: str, extra: dict[str, str], *, setup_timeout: int = 300
) -> Iterator[dict[str, str]]:
    """A fresh installation (`govmedia setup`) for worker processes; its environment.

    On PostgreSQL a database `<test database>_<suffix>` beside the test's,
    dropped afterwards; on SQLite a file in `tmp_path`. `extra` adds settings.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        GOVMEDIA_DATA_DIR=str(tmp_path),
        GOVMEDIA_SCHEDULER_INTERVAL="1",
        GOVMEDIA_WORKER_HEARTBEAT="1",
        GOVMEDIA_WORKER_LEASE="3",
        GOVMEDIA_LOG_LEVEL="ERROR",
        TASKS_BACKEND="database",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url = os.environ.get("DATABASE_URL", "")
    database = ""
    if url.startswith("postgres"):
        database = url.rsplit("/", 1)[1].split("?")[0] + f"_{suffix}"
        _admin_sql(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _admin_sql(url, f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = _postgres_url(url, database)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'govmedia.sqlite3'}"
    _run(env, "-m", "govmedia.cli", "setup", "-v", "0", timeout=setup_timeout)
    try:
        yield env
    finally:
        if database:
            _admin_sql(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[dict[str, str]]:
    extra = {
        "GOVMEDIA_FAULT_SENDS": str(tmp_path / "sends.log"),
        "GOVMEDIA_EXTRA_PUBLISHERS": "govmedia.publishing.tests.fault_publisher.FilePublisher",
        "GOVMEDIA_JOB_INTERVALS": (
            "publish_scheduled=1,retry_deliveries=2,recover_tasks=2,reconcile_archive=4,"
            "reconcile_search_index=4"
        ),
    }
    with installed(tmp_path, "faults", extra) as env:
        yield env


def _run(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    done = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


class Victim:
    """A process to be killed at a random moment after it says it is ready."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        rng: random.Random,
        *args: str,
        within: tuple[float, float] = (0.5, 6.0),
    ):
        self.log = log
        self.handle = log.open("w")
        self.proc = subprocess.Popen(
            [PYTHON, *args], cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT
        )
        self.delay = rng.uniform(*within)
        self.kill_at: float | None = None

    def due(self, now: float) -> bool:
        if self.kill_at is None and "ready" in self.log.read_text(errors="replace"):
            self.kill_at = now + self.delay
        return self.kill_at is not None and now >= self.kill_at

    def kill(self) -> bool:
        """SIGKILL it; True if it was still running (a kill that counts)."""
        alive = self.proc.poll() is None
        if alive:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.handle.close()
        return alive


def _kill_loop(env: dict[str, str], logs: Path, rng: random.Random) -> int:
    kills = 0
    round_no = 0
    deadline = time.monotonic() + 900
    while kills < KILLS:
        assert time.monotonic() < deadline, f"only {kills} kills in time"
        round_no += 1
        worker = ("-m", "govmedia.cli", "worker")
        # Two workers at once: overlapping scheduled runs and competing senders.
        victims = [
            Victim(env, logs / f"{round_no}-a.log", rng, *worker),
            Victim(env, logs / f"{round_no}-b.log", rng, *worker),
        ]
        # And a withdrawal, killed as well.
        withdraw = ("-m", "govmedia.publishing.tests.fault_script", "withdraw", "1")
        victims.append(Victim(env, logs / f"{round_no}-w.log", rng, *withdraw, within=(1.0, 8.0)))
        while victims:
            now = time.monotonic()
            for victim in list(victims):
                if victim.due(now) or victim.proc.poll() is not None:
                    kills += victim.kill()
                    victims.remove(victim)
            time.sleep(0.02)
    return kills


def test_every_publication_withdrawal_and_delivery_happens_exactly_once_under_sigkill(
    installation: dict[str, str], tmp_path: Path
):
    seed = int(os.environ.get("GOVMEDIA_FAULT_SEED", str(random.randrange(1 << 30))))
    print(f"GOVMEDIA_FAULT_SEED={seed}")
    rng = random.Random(seed)
    env = installation
    _run(
        env,
        "-m",
        "govmedia.publishing.tests.fault_script",
        "seed",
        str(ITEMS),
        str(SPREAD_SECONDS),
    )
    # Wagtail's index tasks queued by the seeding, out of the way first.
    _run(env, "-m", "govmedia.cli", "worker", "--once", "--no-scheduler")
    logs = tmp_path / "logs"
    logs.mkdir()
    kills = _kill_loop(env, logs, rng)
    assert kills >= KILLS

    # A clean run afterwards: a worker takes back what the dead ones held and
    # finishes every due item; reconcile seals whatever a kill left unsealed.
    time.sleep(4.1)  # every periodic job due again, every lease passed
    _run(env, "-m", "govmedia.cli", "worker", "--once")
    _run(env, "-m", "govmedia.cli", "archive", "reconcile")
    time.sleep(3.2)
    _run(env, "-m", "govmedia.cli", "worker", "--once")
    report = json.loads(
        _run(env, "-m", "govmedia.publishing.tests.fault_script", "check").splitlines()[-1]
    )
    print(report["stats"])
    assert report["problems"] == [], report
    stats = report["stats"]
    assert stats["live"] > 0, stats
    assert stats["withdrawals"] > 0, stats
