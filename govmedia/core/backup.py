"""Backups that restore: one dated `.tar.gz` holding everything an installation needs.

An archive made by `create_backup` contains, beside a `manifest.json`:

- the database: `database.sqlite3`, written with SQLite's online backup API
  (a plain copy of a live WAL-mode file misses every write still in the
  `-wal` file), or `database.pgdump`, `pg_dump`'s custom format on PostgreSQL;
  every table travels, the seal's keyring included when the schema has one;
- `media/`: uploaded documents and images;
- `keys/seal_private_key.pem`: the seal's private key (GOVMEDIA_SEAL_KEY_FILE),
  without which no new record can be sealed;
- `keys/secret_key`: the generated session key of the data directory, if any.

The manifest names the versions, counts the pages, archive records and media
files, and gives every member's SHA-256, so `restore_backup` refuses a damaged
archive before it writes anything and checks after restoring that the database
holds what the backup held.

This module sits in `core`, below the features: it reaches the archive only
through the `archive verify` command and `apps.get_model`, never by importing
publishing.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from tqdm import tqdm

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PGDUMP_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
SEAL_KEY_MEMBER = "keys/seal_private_key.pem"
SECRET_KEY_MEMBER = "keys/secret_key"
NAME_PREFIX = "govmedia-backup-"
NAME_SUFFIX = ".tar.gz"
# Pages copied per step of SQLite's backup: small enough for a moving progress
# bar, large enough that a 1 GB database takes a few hundred steps.
_SQLITE_PAGES_PER_STEP = 1024
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    verify_output: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _progress(total: int, unit: str, desc: str, quiet: bool) -> tqdm:
    return tqdm(
        total=total,
        unit=unit,
        desc=desc,
        disable=quiet or not sys.stderr.isatty(),
        file=sys.stderr,
        leave=False,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def _counted_tables() -> dict[str, str]:
    """Table per count in the manifest; looked up by name so core imports no feature."""
    from wagtail.models import Page

    tables = {"pages": Page._meta.db_table}
    if apps.is_installed("govmedia.publishing"):
        tables["archive_records"] = apps.get_model("publishing", "ArchiveRecord")._meta.db_table
    return tables


def _latest_migrations(alias: str = "default") -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        latest[app] = name
    return latest


# -- the database ------------------------------------------------------------


def sqlite_copy(
    source: sqlite3.Connection, target: Path, progress: Callable[[int, int], None] | None = None
) -> None:
    """Copy a live SQLite database through its online backup API, WAL content included."""
    destination = sqlite3.connect(target)
    try:

        def step(status: int, remaining: int, total: int) -> None:
            if progress:
                progress(total - remaining, total)

        source.backup(destination, pages=_SQLITE_PAGES_PER_STEP, progress=step)
    finally:
        destination.close()


def _sqlite_counts(path: Path, tables: dict[str, str]) -> dict[str, int]:
    with _closing_sqlite(path) as db:
        return {
            name: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for name, table in tables.items()
        }


@contextmanager
def _closing_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(path)
    try:
        yield db
    finally:
        db.close()


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore/psql, so no password shows in `ps`."""
    env = os.environ.copy()
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run_pg_tool(args: list[str], settings_dict: dict[str, Any]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(
            f"{args[0]} not found; install the PostgreSQL client of the server's major version "
            "(Debian: apt-get install postgresql-client)"
        )
    done = subprocess.run(args, env=_pg_env(settings_dict), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(staging: Path, quiet: bool) -> tuple[str, dict[str, int], dict[str, Any]]:
    """Write the database into `staging`; return its member name, its counts and a description."""
    connection = connections["default"]
    connection.ensure_connection()
    tables = _counted_tables()
    description: dict[str, Any] = {"vendor": connection.vendor, "migrations": _latest_migrations()}
    if connection.vendor == "sqlite":
        target = staging / SQLITE_MEMBER
        bar = _progress(0, "page", "database", quiet)
        with bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            sqlite_copy(connection.connection, target, progress)
        description["sqlite_version"] = sqlite3.sqlite_version
        # Counted in the copy itself, so the manifest describes exactly what was saved.
        return SQLITE_MEMBER, _sqlite_counts(target, tables), description
    if connection.vendor == "postgresql":
        target = staging / PGDUMP_MEMBER
        description["server_version"] = connection.pg_version
        # One REPEATABLE READ snapshot shared with pg_dump: the counts are of the
        # very rows the dump holds, even while the site keeps publishing.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = {}
            for name, table in tables.items():
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[name] = cursor.fetchone()[0]
            _run_pg_tool(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                connection.settings_dict,
            )
        return PGDUMP_MEMBER, counts, description
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


# -- creating ----------------------------------------------------------------


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def backup_name(now: datetime | None = None) -> str:
    local = timezone.localtime(now or timezone.now())
    return f"{NAME_PREFIX}{local:%Y%m%d-%H%M%S}{NAME_SUFFIX}"


@dataclass
class Backup:
    path: Path
    manifest: dict[str, Any]


def create_backup(output_dir: Path, *, quiet: bool = True) -> Backup:
    """Write one dated backup archive into `output_dir`."""
    from govmedia import __version__

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / backup_name()
    if target.exists():
        raise BackupError(f"{target} already exists; backups are named by the second")
    with tempfile.TemporaryDirectory(prefix=".govmedia-backup-", dir=output_dir) as tmp:
        staging = Path(tmp)
        database_member, counts, database = _dump_database(staging, quiet)
        members: dict[str, Path] = {database_member: staging / database_member}
        media = _media_files()
        media_root = Path(settings.MEDIA_ROOT)
        for path in media:
            members[MEDIA_PREFIX + path.relative_to(media_root).as_posix()] = path
        seal_key = Path(settings.GOVMEDIA_SEAL_KEY_FILE)
        if seal_key.is_file():
            members[SEAL_KEY_MEMBER] = seal_key
        secret_key = Path(settings.DATA_DIR) / "secret_key"
        if secret_key.is_file():
            members[SECRET_KEY_MEMBER] = secret_key
        counts["media_files"] = len(media)

        files: dict[str, dict[str, Any]] = {}
        with _progress(len(members), "file", "checksums", quiet) as bar:
            for name, path in members.items():
                files[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
                bar.update(1)
        import django
        import wagtail

        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "versions": {
                "govmedia": __version__,
                "django": django.get_version(),
                "wagtail": wagtail.__version__,
                "python": platform.python_version(),
            },
            "database": database,
            "counts": counts,
            "seal_key": SEAL_KEY_MEMBER in members,
            "files": files,
        }
        manifest_path = staging / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))

        # Written under a temporary name and renamed, so a crash never leaves a
        # truncated archive that looks like a finished backup.
        partial = target.with_name(target.name + ".partial")
        with (
            tarfile.open(partial, "w:gz") as tar,
            _progress(len(members), "file", "archive", quiet) as bar,
        ):
            tar.add(manifest_path, arcname=MANIFEST)
            for name, path in members.items():
                tar.add(path, arcname=name)
                bar.update(1)
        os.chmod(partial, 0o600)  # it holds the seal's private key
        os.replace(partial, target)
    return Backup(target, manifest)


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups in `directory`; return what was deleted."""
    backups = sorted(Path(directory).glob(f"{NAME_PREFIX}*{NAME_SUFFIX}"))
    doomed = backups[: max(0, len(backups) - keep)] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def periodic_backup() -> str:
    """The worker's scheduled backup; its outcome is the `backup` PeriodicJob row."""
    directory = Path(settings.GOVMEDIA_BACKUP_DIR)
    made = create_backup(directory)
    removed = prune_backups(directory, settings.GOVMEDIA_BACKUP_KEEP)
    return f"{made.path} written, {len(removed)} old backup(s) removed"


