"""The statistics' running counts (`StatsTally`, `StatsLongTally`), kept by database triggers.

The statistics of a period (desk/stats.py) add up, per department, the
messages received and answered in it, the on-time answers, the ratings and
the histogram of handling days. Counted from the messages themselves, two
years cost a walk over about 100,000 index entries per query; counted from
these tables, a period is its whole months' rows plus the days at either
end: at most a few thousand rows whatever its length.

A message contributes two facts, as `stats` defines them, unless it is held
or refused in moderation (`NOT_COUNTED`):

- its receipt: +1 `received` on the day (and month) of `received_on`, for
  its kind and department;
- its answer, when `answered_on` is set: +1 `answered` on that day (and
  month), +1 `on_time` if answered on time, +1 `rated_<n>` for its rating,
  +1 `days_<n>` for its handling days (0..MAX_DAYS; other values in
  `StatsLongTally`, per day).

Row triggers on `desk_message` (AFTER INSERT, UPDATE, DELETE; SQLite and
PostgreSQL) take away the facts of the old row and add those of the new
one, in the statement's own transaction (PostgreSQL: one upsert; SQLite:
narrow rows into a view whose INSTEAD OF trigger upserts them, see
`sqlite_install`): whatever writes a message (the desk's actions, the
ORM's `update()` and `bulk_create()`, a migration, SQL at a prompt) moves
the counts with it, and a rollback takes both back.
An UPDATE that changes neither fact (a note, a reminder, the answer's text)
writes nothing. On PostgreSQL the upsert takes its rows in key order, so two
transactions that each move one message cannot deadlock on the tallies
(moving a message from department A to B while another goes from B to A).

`rebuild()` recounts both tables from the messages (migration 0007;
`govmedia desk_tally --rebuild`); `differences()` compares them with a
recount without changing anything (`govmedia desk_tally`). The triggers
are put back after every `migrate` (a migration that rebuilds `desk_message`
on SQLite drops them: one that also changes messages after the rebuild must
call `install()` first, or `rebuild()` after) and lifted by `flush` while it
wipes the tables.

Exact as `stats` counted from the messages for every value the fields can
hold through the application (ratings 1..5); a rating outside that, written
by hand, is not tallied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db import connection as default_connection
from django.db import connections, transaction
from django.db.models import Count

from govmedia.desk.models import Message, Status
from govmedia.desk.tally_models import (
    COUNT_COLUMNS,
    MAX_DAYS,
    RATING_LEVELS,
    Span,
    StatsLongTally,
    StatsTally,
)

NOT_COUNTED = (Status.MODERATION, Status.REJECTED)

MESSAGE_TABLE = Message._meta.db_table
TALLY_TABLE = StatsTally._meta.db_table
LONG_TABLE = StatsLongTally._meta.db_table
KEY_COLUMNS = ("span", "day", "kind", "department_key")
LONG_KEY_COLUMNS = ("day", "kind", "department_key", "days")
# The columns whose change can move a fact (the UPDATE trigger's scope).
RECEIPT_FIELDS = ("status", "received_on", "kind", "department_id")
ANSWER_FIELDS = (
    "status", "answered_on", "kind", "department_id", "handling_days", "rating", "on_time",
)  # fmt: skip
TRIGGER = "desk_message_tally"


# --- The triggers' SQL, for both vendors --------------------------------------


def _not_counted_list() -> str:
    return ", ".join(f"'{status.value}'" for status in NOT_COUNTED)


def _counted(r: str) -> str:
    return f"{r}.status NOT IN ({_not_counted_list()})"


def _month(expr: str, vendor: str) -> str:
    if vendor == "sqlite":
        return f"date({expr}, 'start of month')"
    return f"CAST(date_trunc('month', {expr}) AS date)"


def _flag(condition: str, sign: int) -> str:
    return f"{sign} * (CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _fact_rows(r: str, sign: int, vendor: str, receipt: str, answer: str) -> list[str]:
    """SELECTs giving the tally deltas of record `r` (NEW or OLD) times `sign`.

    `receipt` and `answer` are SQL conditions: whether this record's receipt
    and answer facts are to be moved at all (on UPDATE, only those that changed).
    """
    department = f"COALESCE({r}.department_id, 0)"
    zero_answer = ", ".join(f"0 AS {c}" for c in COUNT_COLUMNS[1:])
    answer_values = ", ".join(
        [
            f"{sign} AS answered",
            f"{_flag(f'{r}.on_time', sign)} AS on_time",
            *(
                f"{_flag(f'{r}.rating = {level}', sign)} AS rated_{level}"
                for level in RATING_LEVELS
            ),
            *(
                f"{_flag(f'{r}.handling_days = {d}', sign)} AS days_{d}"
                for d in range(MAX_DAYS + 1)
            ),
        ]
    )
    rows = []
    for span, received_day, answered_day in (
        (Span.DAY, f"{r}.received_on", f"{r}.answered_on"),
        (Span.MONTH, _month(f"{r}.received_on", vendor), _month(f"{r}.answered_on", vendor)),
    ):
        rows.append(
            f"SELECT '{span.value}' AS span, {received_day} AS day, {r}.kind AS kind, "
            f"{department} AS department_key, {sign} AS received, {zero_answer} "
            f"WHERE ({receipt}) AND {_counted(r)}"
        )
        rows.append(
            f"SELECT '{span.value}', {answered_day}, {r}.kind, {department}, 0, {answer_values} "
            f"WHERE ({answer}) AND {_counted(r)} AND {r}.answered_on IS NOT NULL"
        )
    return rows


def _long_rows(r: str, sign: int, answer: str) -> list[str]:
    return [
        f"SELECT {r}.answered_on AS day, {r}.kind AS kind, "
        f"COALESCE({r}.department_id, 0) AS department_key, {r}.handling_days AS days, "
        f"{sign} AS answers WHERE ({answer}) AND {_counted(r)} AND {r}.answered_on IS NOT NULL "
        f"AND ({r}.handling_days < 0 OR {r}.handling_days > {MAX_DAYS})"
    ]


def _upsert(table: str, keys: tuple[str, ...], values: tuple[str, ...], rows: list[str]) -> str:
    sums = ", ".join(f"SUM({c})" for c in values)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in values)
    key_list = ", ".join(keys)
    return (
        f"INSERT INTO {table} ({key_list}, {', '.join(values)}) "
        f"SELECT {key_list}, {sums} FROM ({' UNION ALL '.join(rows)}) AS f WHERE true "
        f"GROUP BY {key_list} ORDER BY {key_list} "
        f"ON CONFLICT ({key_list}) DO UPDATE SET {updates}"
    )


def _statements(
    vendor: str, records: list[tuple[str, int]], receipt: str, answer: str
) -> list[str]:
    facts: list[str] = []
    long: list[str] = []
    for r, sign in records:
        facts += _fact_rows(r, sign, vendor, receipt, answer)
        long += _long_rows(r, sign, answer)
    return [
        _upsert(TALLY_TABLE, KEY_COLUMNS, COUNT_COLUMNS, facts),
        _upsert(LONG_TABLE, LONG_KEY_COLUMNS, ("answers",), long),
    ]


def _changed(fields: tuple[str, ...], vendor: str) -> str:
    differs = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    counted = f"({_counted('OLD')}) <> ({_counted('NEW')})"
    others = (f"OLD.{f} {differs} NEW.{f}" for f in fields if f != "status")
    return " OR ".join([counted, *others])


DELTA_VIEW = "desk_tally_delta"


def _sqlite_facts(records: list[tuple[str, int]], receipt: bool, answer: bool) -> str:
    """Rows of `DELTA_VIEW` moving the records' facts (narrow: the view's trigger widens them)."""
    rows = []
    for r, sign in records:
        department = f"COALESCE({r}.department_id, 0)"
        for span, month in ((Span.DAY, False), (Span.MONTH, True)):
            received_day = _month(f"{r}.received_on", "sqlite") if month else f"{r}.received_on"
            answered_day = _month(f"{r}.answered_on", "sqlite") if month else f"{r}.answered_on"
            if receipt:
                rows.append(
                    f"SELECT '{span.value}', {received_day}, {r}.kind, {department}, {sign}, 0, "
                    f"NULL, NULL, NULL WHERE {_counted(r)}"
                )
            if answer:
                rows.append(
                    f"SELECT '{span.value}', {answered_day}, {r}.kind, {department}, 0, {sign}, "
                    f"{r}.on_time, {r}.rating, {r}.handling_days "
                    f"WHERE {_counted(r)} AND {r}.answered_on IS NOT NULL"
                )
    return f"INSERT INTO {DELTA_VIEW} {' UNION ALL '.join(rows)}"


def sqlite_install() -> list[str]:
    """SQLite: the message triggers write narrow rows into a view whose one trigger widens them.

    SQLite parses the whole schema again for every new connection (one per
    request here), so the wide upsert is written once, in the view's INSTEAD
    OF trigger, and not once per record and trigger: the first version's
    53 KB of trigger text cost 1.1 ms more on every connection (2.5 ms
    against 1.35 ms, open and `SELECT 1`); these 10 KB cost 0.3 ms.
    """
    receipt, answer = _changed(RECEIPT_FIELDS, "sqlite"), _changed(ANSWER_FIELDS, "sqlite")
    view_columns = (
        "span", "day", "kind", "department_key", "received", "answered",
        "on_time", "rating", "handling_days",
    )  # fmt: skip
    a = "NEW.answered"
    values = ", ".join(
        [
            "NEW.span, NEW.day, NEW.kind, NEW.department_key, NEW.received, NEW.answered",
            f"{a} * (NEW.on_time IS 1)",
            *(f"{a} * (NEW.rating IS {level})" for level in RATING_LEVELS),
            *(f"{a} * (NEW.handling_days IS {d})" for d in range(MAX_DAYS + 1)),
        ]
    )
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNT_COLUMNS)
    widen = (
        f"CREATE TRIGGER {TRIGGER}_widen INSTEAD OF INSERT ON {DELTA_VIEW}\nBEGIN\n"
        f"INSERT INTO {TALLY_TABLE} ({', '.join(KEY_COLUMNS)}, {', '.join(COUNT_COLUMNS)}) "
        f"VALUES ({values}) ON CONFLICT ({', '.join(KEY_COLUMNS)}) DO UPDATE SET {updates};\n"
        f"INSERT INTO {LONG_TABLE} ({', '.join(LONG_KEY_COLUMNS)}, answers) "
        f"SELECT NEW.day, NEW.kind, NEW.department_key, NEW.handling_days, {a} "
        f"WHERE {a} <> 0 AND NEW.span = '{Span.DAY.value}' "
        f"AND (NEW.handling_days < 0 OR NEW.handling_days > {MAX_DAYS}) "
        f"ON CONFLICT ({', '.join(LONG_KEY_COLUMNS)}) DO UPDATE SET answers = answers + excluded.answers;\n"
        "END"
    )

    def trigger(name: str, event: str, when: str, facts: str) -> str:
        return f"CREATE TRIGGER {TRIGGER}_{name} AFTER {event} ON {MESSAGE_TABLE}{when}\nBEGIN\n{facts};\nEND"

    moves = [("OLD", -1), ("NEW", 1)]
    return [
        *sqlite_remove(),
        f"CREATE VIEW {DELTA_VIEW} ({', '.join(view_columns)}) AS "
        f"SELECT {', '.join(['NULL'] * len(view_columns))} WHERE 0",
        widen,
        trigger("insert", "INSERT", "", _sqlite_facts([("NEW", 1)], True, True)),
        trigger(
            "update_receipt",
            f"UPDATE OF {', '.join(sorted(RECEIPT_FIELDS))}",
            f" WHEN {receipt}",
            _sqlite_facts(moves, True, False),
        ),
        trigger(
            "update_answer",
            f"UPDATE OF {', '.join(sorted(ANSWER_FIELDS))}",
            f" WHEN {answer}",
            _sqlite_facts(moves, False, True),
        ),
        trigger("delete", "DELETE", "", _sqlite_facts([("OLD", -1)], True, True)),
    ]


SQLITE_TRIGGERS = ("insert", "update_receipt", "update_answer", "delete", "widen")


def sqlite_remove() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {TRIGGER}_{name}" for name in SQLITE_TRIGGERS),
        f"DROP VIEW IF EXISTS {DELTA_VIEW}",  # and its trigger
    ]


def postgresql_install() -> list[str]:
    receipt, answer = _changed(RECEIPT_FIELDS, "postgresql"), _changed(ANSWER_FIELDS, "postgresql")

    def block(records: list[tuple[str, int]], receipt: str, answer: str) -> str:
        return "".join(
            f"        {s};\n" for s in _statements("postgresql", records, receipt, answer)
        )

    function = f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    receipt_moved boolean;
    answer_moved boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
{block([("NEW", 1)], "true", "true")}    ELSIF TG_OP = 'DELETE' THEN
{block([("OLD", -1)], "true", "true")}    ELSE
        receipt_moved := {receipt};
        answer_moved := {answer};
        IF receipt_moved OR answer_moved THEN
{block([("OLD", -1), ("NEW", 1)], "receipt_moved", "answer_moved")}        END IF;
    END IF;
    RETURN NULL;
END $$"""
    return [
        function,
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {MESSAGE_TABLE}",
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {MESSAGE_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
    ]


def postgresql_remove() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {MESSAGE_TABLE}",
        f"DROP FUNCTION IF EXISTS {TRIGGER}()",
    ]


