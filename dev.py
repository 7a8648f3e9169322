#!/usr/bin/env python3
"""Set up and run govmedia from a fresh clone with Python 3.11+ and nothing else.

    python3 dev.py start   install into .venv, set up SQLite with demo data, run web + worker
    python3 dev.py test    install test tools into .venv and run the whole test suite

Extra arguments after `test` go to pytest (e.g. `python3 dev.py test -k archive`).
Set DATABASE_URL to run the tests on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain itself on an old Python
        sys.exit("govmedia needs Python 3.11 or newer; this is " + sys.version.split()[0])
    if not PYTHON.exists():
        say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Reinstall only when pyproject.toml changed since the last install.
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    say(
        f"installing govmedia{f'[{extras}]' if extras else ''} and its dependencies (first time takes a few minutes)"
    )
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(digest)


def start(args: list[str]) -> int:
    ensure_venv("")
    govmedia = [str(PYTHON), "-m", "govmedia.cli"]
    say("setting up the database, the site, the seal key and demo data")
    subprocess.run([*govmedia, "setup", "--demo"], cwd=ROOT, check=True)
    say("starting web and worker")
    child = subprocess.Popen([*govmedia, "run", *args], cwd=ROOT)
    # A SIGTERM sent to this script alone (a service manager, `kill`) is passed
    # on, so `govmedia run` stops its web server and worker instead of living on.
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signal.SIGTERM))
    try:
        return child.wait()
    except KeyboardInterrupt:
        # Ctrl+C reached `govmedia run` too (same process group): let it stop.
        try:
            return child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()


def test(args: list[str]) -> int:
    ensure_venv("test")
    workers = os.environ.get("GOVMEDIA_TEST_WORKERS", "2")
    command = [str(PYTHON), "-m", "pytest", "-p", "no:cacheprovider", "-n", workers, *args]
    say(
        "running the tests on "
        + ("PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite")
    )
    return subprocess.call(command, cwd=ROOT)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"start", "test"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return start(rest) if command == "start" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
