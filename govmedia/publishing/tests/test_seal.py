"""The hash chain and signatures, as plain Python."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govmedia.publishing import seal


def _chain(key, n=3):
    records, prev = [], seal.GENESIS_HASH
    for i in range(1, n + 1):
        payload = {"title": f"第{i}条通知", "body": f"<p>正文{i}</p>"}
        header = {
            "seq": i,
            "kind": "publish",
            "index_number": f"X/2026-{i:05d}",
            "note": "",
            "sealed_at": "2026-11-26T08:00:00+00:00",
            "actor": "张领导",
            "payload_sha256": seal.payload_digest(payload),
            "prev_hash": prev,
            "key_id": seal.key_id(key.public_key()),
        }
        record_hash, signature = seal.seal(header, key)
        records.append(
            {**header, "payload": payload, "record_hash": record_hash, "signature": signature}
        )
        prev = record_hash
    return records


def test_it_accepts_an_untouched_chain():
    key = Ed25519PrivateKey.generate()
    keys = {seal.key_id(key.public_key()): key.public_key()}
    assert seal.verify_chain(_chain(key), keys) is None


def test_it_names_the_first_record_whose_text_was_changed():
    key = Ed25519PrivateKey.generate()
    keys = {seal.key_id(key.public_key()): key.public_key()}
    records = _chain(key)
    records[1]["payload"]["body"] = "<p>被改过的正文</p>"
    failure = seal.verify_chain(records, keys)
    assert failure is not None and failure.seq == 2
    assert "payload" in failure.reason


def test_it_detects_a_removed_record():
    key = Ed25519PrivateKey.generate()
    keys = {seal.key_id(key.public_key()): key.public_key()}
    records = _chain(key, 4)
    del records[1]
    failure = seal.verify_chain(records, keys)
    assert failure is not None and failure.seq == 3


def test_it_rejects_a_chain_rebuilt_with_another_key():
    real, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    keys = {seal.key_id(real.public_key()): real.public_key()}
    forged = _chain(forger)
    for record in forged:
        record["key_id"] = seal.key_id(real.public_key())
    failure = seal.verify_chain(forged, keys)
    assert failure is not None and failure.seq == 1


def test_it_rejects_a_changed_note_even_with_recomputed_payload_digest():
    key = Ed25519PrivateKey.generate()
    keys = {seal.key_id(key.public_key()): key.public_key()}
    records = copy.deepcopy(_chain(key))
    records[2]["note"] = "事后补写的说明"
    failure = seal.verify_chain(records, keys)
    assert failure is not None and failure.seq == 3 and "header" in failure.reason


def test_it_writes_a_new_key_once_and_never_overwrites_it(tmp_path):
    path = tmp_path / "seal.pem"
    first = seal.write_new_private_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert seal.key_id(seal.load_private_key(path).public_key()) == seal.key_id(first.public_key())
    with pytest.raises(FileExistsError):
        seal.write_new_private_key(path)


def test_loading_a_missing_key_is_an_error_not_a_new_key(tmp_path):
    path = tmp_path / "seal.pem"
    with pytest.raises(FileNotFoundError):
        seal.load_private_key(path)
    assert not path.exists()


def test_it_rejects_a_record_sealed_outside_its_keys_period():
    key = Ed25519PrivateKey.generate()
    kid = seal.key_id(key.public_key())
    keys = {kid: key.public_key()}
    retired = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    periods = {kid: (datetime(2026, 1, 1, tzinfo=UTC), retired)}
    assert seal.verify_chain(_chain(key), keys, periods) is not None
    periods = {kid: (datetime(2026, 1, 1, tzinfo=UTC), None)}
    assert seal.verify_chain(_chain(key), keys, periods) is None