_INSTALL = {"sqlite": sqlite_install, "postgresql": postgresql_install}
_REMOVE = {"sqlite": sqlite_remove, "postgresql": postgresql_remove}


def install(connection=default_connection) -> None:
    """Create (or replace) the triggers on `connection`; other vendors are left as they are."""
    make = _INSTALL.get(connection.vendor)
    if make is None:
        return
    with connection.cursor() as cursor:
        for statement in make():
            cursor.execute(statement)


def remove(connection=default_connection) -> None:
    make = _REMOVE.get(connection.vendor)
    if make is None:
        return
    with connection.cursor() as cursor:
        for statement in make():
            cursor.execute(statement)


def installed(connection=default_connection) -> bool:
    """Whether the tally's triggers exist on `connection`'s message table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{TRIGGER}_%"],
            )
            return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = %s",
                [TRIGGER],
            )
            return cursor.fetchone()[0] == 1
    return False


# --- Recounting from the messages -----------------------------------------------

TallyKey = tuple[str, date, str, int]  # span, day, kind, department key
LongKey = tuple[date, str, int, int]  # day, kind, department key, days
_INDEX = {c: i for i, c in enumerate(COUNT_COLUMNS)}


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def recount(
    using: str = "default", message_model: Any = Message
) -> tuple[dict[TallyKey, list[int]], dict[LongKey, int]]:
    """Both tables' contents as the messages give them now (two grouped queries, in Python).

    A migration passes its historical `Message`.
    """
    counted = message_model.objects.using(using).exclude(status__in=NOT_COUNTED).order_by()
    tally: dict[TallyKey, list[int]] = defaultdict(lambda: [0] * len(COUNT_COLUMNS))
    long: dict[LongKey, int] = defaultdict(int)

    def spans(day: date) -> Iterator[tuple[str, date]]:
        yield Span.DAY.value, day
        yield Span.MONTH.value, _first_of_month(day)

    receipts = counted.values_list("received_on", "kind", "department_id").annotate(n=Count("pk"))
    for day, kind, department_id, n in receipts:
        for span, start in spans(day):
            tally[(span, start, kind, department_id or 0)][_INDEX["received"]] += n
    answers = (
        counted.filter(answered_on__isnull=False)
        .values_list("answered_on", "kind", "department_id", "handling_days", "rating", "on_time")
        .annotate(n=Count("pk"))
    )
    for day, kind, department_id, days, rating, on_time, n in answers:
        key = department_id or 0
        for span, start in spans(day):
            counts = tally[(span, start, kind, key)]
            counts[_INDEX["answered"]] += n
            if on_time:
                counts[_INDEX["on_time"]] += n
            if rating in RATING_LEVELS:
                counts[_INDEX[f"rated_{rating}"]] += n
            if days is not None and 0 <= days <= MAX_DAYS:
                counts[_INDEX[f"days_{days}"]] += n
        if days is not None and not 0 <= days <= MAX_DAYS:
            long[(day, kind, key, days)] += n
    return dict(tally), dict(long)


def stored(using: str = "default") -> tuple[dict[TallyKey, list[int]], dict[LongKey, int]]:
    """Both tables' contents, without the rows whose counts are all zero."""
    tally = {}
    for row in StatsTally.objects.using(using).values_list(*KEY_COLUMNS, *COUNT_COLUMNS):
        counts = list(row[len(KEY_COLUMNS) :])
        if any(counts):
            tally[tuple(row[: len(KEY_COLUMNS)])] = counts
    long = {
        tuple(row[:4]): row[4]
        for row in StatsLongTally.objects.using(using).values_list(*LONG_KEY_COLUMNS, "answers")
        if row[4]
    }
    return tally, long  # type: ignore[return-value]


