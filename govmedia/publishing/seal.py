"""The electronic seal: a hash chain of records, each signed with Ed25519.

Plain Python with no Django import, so `govmedia archive verify`, a worker
and a third party holding only the public key can all run the same check.

A record's hash covers its canonical header (sequence number, kind, index
number, note, time, actor, the SHA-256 of its payload and the previous
record's hash), so changing any of them, or the payload, or the order of
records, breaks the chain from that record on. The signature is made over the
record hash, so a forger who rewrites the chain still cannot re-sign it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS_HASH = "0" * 64
HEADER_FIELDS = (
    "seq",
    "kind",
    "index_number",
    "note",
    "sealed_at",
    "actor",
    "payload_sha256",
    "prev_hash",
    "key_id",
)


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload_digest(payload: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(payload))


def header_digest(header: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json({name: header[name] for name in HEADER_FIELDS}))


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)[:16]


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Load the seal key. Never creates one: a missing file is an error for the caller to report."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def write_new_private_key(path: Path) -> Ed25519PrivateKey:
    """Generate a key and write it to `path` (mode 600) without ever exposing a partial file.

    Refuses to overwrite: replacing a seal key is a rotation, done by the caller.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key_pem(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def seal(header: dict[str, Any], private_key: Ed25519PrivateKey) -> tuple[str, str]:
    """Return (record_hash, signature hex) for a header whose other fields are filled in."""
    record_hash = header_digest(header)
    return record_hash, private_key.sign(bytes.fromhex(record_hash)).hex()


# Key id -> (valid from, retired at or None): when each key may have sealed.
KeyPeriods = Mapping[str, tuple[datetime, datetime | None]]


def key_period_problem(record: Mapping[str, Any], periods: KeyPeriods) -> str | None:
    """Whether the record was sealed while its key was in service.

    A retired key that leaks cannot then add records dated after its
    retirement without the gap showing.
    """
    period = periods.get(record["key_id"])
    if period is None:
        return None
    sealed_at = datetime.fromisoformat(record["sealed_at"])
    valid_from, retired_at = period
    if sealed_at < valid_from or (retired_at is not None and sealed_at > retired_at):
        return f"sealed at {record['sealed_at']}, outside the validity period of key {record['key_id']}"
    return None


@dataclass(frozen=True)
class Failure:
    seq: int
    reason: str


def record_problem(
    record: Mapping[str, Any], public_keys: Mapping[str, Ed25519PublicKey]
) -> str | None:
    """What is wrong with one record on its own (payload, header, signature), or None."""
    if payload_digest(record["payload"]) != record["payload_sha256"]:
        return "payload does not match its sealed digest: the published text was changed"
    if header_digest(record) != record["record_hash"]:
        return "record header does not match its sealed hash"
    key = public_keys.get(record["key_id"])
    if key is None:
        return f"unknown seal key {record['key_id']}"
    try:
        key.verify(bytes.fromhex(record["signature"]), bytes.fromhex(record["record_hash"]))
    except (InvalidSignature, ValueError):
        return "signature is not valid for this record"
    return None


def verify_chain(
    records: Iterable[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    periods: KeyPeriods | None = None,
) -> Failure | None:
    """Check every record in order; return the first failure, or None when all hold.

    Each record is a mapping with the header fields plus `payload`,
    `record_hash` and `signature`. `public_keys` maps key ids to keys, so the
    archive stays verifiable after a key rotation; `periods`, when given,
    also checks that each record was sealed while its key was in service.
    """
    expected_prev = GENESIS_HASH
    expected_seq: int | None = None
    for record in records:
        seq = int(record["seq"])
        if expected_seq is not None and seq != expected_seq:
            return Failure(seq, f"sequence gap: expected #{expected_seq}, found #{seq}")
        if record["prev_hash"] != expected_prev:
            return Failure(
                seq,
                "previous-record hash does not match: a record before it was changed or removed",
            )
        reason = record_problem(record, public_keys)
        if reason is None and periods is not None:
            reason = key_period_problem(record, periods)
        if reason is not None:
            return Failure(seq, reason)
        expected_prev = record["record_hash"]
        expected_seq = seq + 1
    return None
