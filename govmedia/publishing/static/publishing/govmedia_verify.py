#!/usr/bin/env python3
"""govmedia 档案独立核验程序 (standalone verifier of a govmedia sealed archive).

Needs only Python 3.9+ and the `cryptography` package (pip install cryptography);
works offline on files downloaded from the portal:

  public key     /seal/public-key.pem (or any JSON holding PEM keys, e.g. /seal/keys.json)
  records        /seal/records/<索引号>.json
  checkpoints    /seal/checkpoints/latest.json, /seal/checkpoints/<id>.json
  proofs         /seal/proofs/inclusion/<seq>.json?tree_size=N
                 /seal/proofs/consistency/<old size>/<new size>.json

Usage:
  python govmedia_verify.py --key public-key.pem checkpoint CHECKPOINT.json
  python govmedia_verify.py --key public-key.pem record RECORDS.json [--seq N]
  python govmedia_verify.py --key public-key.pem inclusion RECORDS.json PROOF.json CHECKPOINT.json
  python govmedia_verify.py --key public-key.pem consistency OLD.json NEW.json PROOF.json

Exit status 0 when everything verifies, 1 when something does not, 2 on bad input.
Formats (docs/transparency-log.md): a record's hash is SHA-256 of the canonical
JSON of its header fields; its signature is Ed25519 over that hash; the Merkle
tree is RFC 9162's (leaf = SHA-256(0x00 || record hash), node = SHA-256(0x01 ||
left || right)); a checkpoint is signed over the canonical JSON of its fields.
This file re-implements those checks on purpose, apart from the platform's
code, so a witness does not have to trust the platform's software.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

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
CHECKPOINT_FORMAT = "govmedia-checkpoint/1"
CHECKPOINT_FIELDS = ("format", "origin", "tree_size", "root_hash", "timestamp", "key_id")


class Bad(Exception):
    """Something does not verify."""


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- keys ----------------------------------------------------------------------


def _pem_blocks(value):
    if isinstance(value, str) and "BEGIN PUBLIC KEY" in value:
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _pem_blocks(item)
    elif isinstance(value, list):
        for item in value:
            yield from _pem_blocks(item)


def load_keys(paths) -> dict:
    """Key id -> public key, from PEM files or JSON files that contain PEM keys."""
    keys = {}
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        blocks = list(_pem_blocks(json.loads(text))) if text.lstrip().startswith("{") else [text]
        for block in blocks:
            key = serialization.load_pem_public_key(block.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise Bad(f"{path}: not an Ed25519 public key")
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            keys[hashlib.sha256(raw).hexdigest()[:16]] = key
    if not keys:
        raise Bad("no public key given")
    return keys


def check_signature(keys: dict, key_id: str, signature_hex: str, message: bytes, what: str):
    key = keys.get(key_id)
    if key is None:
        raise Bad(f"{what}: signed with key {key_id}, which is not among the keys given")
    try:
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        raise Bad(f"{what}: signature is not valid") from None


# --- records and checkpoints -----------------------------------------------------


def check_record(record: dict, keys: dict) -> bool:
    """Check one record; return whether its content was checked against its digest too.

    The public records of a withdrawn item carry `payload_withheld` and omit the
    withdrawn text and files: their digest cannot be recomputed here, so only
    the header hash and signature (which cover `payload_sha256`) are checked.
    Whoever holds the original text can still check it against that digest.
    """
    what = f"record #{record.get('seq')}"
    payload = record.get("payload")
    withheld = bool(record.get("payload_withheld"))
    if payload is not None and not withheld:
        if sha256(canonical_json(payload)).hex() != record["payload_sha256"]:
            raise Bad(f"{what}: the content does not match its sealed digest")
    header = {name: record[name] for name in HEADER_FIELDS}
    record_hash = sha256(canonical_json(header)).hex()
    if record_hash != record["record_hash"]:
        raise Bad(f"{what}: the header does not match its sealed hash")
    check_signature(keys, record["key_id"], record["signature"], bytes.fromhex(record_hash), what)
    return payload is not None and not withheld


def _withheld_note(records: list) -> str:
    withheld = [r for r in records if r.get("payload_withheld")]
    if not withheld:
        return ""
    seqs = ", ".join("#" + str(r["seq"]) for r in withheld)
    fields = ", ".join(sorted({f for r in withheld for f in r["payload_withheld"]}))
    return (
        f"\n注意：{seqs} 属已撤稿信息，公开记录未含撤下的内容（{fields}），"
        "只核验了记录头哈希和签名，未能重新计算内容摘要；持有原文者可对照 payload_sha256 核验。"
        f"\nNote: {seqs} withheld ({fields}): header hash and signature checked, "
        "the content digest could not be recomputed."
    )


def check_checkpoint(checkpoint: dict, keys: dict) -> None:
    if checkpoint.get("format") != CHECKPOINT_FORMAT:
        raise Bad(f"not a checkpoint of format {CHECKPOINT_FORMAT}")
    message = canonical_json({name: checkpoint[name] for name in CHECKPOINT_FIELDS})
    what = f"checkpoint of {checkpoint['tree_size']} records at {checkpoint['timestamp']}"
    check_signature(keys, checkpoint["key_id"], checkpoint["signature"], message, what)


# --- RFC 9162 proofs ---------------------------------------------------------------


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def verify_inclusion(index: int, size: int, leaf: bytes, path: list, root: bytes) -> None:
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size:
        raise Bad("inclusion proof: the record is not inside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Bad("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise Bad("inclusion proof does not lead to the checkpoint's root hash")


def verify_consistency(first: int, second: int, root1: bytes, root2: bytes, path: list) -> None:
    """RFC 9162 section 2.1.4.2."""
    if not 0 < first <= second:
        raise Bad("consistency proof: the newer checkpoint is smaller than the older one")
    if first == second:
        if path or root1 != root2:
            raise Bad("two different root hashes for the same number of records")
        return
    if not path:
        raise Bad("consistency proof is empty")
    if first & (first - 1) == 0:
        path = [root1, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Bad("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        raise Bad("the newer checkpoint does not extend the older one: history was rewritten")


# --- commands ----------------------------------------------------------------------


def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _records(path: str, seq: int | None) -> list:
    data = _load(path)
    records = data["records"] if "records" in data else [data]
    if seq is not None:
        records = [r for r in records if int(r["seq"]) == seq]
        if not records:
            raise Bad(f"record #{seq} is not in {path}")
    return records


def cmd_checkpoint(args, keys) -> str:
    checkpoint = _load(args.checkpoint)
    check_checkpoint(checkpoint, keys)
    return f"检查点签名有效：{checkpoint['tree_size']} 条记录，根哈希 {checkpoint['root_hash']}，签署于 {checkpoint['timestamp']}"


def cmd_record(args, keys) -> str:
    records = _records(args.records, args.seq)
    for record in records:
        check_record(record, keys)
    seqs = ", ".join("#" + str(r["seq"]) for r in records)
    return f"档案记录完好、签名有效：{seqs}{_withheld_note(records)}"


def cmd_inclusion(args, keys) -> str:
    proof = _load(args.proof)
    checkpoint = _load(args.checkpoint)
    check_checkpoint(checkpoint, keys)
    (record,) = _records(args.records, int(proof["seq"]))
    check_record(record, keys)
    if int(proof["tree_size"]) != int(checkpoint["tree_size"]):
        raise Bad("the proof is for another tree size than the checkpoint's")
    if int(proof["leaf_index"]) != int(record["seq"]) - 1:
        raise Bad("the proof is for another position than the record's")
    leaf = sha256(b"\x00" + bytes.fromhex(record["record_hash"]))
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    verify_inclusion(
        int(proof["leaf_index"]),
        int(checkpoint["tree_size"]),
        leaf,
        path,
        bytes.fromhex(checkpoint["root_hash"]),
    )
    return (
        f"记录 #{record['seq']} 包含在 {checkpoint['tree_size']} 条记录的检查点"
        f"（{checkpoint['timestamp']}）中{_withheld_note([record])}"
    )


def cmd_consistency(args, keys) -> str:
    old, new, proof = _load(args.old), _load(args.new), _load(args.proof)
    check_checkpoint(old, keys)
    check_checkpoint(new, keys)
    if old.get("origin") != new.get("origin"):
        raise Bad("the two checkpoints come from different logs")
    first, second = int(old["tree_size"]), int(new["tree_size"])
    if (int(proof.get("first", first)), int(proof.get("second", second))) != (first, second):
        raise Bad("the proof is for other tree sizes than the two checkpoints'")
    verify_consistency(
        first,
        second,
        bytes.fromhex(old["root_hash"]),
        bytes.fromhex(new["root_hash"]),
        [bytes.fromhex(h) for h in proof["consistency_path"]],
    )
    return f"一致：{second} 条记录的检查点是在 {first} 条记录的检查点之上只增未改的"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="govmedia 档案独立核验程序")
    parser.add_argument(
        "--key", action="append", required=True, help="公钥文件（PEM 或含 PEM 的 JSON），可多次给出"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("checkpoint", help="核验检查点签名")
    p.add_argument("checkpoint")
    p = sub.add_parser("record", help="核验档案记录的哈希和签名")
    p.add_argument("records")
    p.add_argument("--seq", type=int)
    p = sub.add_parser("inclusion", help="核验记录包含在检查点中")
    p.add_argument("records")
    p.add_argument("proof")
    p.add_argument("checkpoint")
    p = sub.add_parser("consistency", help="核验新检查点是旧检查点的延续")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("proof")
    args = parser.parse_args(argv)
    commands = {
        "checkpoint": cmd_checkpoint,
        "record": cmd_record,
        "inclusion": cmd_inclusion,
        "consistency": cmd_consistency,
    }
    try:
        keys = load_keys(args.key)
        message = commands[args.command](args, keys)
    except Bad as problem:
        print(f"核验失败 FAILED: {problem}")
        return 1
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"无法读取输入 bad input: {error!r}", file=sys.stderr)
        return 2
    print(f"核验通过 OK: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