def differences(using: str = "default") -> list[str]:
    """What the stored tallies and a recount from the messages disagree on (empty: nothing)."""
    expected, expected_long = recount(using)
    actual, actual_long = stored(using)
    out = []
    for key in sorted(expected.keys() | actual.keys()):
        if expected.get(key) != actual.get(key):
            out.append(f"tally {key}: stored {actual.get(key)}, messages give {expected.get(key)}")
    for lkey in sorted(expected_long.keys() | actual_long.keys()):
        if expected_long.get(lkey) != actual_long.get(lkey):
            out.append(
                f"long tally {lkey}: stored {actual_long.get(lkey)}, "
                f"messages give {expected_long.get(lkey)}"
            )
    return out


def rebuild(using: str = "default", apps: Any = None) -> tuple[int, int]:
    """Recount both tables from the messages, with writes to messages held off meanwhile.

    Returns the numbers of rows written. On PostgreSQL the message table is
    locked against writers (SHARE mode) for the transaction; SQLite's write
    transaction excludes them anyway.
    """
    connection = connections[using]
    message, tally_model, long_model = (
        (Message, StatsTally, StatsLongTally)
        if apps is None
        else (
            apps.get_model("desk", "Message"),
            apps.get_model("desk", "StatsTally"),
            apps.get_model("desk", "StatsLongTally"),
        )
    )
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {MESSAGE_TABLE} IN SHARE MODE")
        tally, long = recount(using, message)
        tally_model.objects.using(using).all().delete()
        long_model.objects.using(using).all().delete()
        tally_model.objects.using(using).bulk_create(
            (
                tally_model(
                    **dict(zip(KEY_COLUMNS, key, strict=True)),
                    **dict(zip(COUNT_COLUMNS, counts, strict=True)),
                )
                for key, counts in tally.items()
            ),
            batch_size=500,
        )
        long_model.objects.using(using).bulk_create(
            (
                long_model(**dict(zip(LONG_KEY_COLUMNS, key, strict=True)), answers=n)
                for key, n in long.items()
            ),
            batch_size=500,
        )
    return len(tally), len(long)
