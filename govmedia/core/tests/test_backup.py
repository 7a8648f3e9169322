"""`govmedia backup` and `govmedia restore`, on the real database of the test run.

Restores run as an operator runs them: `python -m govmedia.cli restore` in a
fresh process, onto a fresh data directory and an empty database that the
test creates (a new SQLite file, or a new PostgreSQL database dropped after).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from govmedia.core import scheduler
from govmedia.core.models import PeriodicJob
from govmedia.publishing.models import ArchiveRecord
from govmedia.publishing.tests.factories import published_item

ROOT = Path(__file__).resolve().parents[3]

# Renders pages with Django's test client in a separate process, against
# whatever database and data directory its environment names.
RENDER_PAGES = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
import django
django.setup()
from django.test import Client
client = Client()
pages = {}
for path in sys.argv[1:]:
    response = client.get(path)
    pages[path] = [response.status_code, response.content.decode()]
print(json.dumps(pages))
"""


def _pg_url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_installation(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a process on an empty data directory and an empty database."""
    data_dir = tmp_path / "fresh"
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVMEDIA_")}
    env.update(GOVMEDIA_DATA_DIR=str(data_dir), DATABASE_URL="", PYTHONPATH=str(ROOT))
    if connection.vendor != "postgresql":
        yield env
        return
    import psycopg

    name = f"h_backup_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_pg_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = _pg_url(name)
    try:
        yield env
    finally:
        with psycopg.connect(_pg_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _govmedia(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govmedia.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _render(env: dict[str, str], paths: list[str]) -> dict[str, list]:
    done = subprocess.run(
        [sys.executable, "-c", RENDER_PAGES, *paths],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _with_manifest(archive: Path, target: Path, change) -> Path:
    """A copy of `archive` whose manifest was edited by `change`; the members are untouched."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member)
            if member.name == "manifest.json":
                manifest = json.load(data)
                change(manifest)
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                data = BytesIO(raw)
            copy.addfile(member, data)
    return target


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_restores_onto_a_fresh_installation_that_verifies_and_serves_the_same_pages(
    people, client, settings, tmp_path, fresh_installation
):
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = tmp_path / "media"
    Document.objects.create(title="附件", file=ContentFile(b"%PDF-1.4 test", name="fujian.pdf"))
    items = [
        published_item(people, title=title)
        for title in ("关于做好秋季开学工作的通知", "关于公布2026年中考政策的通知")
    ]
    paths = ["/", "/xxgk/", items[0].get_parent().url, *(item.url for item in items)]
    before = {path: client.get(path) for path in paths}
    assert all(response.status_code == 200 for response in before.values())

    call_command("backup", "--output", str(tmp_path / "backups"), "--quiet")
    (archive,) = (tmp_path / "backups").glob("govmedia-backup-*.tar.gz")
    # The original installation is gone: its media and the test database are wiped.
    shutil.rmtree(settings.MEDIA_ROOT)

    with pytest.raises(CommandError, match="refusing to overwrite a non-empty installation"):
        call_command("restore", str(archive), "--quiet")

    done = _govmedia(fresh_installation, "restore", str(archive), "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: 2 record(s) verified" in done.stdout
    assert "restore verified OK" in done.stdout
    assert (Path(fresh_installation["GOVMEDIA_DATA_DIR"]) / "media/documents/fujian.pdf").exists()

    after = _render(fresh_installation, paths)
    for path, response in before.items():
        assert after[path] == [200, response.content.decode()], path

    done = _govmedia(fresh_installation, "archive", "verify", "--quiet")
    assert done.returncode == 0 and "OK: 2 record(s) verified" in done.stdout

    # A second restore over the now populated installation is refused ...
    done = _govmedia(fresh_installation, "restore", str(archive), "--quiet")
    assert done.returncode != 0 and "refusing to overwrite" in done.stderr
    # ... and with --force, a restored database that holds less than the
    # manifest promises fails the verification, with exit status 1.
    doctored = _with_manifest(
        archive,
        tmp_path / archive.name.replace("backup-", "backup-doctored-"),
        lambda manifest: manifest["counts"].update(archive_records=3),
    )
    done = _govmedia(fresh_installation, "restore", str(doctored), "--force", "--quiet")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "MISMATCH: archive_records: the backup holds 3" in done.stderr
    assert "restore verification FAILED" in done.stderr


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_includes_the_newest_archive_record_still_in_the_wal(people, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the WAL is SQLite's")
    published_item(people, title="第一条通知")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "govmedia.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)

    # A running installation: the worker's connection has written the newest
    # record into the -wal file and nothing has checkpointed it yet.
    newest = published_item(people, title="第二条通知")
    record = ArchiveRecord.objects.get(page_id=newest.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ArchiveRecord._meta.db_table} WHERE id = %s", [record.pk])
        columns = [column[0] for column in cursor.description]
        row = cursor.fetchone()
    writer = sqlite3.connect(database)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute(
            f"INSERT INTO {ArchiveRecord._meta.db_table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            row,
        )
        writer.commit()

        # What the defect did: a plain copy of the file misses the newest record.
        shutil.copyfile(database, tmp_path / "plain-copy.sqlite3")
        with sqlite3.connect(tmp_path / "plain-copy.sqlite3") as plain:
            assert plain.execute("SELECT MAX(seq) FROM publishing_archiverecord").fetchone() == (
                record.seq - 1,
            )

        env = {key: value for key, value in os.environ.items() if not key.startswith("GOVMEDIA_")}
        env.update(GOVMEDIA_DATA_DIR=str(data_dir), DATABASE_URL="", PYTHONPATH=str(ROOT))
        done = _govmedia(env, "backup", "--output", str(tmp_path / "backups"), "--quiet")
        assert done.returncode == 0, done.stderr
        assert "2 archive record(s)" in done.stdout
    finally:
        writer.close()

    (archive,) = (tmp_path / "backups").glob("govmedia-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extract("database.sqlite3", tmp_path / "unpacked", filter="data")
    with sqlite3.connect(tmp_path / "unpacked/database.sqlite3") as saved:
        assert saved.execute("SELECT MAX(seq) FROM publishing_archiverecord").fetchone() == (
            record.seq,
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_runs_a_scheduled_backup_keeps_the_newest_and_records_the_result(
    people, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOVMEDIA_BACKUP_DIR = tmp_path / "backups"
    settings.GOVMEDIA_BACKUP_KEEP = 2
    settings.GOVMEDIA_BACKUP_DIR.mkdir()
    for stamp in ("20200101-000000", "20200102-000000"):
        (settings.GOVMEDIA_BACKUP_DIR / f"govmedia-backup-{stamp}.tar.gz").write_bytes(b"old")
    monkeypatch.setitem(
        scheduler.JOBS,
        "backup",
        scheduler.Job("backup", timedelta(days=1), "govmedia.core.backup.periodic_backup"),
    )

    assert "backup" in scheduler.tick()

    kept = sorted(path.name for path in settings.GOVMEDIA_BACKUP_DIR.iterdir())
    assert kept[0] == "govmedia-backup-20200102-000000.tar.gz"
    assert len(kept) == 2 and kept[1] > kept[0]
    job = PeriodicJob.objects.get(name="backup")
    assert job.last_ok and job.last_finished_at is not None
