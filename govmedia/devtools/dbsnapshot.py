"""A comparable picture of a database: its schema and every row, without what is bound to differ.

Used by `govmedia/devtools/tests/test_testdb.py` to show that the test
database built from the models (`testdb.py`) equals one built by migrating:

    python -m govmedia.devtools.dbsnapshot --models OUT.json
    python -m govmedia.devtools.dbsnapshot --migrate OUT.json

each create a test database of their own from the current settings
(DATABASE_URL: SQLite or PostgreSQL), the first the fast way, the second by
applying every migration, write its snapshot to OUT.json and drop it.

What a snapshot holds, per table:
- columns: name, type, nullability, default and collation, as the backend's
  introspection reports them, in no order (a column added by a migration
  comes last, one made by syncdb in model order);
- constraints and indexes: columns, kind (primary key, unique, foreign key
  with its target, check, index type, orders), without their names (a table
  renamed by a migration keeps its old index names on PostgreSQL);
- triggers with their SQL (and on PostgreSQL the functions they call);
- rows, as a sorted list. An integer primary key `id` is left out (the
  migrations create rows in another order), and a foreign key is replaced by
  the row it points to, so a group permission reads as (group name,
  permission codename, its content type's app and model) rather than ids.
  VOLATILE lists the columns whose values are random or the time of the run.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
import os
import uuid
from pathlib import Path
from typing import Any

# (table, column) whose value is the time of the build or random on each build.
VOLATILE = {
    ("django_migrations", "applied"),
    ("wagtailcore_page", "translation_key"),
    # The national indicators' defaults, seeded by inspection's data migration.
    ("inspection_rule", "updated_at"),
}
# Foreign keys followed this deep; deeper ones are shown as "...".
DEPTH = 4


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time | uuid.UUID):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _triggers(connection: Any, cursor: Any) -> list[list[str]]:
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        )
        return [[table, name, " ".join(sql.split())] for table, name, sql in cursor.fetchall()]
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT event_object_table, trigger_name, action_timing, event_manipulation,"
            " action_statement FROM information_schema.triggers"
            " WHERE trigger_schema = current_schema() ORDER BY 1, 2, 4"
        )
        found = [[str(value) for value in row] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n"
            " ON n.oid = p.pronamespace WHERE n.nspname = current_schema() ORDER BY 1"
        )
        found += [["function", name, " ".join(source.split())] for name, source in cursor]
        return found
    raise NotImplementedError(connection.vendor)


def snapshot(connection: Any, only: set[str] | None = None) -> dict[str, Any]:
    """The schema and rows of the database behind `connection`, as plain JSON-able values.

    `only` limits it to those tables (SQLite's introspection parses each
    table's SQL: a whole snapshot takes seconds); a foreign key into a table
    left out then shows as an empty list.
    """
    introspection = connection.introspection
    tables: dict[str, Any] = {}
    raw_rows: dict[str, list[dict[str, Any]]] = {}
    foreign_keys: dict[str, dict[str, tuple[str, str]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(introspection.table_names(cursor)):
            if only is not None and table not in only:
                continue
            description = introspection.get_table_description(cursor, table)
            columns = sorted(
                [
                    column.name,
                    str(column.type_code),
                    bool(column.null_ok),
                    None if column.default is None else str(column.default),
                    getattr(column, "collation", None),
                ]
                for column in description
            )
            constraints = introspection.get_constraints(cursor, table)
            foreign_keys[table] = {
                info["columns"][0]: tuple(info["foreign_key"])
                for info in constraints.values()
                if info.get("foreign_key") and len(info["columns"]) == 1
            }
            tables[table] = {
                "columns": columns,
                "constraints": sorted(
                    json.dumps(
                        {
                            "columns": info["columns"],
                            "primary_key": info["primary_key"],
                            "unique": info["unique"],
                            "foreign_key": info["foreign_key"],
                            "check": info["check"],
                            "index": info["index"],
                            "type": info.get("type"),
                            "orders": info.get("orders"),
                        },
                        sort_keys=True,
                    )
                    for info in constraints.values()
                ),
            }
            names = [column.name for column in description]
            quoted = ", ".join(connection.ops.quote_name(name) for name in names)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            raw_rows[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        triggers = _triggers(connection, cursor)

    indexes: dict[tuple[str, str], dict[Any, list[dict[str, Any]]]] = {}

    def index(table: str, column: str) -> dict[Any, list[dict[str, Any]]]:
        """The rows of `table` by their value in `column` (a foreign key's target)."""
        if (table, column) not in indexes:
            by_value: dict[Any, list[dict[str, Any]]] = {}
            for row in raw_rows.get(table, []):
                by_value.setdefault(row[column], []).append(row)
            indexes[table, column] = by_value
        return indexes[table, column]

    def canonical(table: str, row: dict[str, Any], depth: int) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for column, value in sorted(row.items()):
            if column == "id" and isinstance(value, int):
                continue
            if (table, column) in VOLATILE:
                continue
            target = foreign_keys[table].get(column)
            if target is not None and value is not None:
                if depth >= DEPTH:
                    shown[column] = "..."
                    continue
                matches = index(*target).get(value, [])
                target_table = target[0]
                value = [canonical(target_table, match, depth + 1) for match in matches]
            shown[column] = _plain(value)
        return shown

    for table, rows in raw_rows.items():
        tables[table]["rows"] = sorted(
            json.dumps(canonical(table, row, 0), sort_keys=True, ensure_ascii=False) for row in rows
        )
    return {"vendor": connection.vendor, "tables": tables, "triggers": triggers}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What `actual` lacks or has beyond `expected`, one line per table, column, constraint or row."""
    lines: list[str] = []
    for table in sorted(expected["tables"].keys() | actual["tables"].keys()):
        if table not in actual["tables"]:
            lines.append(f"table {table}: missing")
            continue
        if table not in expected["tables"]:
            lines.append(f"table {table}: not expected")
            continue
        for part in ("columns", "constraints", "rows"):
            want = [
                json.dumps(item, ensure_ascii=False) for item in expected["tables"][table][part]
            ]
            have = [json.dumps(item, ensure_ascii=False) for item in actual["tables"][table][part]]
            lines.extend(f"{table} {part}: missing {item}" for item in _minus(want, have))
            lines.extend(f"{table} {part}: not expected {item}" for item in _minus(have, want))
    want = [json.dumps(item) for item in expected["triggers"]]
    have = [json.dumps(item) for item in actual["triggers"]]
    lines.extend(f"trigger: missing {item}" for item in _minus(want, have))
    lines.extend(f"trigger: not expected {item}" for item in _minus(have, want))
    return lines


def _minus(items: list[str], others: list[str]) -> list[str]:
    """`items` less one occurrence of each of `others` (a multiset difference)."""
    left = list(others)
    remaining = []
    for item in items:
        if item in left:
            left.remove(item)
        else:
            remaining.append(item)
    return remaining


def build_and_snapshot(*, migrate: bool, out: Path) -> None:
    """Create a test database (by migrating, or from the models), write its snapshot, drop it."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    import contextlib

    from django.db import connection

    from govmedia.devtools.testdb import built_from_models

    mode = "migrated" if migrate else "models"
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(Path(os.environ["GOVMEDIA_DATA_DIR"]) / f"snapshot-{mode}.db")
    else:
        test_settings["NAME"] = f"test_{connection.settings_dict['NAME']}_{mode}_{os.getpid()}"
    building = contextlib.nullcontext() if migrate else built_from_models(connection.alias)
    with building:
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
    try:
        out.write_text(json.dumps(snapshot(connection), ensure_ascii=False, indent=1))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--migrate", action="store_true", help="build by applying every migration")
    how.add_argument("--models", action="store_true", help="build from the models (testdb.py)")
    parser.add_argument("out", type=Path, help="where to write the snapshot (JSON)")
    arguments = parser.parse_args()
    build_and_snapshot(migrate=arguments.migrate, out=arguments.out)


if __name__ == "__main__":
    main()