# -- restoring ---------------------------------------------------------------


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The manifest is written first, so reading it does not decompress the media.
            first = tar.next()
            member = tar.extractfile(first) if first and first.name == MANIFEST else None
            if member is None:
                raise KeyError(f"{MANIFEST} is not its first member")
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive} is not a govmedia backup: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')!r}")
    return manifest


def _extract(archive: Path, staging: Path, manifest: dict[str, Any], quiet: bool) -> None:
    """Unpack into `staging` and check every member against the manifest's checksums."""
    with tarfile.open(archive, "r:gz") as tar:
        # The "data" filter refuses absolute paths, links out of the tree and devices.
        tar.extractall(staging, filter="data")
    expected = manifest["files"]
    with _progress(len(expected), "file", "checksums", quiet) as bar:
        for name, meta in expected.items():
            path = staging / name
            if not path.is_file():
                raise BackupError(f"the archive lacks {name}, listed in its manifest")
            if _sha256(path) != meta["sha256"]:
                raise BackupError(f"{name} does not match its checksum: the archive is damaged")
            bar.update(1)


def _database_has_data(alias: str = "default") -> bool:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if not Path(name).exists() or Path(name).stat().st_size == 0:
            return False
    return bool(connection.introspection.table_names())


def _data_dir_problems() -> list[str]:
    found = []
    seal_key = Path(settings.GOVMEDIA_SEAL_KEY_FILE)
    if seal_key.exists():
        found.append(f"a seal key exists at {seal_key}")
    if _media_files():
        found.append(f"{settings.MEDIA_ROOT} holds files")
    return found


