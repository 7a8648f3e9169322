"""`govmedia run` as an operator meets it: started, read, and stopped with a signal."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(tmp_path: Path) -> dict[str, str]:
    """A data directory whose database has the schema of the test database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVMEDIA_")}
    env.update(GOVMEDIA_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT), DATABASE_URL="")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(tmp_path / "govmedia.sqlite3") as copy:
            connection.connection.backup(copy)
    else:
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = (
            f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its exit status is left


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_stops_its_worker_on_a_signal_and_prints_the_address_last(tmp_path, stop_signal):
    port = _free_port()
    run = subprocess.Popen(
        [sys.executable, "-m", "govmedia.cli", "run", "--port", str(port)],
        cwd=ROOT,
        env=_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if line.startswith("Press Ctrl+C to stop."):
                break
        assert any(f"govmedia is running at http://127.0.0.1:{port}/" in line for line in lines)
        (worker,) = _children(run.pid)
        # The worker settles (scheduler, first poll) without a line of task log.
        time.sleep(3)
        assert _alive(worker)

        run.send_signal(stop_signal)
        rest = run.communicate(timeout=30)[0]
        assert run.returncode is not None
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), "the worker outlived `govmedia run`"
        # Nothing the worker printed pushed the summary away before the stop.
        assert "INFO" not in rest, rest
    finally:
        if run.poll() is None:
            run.kill()
