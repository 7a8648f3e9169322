"""Record once what a set-up function writes to the test database; replay it in each test.

The people of the suite (`testing.make_people()`) build the portal's fixed
pages, the workflow, three departments with their catalogue pages, six users
with their groups and a seal key: about 120 rows made through Wagtail's and
our own models (page trees, revisions, log entries, search index rows, group
permissions), 0.2 s of every test that asks for them. The rows are the same
every time. So each test process runs the function once, inside a
transaction that it rolls back, and keeps the difference it made to every
table as plain rows: rows deleted, rows updated (their new values), rows
inserted, with their primary keys. A test then gets the same rows back by a
few `DELETE`, `UPDATE` and `INSERT` statements in its own transaction, which
its rollback undoes as it undoes everything else.

A replay is only correct where the recording was made, so `replay()`
refuses (returns False, having changed nothing) and the caller runs the
function itself when:

- the test is transactional (`transaction=True`, `live_server`): there the
  function's `on_commit` callbacks run, which a replay cannot repeat;
- the settings differ from the recording's in any value (a test that renames
  the site, moves the key file or changes the hasher first);
- the tables it touches do not hold what they held before the recording
  (count and highest key of each, and the exact rows it updates or deletes):
  a test that made a department or a page before asking for the people;
- a file the function wrote (the seal key) exists with other content.

What is not in the database is the caller's to repeat: the files the
function wrote are kept and written back when missing; cache invalidations
its signal handlers would have made are the caller's `after` hook.

Tables of SQLite virtual tables (the FTS5 search index) and their shadow
tables are left out: the triggers on `wagtailsearch_indexentry` fill them as
the replayed index rows go in. On PostgreSQL, the id sequences of the tables
written are moved past the replayed rows (a transactional test's flush and
the sequence reset in conftest.py may have moved them back).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

Row = tuple[Any, ...]


@dataclass(frozen=True)
class TableChange:
    """What the recorded function did to one table, and what the table held before."""

    table: str
    columns: tuple[str, ...]
    key: tuple[int, ...]  # positions of the primary key's columns in `columns`
    count_before: int
    max_key_before: Any
    before: tuple[Row, ...]  # the rows it then updated or deleted, as they were
    deleted: tuple[Row, ...]  # keys
    updated: tuple[Row, ...]  # whole rows, new values
    inserted: tuple[Row, ...]  # whole rows
    sequence: str | None = None  # PostgreSQL: the id sequence to move past the inserted rows
    max_key_after: Any = None


@dataclass
class Recording:
    changes: list[TableChange]
    settings: dict[str, str]
    files: dict[Path, bytes] = field(default_factory=dict)


def settings_fingerprint() -> dict[str, str]:
    """Every setting's repr: a replay needs the settings the recording was made with."""
    from django.conf import settings

    return {name: repr(getattr(settings, name)) for name in dir(settings) if name.isupper()}


def _quote(connection: Any, name: str) -> str:
    return connection.ops.quote_name(name)


def _tables(connection: Any, cursor: Any) -> list[str]:
    """The ordinary tables: no views, no SQLite virtual tables and their shadow tables."""
    names = connection.introspection.table_names(cursor)
    if connection.vendor != "sqlite":
        return names
    cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
    virtual = [name for (name,) in cursor.fetchall()]
    return [
        name
        for name in names
        if name not in virtual and not any(name.startswith(f"{v}_") for v in virtual)
    ]


def _key_columns(connection: Any, cursor: Any, table: str, columns: list[str]) -> tuple[int, ...]:
    keys = connection.introspection.get_primary_key_columns(cursor, table) or []
    if not keys:  # no primary key: the whole row is its identity
        return tuple(range(len(columns)))
    return tuple(columns.index(name) for name in keys)


def _read(connection: Any) -> dict[str, tuple[list[str], tuple[int, ...], dict[Row, Row]]]:
    """Every ordinary table: its columns, key positions and rows by key."""
    found = {}
    with connection.cursor() as cursor:
        for table in _tables(connection, cursor):
            cursor.execute(f"SELECT * FROM {_quote(connection, table)}")
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
            key = _key_columns(connection, cursor, table, columns)
            found[table] = (
                columns,
                key,
                {tuple(row[i] for i in key): tuple(row) for row in rows},
            )
    return found


def _data_files() -> dict[Path, tuple[int, int]]:
    """Every file under GOVMEDIA_DATA_DIR, with its modification time and size."""
    if not os.environ.get("GOVMEDIA_DATA_DIR"):
        return {}
    root = Path(os.environ["GOVMEDIA_DATA_DIR"])
    files = {}
    for path in root.rglob("*"):
        if path.is_file():
            stat = path.stat()
            files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


