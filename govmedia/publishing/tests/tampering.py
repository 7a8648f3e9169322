"""What an intruder with database access does to the archive, in raw SQL, for the tests.

The archive table refuses UPDATE and DELETE through triggers (where they
exist); an intruder who owns the database drops them first, so these helpers
do too. The triggers are found by looking, so the tests hold whether or not
they exist yet.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection

from govmedia.publishing import merkle, seal, tlog
from govmedia.publishing.models import ArchiveRecord, Checkpoint

RECORDS = ArchiveRecord._meta.db_table
CHECKPOINTS = Checkpoint._meta.db_table


def drop_triggers(table: str = RECORDS) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
            names = [row[0] for row in cursor.fetchall()]
            for name in names:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            names = [row[0] for row in cursor.fetchall()]
            for name in names:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    return names


def sql(statement: str, params: list[Any] | None = None) -> None:
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def row(seq: int) -> dict[str, Any]:
    """A record as stored, read the way an intruder would (not through our code)."""
    from govmedia.publishing.archive import record_as_mapping

    return record_as_mapping(ArchiveRecord.objects.get(seq=seq))


def write(seq: int, record: dict[str, Any], *, where_seq: int | None = None) -> None:
    """Overwrite the stored row of `where_seq` (default `seq`) with `record`'s fields."""
    sql(
        f"UPDATE {RECORDS} SET seq = %s, kind = %s, index_number = %s, note = %s, actor = %s, "
        "payload = %s, payload_sha256 = %s, prev_hash = %s, record_hash = %s, signature = %s, "
        "key_id = %s WHERE seq = %s",
        [
            seq,
            record["kind"],
            record["index_number"],
            record["note"],
            record["actor"],
            json.dumps(record["payload"], ensure_ascii=False),
            record["payload_sha256"],
            record["prev_hash"],
            record["record_hash"],
            record["signature"],
            record["key_id"],
            seq if where_seq is None else where_seq,
        ],
    )


def rehash(record: dict[str, Any], prev_hash: str, key: Ed25519PrivateKey | None) -> dict[str, Any]:
    """Recompute a record's digests after a change, and re-sign it when the intruder has a key."""
    record = dict(record, prev_hash=prev_hash)
    record["payload_sha256"] = seal.payload_digest(record["payload"])
    if key is not None:
        record["key_id"] = seal.key_id(key.public_key())
        record["record_hash"], record["signature"] = seal.seal(record, key)
    else:
        record["record_hash"] = seal.header_digest(record)
    return record


def rewrite_from(seq: int, change, key: Ed25519PrivateKey) -> None:
    """Change record #seq and re-chain and re-sign every later one, as a key holder could."""
    last = ArchiveRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
    prev = row(seq - 1)["record_hash"] if seq > 1 else seal.GENESIS_HASH
    for n in range(seq, last + 1):
        record = row(n)
        if n == seq:
            change(record)
        record = rehash(record, prev, key)
        write(n, record)
        prev = record["record_hash"]


def merkle_tree(record_hashes) -> merkle.MerkleTree:
    """The tree over records as they are stored now (not the log's cached one)."""
    return merkle.MerkleTree.from_leaf_hashes(tlog.record_leaf_hash(h) for h in record_hashes)


def resign_checkpoints(key: Ed25519PrivateKey) -> None:
    """Replace every stored checkpoint's root with the current tree's, signed with `key`."""
    hashes = ArchiveRecord.objects.order_by("seq").values_list("record_hash", flat=True)
    tree = merkle_tree(hashes)
    drop_triggers(CHECKPOINTS)
    for checkpoint in Checkpoint.objects.all():
        body = dict(
            checkpoint.as_signed(),
            root_hash=tree.root(checkpoint.tree_size).hex(),
            key_id=seal.key_id(key.public_key()),
        )
        signed = tlog.sign_checkpoint(body, key)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {CHECKPOINTS} SET root_hash = %s, key_id = %s, signature = %s WHERE id = %s",
                [signed["root_hash"], signed["key_id"], signed["signature"], checkpoint.pk],
            )


def use_new_key_file(settings, path) -> Ed25519PrivateKey:
    """Point the seal at a fresh key file (a test's own, or an intruder's replacement)."""
    from cryptography.hazmat.primitives import serialization

    key = Ed25519PrivateKey.generate()
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.GOVMEDIA_SEAL_KEY_FILE = path
    clear_key_cache()
    return key


def clear_key_cache() -> None:
    from govmedia.publishing import archive

    for name in ("private_key", "public_keys", "public_key"):
        cache_clear = getattr(getattr(archive, name, None), "cache_clear", None)
        if cache_clear is not None:
            cache_clear()
