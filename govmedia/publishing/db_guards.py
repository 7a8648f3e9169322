"""Database triggers that keep the sealed archive append-only below the ORM.

The archive's promise is that nothing is changed or erased. The chain and
signatures make a change detectable; these triggers make it impossible for
the application, an admin action or a hurried operator with a SQL prompt:
UPDATE and DELETE of `publishing_archiverecord` rows are refused, and so are
DELETE of keyring rows and any change of a key's material (retiring a key
once is the only UPDATE allowed). Whoever can drop triggers can still
tamper; verification catches that.

Both vendors raise an integrity error (SQLite RAISE(ABORT) and PostgreSQL
SQLSTATE 23001 restrict_violation), so Django raises `IntegrityError` on both.
The migration that installs them and the `flush` command use this module.
"""

from __future__ import annotations

ARCHIVE_TABLE = "publishing_archiverecord"
KEY_TABLE = "publishing_sealkey"

_KEY_MATERIAL_CHANGED = (
    "NEW.key_id IS DISTINCT FROM OLD.key_id"
    " OR NEW.algorithm IS DISTINCT FROM OLD.algorithm"
    " OR NEW.public_key_pem IS DISTINCT FROM OLD.public_key_pem"
    " OR NEW.valid_from IS DISTINCT FROM OLD.valid_from"
    " OR NEW.created_by IS DISTINCT FROM OLD.created_by"
    " OR OLD.retired_at IS NOT NULL"
)

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS {ARCHIVE_TABLE}_no_update BEFORE UPDATE ON {ARCHIVE_TABLE}
    BEGIN SELECT RAISE(ABORT, 'sealed archive is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {ARCHIVE_TABLE}_no_delete BEFORE DELETE ON {ARCHIVE_TABLE}
    BEGIN SELECT RAISE(ABORT, 'sealed archive is append-only: DELETE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {KEY_TABLE}_no_rewrite BEFORE UPDATE ON {KEY_TABLE}
    WHEN {_KEY_MATERIAL_CHANGED.replace("IS DISTINCT FROM", "IS NOT")}
    BEGIN SELECT RAISE(ABORT, 'seal keyring: key material cannot change'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {KEY_TABLE}_no_delete BEFORE DELETE ON {KEY_TABLE}
    BEGIN SELECT RAISE(ABORT, 'seal keyring: DELETE refused'); END""",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {ARCHIVE_TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {ARCHIVE_TABLE}_no_delete",
    f"DROP TRIGGER IF EXISTS {KEY_TABLE}_no_rewrite",
    f"DROP TRIGGER IF EXISTS {KEY_TABLE}_no_delete",
]

POSTGRESQL_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {ARCHIVE_TABLE}_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'sealed archive is append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {KEY_TABLE}_refuse() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NOT ({_KEY_MATERIAL_CHANGED}) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'seal keyring: % of key material refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END $$""",
    f"DROP TRIGGER IF EXISTS {ARCHIVE_TABLE}_append_only ON {ARCHIVE_TABLE}",
    f"""CREATE TRIGGER {ARCHIVE_TABLE}_append_only BEFORE UPDATE OR DELETE ON {ARCHIVE_TABLE}
    FOR EACH ROW EXECUTE FUNCTION {ARCHIVE_TABLE}_refuse()""",
    # TRUNCATE bypasses row triggers; a statement trigger refuses it too.
    f"DROP TRIGGER IF EXISTS {ARCHIVE_TABLE}_no_truncate ON {ARCHIVE_TABLE}",
    f"""CREATE TRIGGER {ARCHIVE_TABLE}_no_truncate BEFORE TRUNCATE ON {ARCHIVE_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {ARCHIVE_TABLE}_refuse()""",
    f"DROP TRIGGER IF EXISTS {KEY_TABLE}_append_only ON {KEY_TABLE}",
    f"""CREATE TRIGGER {KEY_TABLE}_append_only BEFORE UPDATE OR DELETE ON {KEY_TABLE}
    FOR EACH ROW EXECUTE FUNCTION {KEY_TABLE}_refuse()""",
    f"DROP TRIGGER IF EXISTS {KEY_TABLE}_no_truncate ON {KEY_TABLE}",
    f"""CREATE TRIGGER {KEY_TABLE}_no_truncate BEFORE TRUNCATE ON {KEY_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {KEY_TABLE}_refuse()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS {ARCHIVE_TABLE}_append_only ON {ARCHIVE_TABLE}",
    f"DROP TRIGGER IF EXISTS {ARCHIVE_TABLE}_no_truncate ON {ARCHIVE_TABLE}",
    f"DROP TRIGGER IF EXISTS {KEY_TABLE}_append_only ON {KEY_TABLE}",
    f"DROP TRIGGER IF EXISTS {KEY_TABLE}_no_truncate ON {KEY_TABLE}",
    f"DROP FUNCTION IF EXISTS {ARCHIVE_TABLE}_refuse()",
    f"DROP FUNCTION IF EXISTS {KEY_TABLE}_refuse()",
]

_INSTALL = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRESQL_INSTALL}
_REMOVE = {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRESQL_REMOVE}


def install(connection) -> None:
    """Create the triggers on `connection` (idempotent); other vendors are left as they are."""
    with connection.cursor() as cursor:
        for statement in _INSTALL.get(connection.vendor, []):
            cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _REMOVE.get(connection.vendor, []):
            cursor.execute(statement)


def installed(connection) -> bool:
    """Whether the archive table's guard triggers exist on `connection`."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [ARCHIVE_TABLE],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = %s::regclass",
                [ARCHIVE_TABLE],
            )
        else:
            return False
        return cursor.fetchone()[0] > 0