def record(
    function: Callable[[], T], *, ignore_files: Callable[[Path], bool] = lambda p: False
) -> tuple[Recording, T]:
    """Run `function` in a transaction rolled back at the end; return what it changed and its result.

    Files it creates or changes under GOVMEDIA_DATA_DIR (except those
    `ignore_files` accepts: caches) are kept in the recording and removed
    again if it created them, so the disk looks as before.
    """
    from django.db import connection, transaction

    files_before = _data_files()
    settings = settings_fingerprint()
    with transaction.atomic():
        before = _read(connection)
        result = function()
        after = _read(connection)
        transaction.set_rollback(True)
    files_after = _data_files()

    changes = []
    for table, (columns, key, rows_after) in after.items():
        _, _, rows_before = before[table]
        if rows_before == rows_after:
            continue
        deleted = [k for k in rows_before if k not in rows_after]
        updated = [k for k in rows_before if k in rows_after and rows_before[k] != rows_after[k]]
        inserted = [k for k in rows_after if k not in rows_before]
        keys_before = [k[0] for k in rows_before] if len(key) == 1 else []
        keys_after = [k[0] for k in rows_after] if len(key) == 1 else []
        changes.append(
            TableChange(
                table=table,
                columns=tuple(columns),
                key=key,
                count_before=len(rows_before),
                max_key_before=max(keys_before, default=None),
                before=tuple(rows_before[k] for k in [*updated, *deleted]),
                deleted=tuple(deleted),
                updated=tuple(rows_after[k] for k in updated),
                inserted=tuple(rows_after[k] for k in inserted),
                sequence=_sequence(connection, table, columns, key) if inserted else None,
                max_key_after=max(keys_after, default=None),
            )
        )
    files = {}
    for path, stamp in files_after.items():
        if files_before.get(path) == stamp or ignore_files(path):
            continue
        files[path] = path.read_bytes()
        if path not in files_before:
            path.unlink()
    return Recording(changes=changes, settings=settings, files=files), result


def _sequence(connection: Any, table: str, columns: list[str], key: tuple[int, ...]) -> str | None:
    if connection.vendor != "postgresql" or len(key) != 1:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, columns[key[0]]])
        row = cursor.fetchone()
    return row[0] if row else None


def _where_key(connection: Any, change: TableChange) -> str:
    return " AND ".join(f"{_quote(connection, change.columns[i])} = %s" for i in change.key)


def _state_as_recorded(connection: Any, recording: Recording) -> bool:
    """Whether each touched table holds what it held when the recording was made."""
    if not recording.changes:
        return True
    with connection.cursor() as cursor:
        parts = []
        for index, change in enumerate(recording.changes):
            table = _quote(connection, change.table)
            # As text: the keys of different tables have different types, which
            # PostgreSQL does not unite in one column.
            top = (
                f"CAST(MAX({_quote(connection, change.columns[change.key[0]])}) AS TEXT)"
                if len(change.key) == 1
                else "NULL"
            )
            parts.append(f"SELECT {index}, COUNT(*), {top} FROM {table}")
        cursor.execute(" UNION ALL ".join(parts))
        found = {index: (count, top) for index, count, top in cursor.fetchall()}
        for index, change in enumerate(recording.changes):
            count, top = found[index]
            if count != change.count_before:
                return False
            expected = change.max_key_before
            if len(change.key) == 1 and top != (None if expected is None else str(expected)):
                return False
        for change in recording.changes:
            if not change.before:
                continue
            columns = ", ".join(_quote(connection, c) for c in change.columns)
            for old in change.before:
                cursor.execute(
                    f"SELECT {columns} FROM {_quote(connection, change.table)} "
                    f"WHERE {_where_key(connection, change)}",
                    [old[i] for i in change.key],
                )
                if [tuple(row) for row in cursor.fetchall()] != [old]:
                    return False
    return True


def _files_as_recorded(recording: Recording) -> bool:
    for path, content in recording.files.items():
        if path.exists() and path.read_bytes() != content:
            return False
    return True


def replay(recording: Recording) -> bool:
    """Write the recorded changes in the current test's transaction; False (and nothing written) if it cannot."""
    from django.db import connection, transaction

    if not connection.in_atomic_block:
        return False  # a transactional test: the function's on_commit callbacks would run
    if settings_fingerprint() != recording.settings or not _files_as_recorded(recording):
        return False
    if not _state_as_recorded(connection, recording):
        return False
    for path, content in recording.files.items():
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    with transaction.atomic(), connection.cursor() as cursor:
        for change in recording.changes:
            table = _quote(connection, change.table)
            where = _where_key(connection, change)
            if change.deleted:
                cursor.executemany(f"DELETE FROM {table} WHERE {where}", list(change.deleted))
        for change in recording.changes:
            table = _quote(connection, change.table)
            where = _where_key(connection, change)
            others = [i for i in range(len(change.columns)) if i not in change.key]
            if change.updated and others:
                assignments = ", ".join(
                    f"{_quote(connection, change.columns[i])} = %s" for i in others
                )
                cursor.executemany(
                    f"UPDATE {table} SET {assignments} WHERE {where}",
                    [
                        [row[i] for i in others] + [row[i] for i in change.key]
                        for row in change.updated
                    ],
                )
        for change in recording.changes:
            if not change.inserted:
                continue
            table = _quote(connection, change.table)
            columns = ", ".join(_quote(connection, c) for c in change.columns)
            marks = ", ".join(["%s"] * len(change.columns))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(change.inserted)
            )
        moves = [
            f"setval('{change.sequence}', GREATEST({int(change.max_key_after)}, "
            f"(SELECT last_value FROM {change.sequence})))"
            for change in recording.changes
            if change.sequence and change.max_key_after is not None
        ]
        if moves:
            cursor.execute("SELECT " + ", ".join(moves))
    return True
