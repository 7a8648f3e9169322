"""The test database built from the models (devtools/testdb.py) is the one migrating builds.

On SQLite, and on PostgreSQL when DATABASE_URL names one (CI runs both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from govmedia.devtools.dbsnapshot import differences, snapshot

ROOT = Path(__file__).resolve().parents[3]


def build_snapshots(tmp_path: Path) -> tuple[dict, dict]:
    """Snapshots of two fresh test databases: one migrated, one built the fast way (in parallel)."""
    runs = {}
    for mode in ("migrate", "models"):
        out = tmp_path / f"{mode}.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "govmedia.devtools.dbsnapshot", f"--{mode}", str(out)],
            cwd=ROOT,
            env={**os.environ, "GOVMEDIA_DATA_DIR": str(tmp_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        runs[mode] = (process, out)
    for mode, (process, _out) in runs.items():
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, f"--{mode} failed:\n{output}"
    migrated, fast = (json.loads(runs[mode][1].read_text()) for mode in ("migrate", "models"))
    return migrated, fast


@pytest.mark.slow
def test_the_fast_test_database_equals_a_migrated_one(tmp_path):
    migrated, fast = build_snapshots(tmp_path)
    assert migrated["vendor"] == fast["vendor"] == connection.vendor
    # What the migrations put in a fresh database is there to compare:
    tables = migrated["tables"]
    assert any("默认审核流程" in row for row in tables["wagtailcore_workflow"]["rows"])
    assert len(tables["publishing_disclosurecategory"]["rows"]) == 15
    assert any("publishing_archiverecord" in trigger for trigger in map(str, migrated["triggers"]))
    assert len(tables["django_migrations"]["rows"]) > 200
    assert differences(migrated, fast) == []


@pytest.mark.django_db
def test_a_row_the_migrations_create_and_the_fast_path_missed_is_reported():
    from govmedia.publishing.models import DisclosureCategory

    tables = {"publishing_disclosurecategory", "wagtailcore_locale"}
    complete = snapshot(connection, only=tables)
    DisclosureCategory.objects.get(name="统计信息").delete()
    missing = differences(complete, snapshot(connection, only=tables))
    assert len(missing) == 1
    assert missing[0].startswith("publishing_disclosurecategory rows: missing")
    assert "统计信息" in missing[0]


@pytest.mark.django_db
def test_the_test_database_holds_the_migrations_data_and_records_them_applied():
    from django.db.migrations.executor import MigrationExecutor
    from wagtail.models import Collection, Locale, Page, Site, Workflow

    assert Site.objects.get(is_default_site=True).root_page.title == "初始欢迎页"
    assert Page.objects.get(depth=1).title == "根页面"
    assert Collection.objects.get(depth=1).name == "全部文件"
    assert Locale.objects.get().language_code == "zh-hans"
    assert Workflow.objects.get().name == "默认审核流程"
    executor = MigrationExecutor(connection)
    # Nothing left to apply: `migrate` and `makemigrations --check` see a migrated database.
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_serialized_rollback_restores_the_migrations_rows():
    # What Django serialised after building the test database, and puts back
    # after each transactional test's flush: the migrations' rows are in it.
    restored = {
        (entry["model"], entry["fields"].get("name") or entry["fields"].get("title"))
        for entry in json.loads(connection._test_serialized_contents)
    }
    assert ("wagtailcore.page", "根页面") in restored
    assert ("wagtailcore.workflow", "默认审核流程") in restored
    assert ("auth.group", "默认审核组") in restored
    assert ("publishing.disclosurecategory", "统计信息") in restored