def check_target_empty() -> list[str]:
    """Why the installation is not empty, if it is not; restoring would overwrite these."""
    found = _data_dir_problems()
    if _database_has_data():
        settings_dict = connections["default"].settings_dict
        found.insert(0, f"the database {settings_dict['NAME']} has tables")
    return found


def _restore_sqlite(extracted: Path) -> None:
    connection = connections["default"]
    target = Path(str(connection.settings_dict["NAME"]))
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(target.name + ".restoring")
    fresh.unlink(missing_ok=True)
    with _closing_sqlite(extracted) as source:
        sqlite_copy(source, fresh)
    # Stale -wal/-shm files of an overwritten database would be replayed into the restored one.
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(fresh, target)


def _restore_postgresql(extracted: Path, force: bool) -> None:
    connection = connections["default"]
    connection.close()
    args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    if force:
        args += ["--clean", "--if-exists"]
    args += [f"--dbname={connection.settings_dict['NAME']}", str(extracted)]
    _run_pg_tool(args, connection.settings_dict)


def _write_private(path: Path, source: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    path.chmod(0o600)


def _restore_files(staging: Path, manifest: dict[str, Any], force: bool, quiet: bool) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    if force and media_root.exists():
        shutil.rmtree(media_root)
    media = [name for name in manifest["files"] if name.startswith(MEDIA_PREFIX)]
    with _progress(len(media), "file", "media", quiet) as bar:
        for name in media:
            destination = media_root / name[len(MEDIA_PREFIX) :]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / name, destination)
            bar.update(1)
    if SEAL_KEY_MEMBER in manifest["files"]:
        _write_private(Path(settings.GOVMEDIA_SEAL_KEY_FILE), staging / SEAL_KEY_MEMBER)
    # A fixed GOVMEDIA_SECRET_KEY in the environment wins over the file anyway.
    if SECRET_KEY_MEMBER in manifest["files"]:
        _write_private(Path(settings.DATA_DIR) / "secret_key", staging / SECRET_KEY_MEMBER)


def current_counts() -> dict[str, int]:
    counts = {}
    with connections["default"].cursor() as cursor:
        for name, table in _counted_tables().items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[name] = cursor.fetchone()[0]
    counts["media_files"] = len(_media_files())
    return counts


def verify_restored(manifest: dict[str, Any]) -> RestoreResult:
    """`archive verify` plus the counts of the manifest, on the installation as it is now."""
    out, err = StringIO(), StringIO()
    problems = []
    try:
        call_command("archive", "verify", "--quiet", stdout=out, stderr=err)
    except CommandError:
        problems.append("archive verify failed: " + " ".join(err.getvalue().split("\n")).strip())
    counts = current_counts()
    for name, expected in manifest["counts"].items():
        if counts.get(name) != expected:
            problems.append(
                f"{name}: the backup holds {expected}, the restored installation {counts.get(name)}"
            )
    return RestoreResult(manifest, counts, (out.getvalue() + err.getvalue()).strip(), problems)


def restore_backup(archive: Path, *, force: bool = False, quiet: bool = True) -> RestoreResult:
    """Restore `archive` into this installation's database and data directory, then verify."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    vendor = manifest["database"]["vendor"]
    if vendor != _vendor():
        raise BackupError(
            f"the backup holds a {vendor} database, DATABASE_URL points at {_vendor()}; "
            "restore onto the same kind of database"
        )
    occupied = check_target_empty()
    if occupied and not force:
        raise BackupError(
            "refusing to overwrite a non-empty installation ("
            + "; ".join(occupied)
            + "); restore into a fresh GOVMEDIA_DATA_DIR and an empty database, or pass --force"
        )
    staging_parent = Path(settings.DATA_DIR)
    staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".govmedia-restore-", dir=staging_parent) as tmp:
        staging = Path(tmp)
        _extract(archive, staging, manifest, quiet)
        if vendor == "sqlite":
            _restore_sqlite(staging / SQLITE_MEMBER)
        else:
            _restore_postgresql(staging / PGDUMP_MEMBER, force)
        _restore_files(staging, manifest, force, quiet)
    _forget_cached_seal_key()
    return verify_restored(manifest)


def _forget_cached_seal_key() -> None:
    # The archive module caches the private key it loaded; after a restore the
    # file on disk is the one that counts. Looked up lazily: core imports no feature.
    module = sys.modules.get("govmedia.publishing.archive")
    cached = getattr(module, "private_key", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
