"""The test session's own data directory, set before Django reads the settings.

pytest-django imports `govmedia.settings` before any conftest.py is loaded, and
the settings derive every path (the SQLite file, media, the seal key, backups,
mail, the list caches) from GOVMEDIA_DATA_DIR. So this plugin, loaded with `-p`
from pyproject.toml's addopts, points GOVMEDIA_DATA_DIR at a fresh temporary
directory in `pytest_load_initial_conftests`, ahead of pytest-django. Every
pytest process (the xdist controller and each worker) gets its own, removed at
the end; subprocesses the tests start inherit it unless they set their own.

Variables that would send one path elsewhere (a developer's exported
GOVMEDIA_SEAL_KEY_FILE, for instance) are dropped for the session.

At the end of the session the checkout's `var/` (the data directory a
developer's `govmedia run` uses by default) is compared with its state at the
start; any file the tests created, changed or removed there fails the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Any

import pytest

# A path setting with a variable of its own (GOVMEDIA_SEAL_KEY_FILE,
# GOVMEDIA_BACKUP_DIR, ...) follows GOVMEDIA_DATA_DIR when the variable is unset.
PATH_VARIABLE_ENDINGS = ("_DIR", "_FILE", "_ROOT", "_PATH")
# Where the browser tests leave screenshots for a reader: the tests' output, kept.
KEPT_VARIABLES = {"GOVMEDIA_SCREENSHOT_DIR"}
# The developer's database files may change under a running `govmedia run`;
# the tests never open them (their database is pytest-django's own).
DATABASE_FILES = ("govmedia.sqlite3", "govmedia.sqlite3-wal", "govmedia.sqlite3-shm")

# Settings that name where the code is, not where data goes.
CODE_LOCATIONS = {"BASE_DIR", "PROJECT_DIR"}

_data_dir = pytest.StashKey[Path]()
_var_before = pytest.StashKey[dict[str, tuple[int, int]]]()


def checkout_var(config: pytest.Config) -> Path:
    return Path(config.rootpath) / "var"


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under `directory` (relative path -> size, mtime in ns), without the database."""
    if not directory.is_dir():
        return {}
    found = {}
    for path in directory.rglob("*"):
        if path.is_file() and path.name not in DATABASE_FILES:
            stat = path.stat()
            found[str(path.relative_to(directory))] = (stat.st_size, stat.st_mtime_ns)
    return found


def changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """Human-readable differences between two snapshots, sorted by path."""
    lines = []
    for name in sorted(before.keys() | after.keys()):
        if name not in before:
            lines.append(f"created  {name}")
        elif name not in after:
            lines.append(f"removed  {name}")
        elif before[name] != after[name]:
            lines.append(f"changed  {name}")
    return lines


def outside_data_dir(settings: Any) -> list[str]:
    """Every path setting (a `Path` value, and a SQLite database's file) not inside GOVMEDIA_DATA_DIR."""
    data_dir = Path(os.environ["GOVMEDIA_DATA_DIR"])
    paths = {
        name: getattr(settings, name)
        for name in dir(settings)
        if name.isupper()
        and name not in CODE_LOCATIONS
        and isinstance(getattr(settings, name), PurePath)
    }
    for alias, database in settings.DATABASES.items():
        name = str(database.get("NAME") or "")
        if "sqlite" in database["ENGINE"] and name.startswith("/"):
            paths[f"DATABASES[{alias!r}]['NAME']"] = Path(name)
    return sorted(
        f"{name}={path}"
        for name, path in paths.items()
        if not Path(path).resolve().is_relative_to(data_dir)
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    # Before the settings are imported, which in older versions wrote into var/.
    early_config.stash[_var_before] = snapshot(checkout_var(early_config))
    data_dir = Path(tempfile.mkdtemp(prefix="govmedia-test-")).resolve()
    for name in list(os.environ):
        if (
            name.startswith("GOVMEDIA_")
            and name.endswith(PATH_VARIABLE_ENDINGS)
            and name not in KEPT_VARIABLES
        ):
            del os.environ[name]
    os.environ["GOVMEDIA_DATA_DIR"] = str(data_dir)
    # The checks CLI caches its lists under XDG_CACHE_HOME (~/.cache) unless told otherwise.
    os.environ["GOVMEDIA_CHECKS_CACHE_DIR"] = str(data_dir / "cache" / "checks")
    early_config.stash[_data_dir] = data_dir


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        return  # the controller checks once, after every worker has finished
    before = config.stash.get(_var_before, None)
    if before is None:
        return
    found = changes(before, snapshot(checkout_var(config)))
    if found:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        message = (
            f"the tests changed {checkout_var(config)}, which belongs to the developer's "
            "installation; they must write only into their own GOVMEDIA_DATA_DIR:\n  "
            + "\n  ".join(found)
        )
        if reporter is not None:
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    data_dir = config.stash.get(_data_dir, None)
    if data_dir is not None:
        shutil.rmtree(data_dir, ignore_errors=True)
