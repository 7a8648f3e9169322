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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    """Load the seal key, creating it (mode 600) on first use."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.touch(mode=0o600)
    path.write_bytes(pem)
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
    records: Iterable[Mapping[str, Any]], public_keys: Mapping[str, Ed25519PublicKey]
) -> Failure | None:
    """Check every record in order; return the first failure, or None when all hold.

    Each record is a mapping with the header fields plus `payload`,
    `record_hash` and `signature`. `public_keys` maps key ids to keys, so the
    archive stays verifiable after a key rotation.
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
        if reason is not None:
            return Failure(seq, reason)
        expected_prev = record["record_hash"]
        expected_seq = seq + 1
    return None
