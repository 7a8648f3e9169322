#!/usr/bin/env python3
"""Benchmark the sealed archive as a transparency log, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_archive.py [--records 100000] [--backends sqlite,postgres]
        [--postgres-url postgres://postgres@127.0.0.1:5432/h_log] [--workers N]

For each backend it builds a fresh installation (`govmedia setup`; for
PostgreSQL the schema of the database in --postgres-url is emptied first, so
give it a database of its own), seals N records signed with the installation's
key, with a signed checkpoint after every `--checkpoint-every` records (1, as
the log does), and measures:

- **verification** with `transparency.verify_log()`, exactly what `govmedia
  archive verify` runs, pass by pass: the chain walk with the Merkle tree
  (records/s, reading from the database included), the seal pass (each
  record's payload and header digests and its Ed25519 signature, over
  `--workers` processes, reading included) and the stored checkpoints'
  signatures;
- **inclusion proofs** with `transparency.inclusion_proof()`, what
  /seal/proofs/inclusion/<seq>.json serves (the first one, which loads the
  tree, and then random records), and consistency proofs;
- the **baselines**, in the same run: raw Ed25519 verification of the same
  signatures in one process with no database (the seal pass and the
  checkpoint signatures are reported as ratios to it), and a plain read of
  every full row (what the seal pass cannot go below on one core).

Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BODY = (
    "<p>各区县人民政府，市政府各部门：现将《示例市{n}号工作方案》印发给你们，请认真贯彻执行。"
    "方案明确了目标任务、责任分工和进度安排，各单位要加强组织领导，确保按期完成。"
    "执行中遇到的问题，请及时向市政府办公室反映。咨询电话：12345。</p>"
) * 4


def seed(count: int, checkpoint_every: int) -> None:
    """Inside the installation: seal `count` records and their checkpoints, quickly."""
    from django.db import transaction
    from django.utils import timezone
    from tqdm import tqdm

    from govmedia.orgs.models import Department, DepartmentKind
    from govmedia.publishing import archive, merkle, seal, tlog, transparency
    from govmedia.publishing.bootstrap import ensure_department_page, ensure_site
    from govmedia.publishing.models import (
        ArchiveKind,
        ArchiveRecord,
        Checkpoint,
        DisclosureCategory,
        ItemPage,
    )

    ensure_site()
    dept = Department.objects.create(
        name="基准测试部门", kind=DepartmentKind.DEPARTMENT, code="11990000MB0000001M"
    )
    item = ItemPage(title="基准测试信息", category=DisclosureCategory.objects.first(), body=BODY)
    ensure_department_page(dept).add_child(instance=item)
    key, key_id = archive.private_key(), archive.current_key_id()
    tree = merkle.MerkleTree()
    prev = seal.GENESIS_HASH
    sealed_at = timezone.now().replace(microsecond=0)
    records: list[ArchiveRecord] = []
    checkpoints: list[Checkpoint] = []

    def flush() -> None:
        with transaction.atomic():
            ArchiveRecord.objects.bulk_create(records)
            Checkpoint.objects.bulk_create(checkpoints)
        records.clear()
        checkpoints.clear()

    for seq in tqdm(range(1, count + 1), desc="sealing records", unit="record", mininterval=2):
        payload = {
            "index_number": item.index_number,
            "title": f"关于印发示例市{seq}号工作方案的通知",
            "body": BODY.format(n=seq),
            "url": f"http://127.0.0.1:8000/xxgk/{seq}/",
            "attachments": [],
        }
        kind = ArchiveKind.PUBLISH if seq == 1 else ArchiveKind.CORRECTION
        header = {
            "seq": seq,
            "kind": kind,
            "index_number": item.index_number,
            "note": "" if seq == 1 else f"第{seq}次更正",
            "sealed_at": sealed_at.isoformat(),
            "actor": "基准测试",
            "payload_sha256": seal.payload_digest(payload),
            "prev_hash": prev,
            "key_id": key_id,
        }
        record_hash, signature = seal.seal(header, key)
        records.append(
            ArchiveRecord(
                page_id=item.pk,
                payload=payload,
                record_hash=record_hash,
                signature=signature,
                sealed_at=sealed_at,
                **{k: header[k] for k in ("seq", "kind", "index_number", "note", "actor")},
                **{k: header[k] for k in ("payload_sha256", "prev_hash", "key_id")},
            )
        )
        tree.append_leaf_hash(tlog.record_leaf_hash(record_hash))
        prev = record_hash
        if seq % checkpoint_every == 0 or seq == count:
            body = tlog.checkpoint_body(
                origin=transparency.origin(),
                tree_size=seq,
                root_hash=tree.root().hex(),
                timestamp=sealed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                key_id=key_id,
            )
            checkpoints.append(Checkpoint(made_at=sealed_at, **tlog.sign_checkpoint(body, key)))
        if len(records) >= 5000:
            flush()
    flush()
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load; without statistics the
        # planner scans the whole table for "the records after #n".
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(workers: int | None, proofs: int) -> dict:
    """Inside the installation: baselines, verification and proofs."""
    from govmedia.publishing import archive, merkle, tlog, transparency
    from govmedia.publishing.models import ArchiveRecord

    result: dict = {"workers": workers or tlog.default_workers()}
    keys = archive.public_keys()

    # Baseline 1: raw Ed25519, one process, the same signatures, no database.
    sample = list(
        ArchiveRecord.objects.order_by("seq").values_list("key_id", "record_hash", "signature")[
            :20_000
        ]
    )
    prepared = [(keys[k], bytes.fromhex(h), bytes.fromhex(s)) for k, h, s in sample]
    started, cpu = time.perf_counter(), time.process_time()
    for key, message, signature in prepared:
        key.verify(signature, message)
    result["raw_ed25519_per_s"] = len(prepared) / (time.perf_counter() - started)
    result["raw_ed25519_cpu_us"] = (time.process_time() - cpu) / len(prepared) * 1e6

    # Baseline 2: reading every row, as the chain walk does, and nothing else.
    started = time.perf_counter()
    rows = sum(1 for _ in transparency._record_mappings())
    result["plain_read_records_per_s"] = rows / (time.perf_counter() - started)

    # CPU time too, the verifier's and its worker processes': on a shared
    # machine it tells what the passes cost, whatever share of the cores they got.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    report = transparency.verify_log(workers=workers)
    main_cpu = time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    assert report.ok, report.sorted_problems()[:3]
    result["verify_cpu_seconds"] = {"verifier": main_cpu, "worker_processes": worker_cpu}
    result["worker_cpu_us_per_signature"] = (
        worker_cpu / (report.records + report.checkpoints) * 1e6 if worker_cpu else None
    )
    t = report.timings
    result.update(
        records=report.records,
        checkpoints=report.checkpoints,
        timings=t,
        chain_records_per_s=report.records / t["chain"],
        seal_records_per_s=report.records / t["seals"],
        checkpoint_signatures_per_s=report.checkpoints / t["checkpoint_signatures"],
        verify_total_seconds=sum(t.values()),
    )
    result["seal_ratio_to_raw"] = result["seal_records_per_s"] / result["raw_ed25519_per_s"]
    result["checkpoint_signature_ratio_to_raw"] = (
        result["checkpoint_signatures_per_s"] / result["raw_ed25519_per_s"]
    )

    # Inclusion proofs: the first loads the tree into the process, then each is O(log n).
    count = report.records
    started = time.perf_counter()
    transparency.inclusion_proof(count)
    result["first_proof_ms"] = (time.perf_counter() - started) * 1000
    rng = random.Random(7)
    latencies = []
    root = bytes.fromhex(report.root_hash)
    cpu = time.process_time()
    for _ in range(proofs):
        seq = rng.randint(1, count)
        started = time.perf_counter()
        proof = transparency.inclusion_proof(seq)
        latencies.append((time.perf_counter() - started) * 1000)
        merkle.verify_inclusion(
            proof["leaf_index"],
            proof["tree_size"],
            bytes.fromhex(proof["leaf_hash"]),
            [bytes.fromhex(h) for h in proof["audit_path"]],
            root,
        )
    # CPU per proof includes verifying it here; it shows what a proof costs apart from waiting
    # for a core on a busy machine.
    proof_cpu_ms = (time.process_time() - cpu) / proofs * 1000
    latencies.sort()
    result["inclusion_proof_ms"] = {
        "cpu_mean_with_verification": proof_cpu_ms,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "mean": statistics.fmean(latencies),
    }
    latencies = []
    for _ in range(max(1, proofs // 10)):
        first = rng.randint(1, count)
        started = time.perf_counter()
        transparency.consistency_proof(first, count)
        latencies.append((time.perf_counter() - started) * 1000)
    result["consistency_proof_ms_p50"] = statistics.median(latencies)
    return result


def inside(args: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    if args.seed_records:
        seed(args.seed_records, args.checkpoint_every)
    else:
        print("RESULT " + json.dumps(measure(args.workers, args.proofs)), flush=True)


def bench_backend(backend: str, args: argparse.Namespace) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"govmedia-bench-archive-{backend}-"))
    env = {
        **os.environ,
        "GOVMEDIA_DATA_DIR": str(data_dir),
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        # The code of this checkout, whatever the virtualenv has installed.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        import psycopg

        with psycopg.connect(args.postgres_url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        env["DATABASE_URL"] = args.postgres_url
    print(f"== {backend}: {args.records} records in {data_dir}", flush=True)
    subprocess.run(
        [PYTHON, "-m", "govmedia.cli", "setup", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    started = time.perf_counter()
    me = [PYTHON, __file__, "--inside", "--checkpoint-every", str(args.checkpoint_every)]
    subprocess.run([*me, "--seed-records", str(args.records)], env=env, cwd=ROOT, check=True)
    print(f"  sealed in {time.perf_counter() - started:.0f} s", flush=True)
    workers = ["--workers", str(args.workers)] if args.workers else []
    out = subprocess.run(
        [*me, "--proofs", str(args.proofs), *workers],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    p = result["inclusion_proof_ms"]
    print(
        f"  raw Ed25519 (1 process)    {result['raw_ed25519_per_s']:9.0f} signatures/s\n"
        f"  plain read of every row    {result['plain_read_records_per_s']:9.0f} records/s\n"
        f"  chain + Merkle tree        {result['chain_records_per_s']:9.0f} records/s\n"
        f"  seal pass (digests+sig.)   {result['seal_records_per_s']:9.0f} records/s "
        f"({result['workers']} workers, {result['seal_ratio_to_raw']:.2f}x raw Ed25519)\n"
        f"  checkpoint signatures      {result['checkpoint_signatures_per_s']:9.0f} signatures/s "
        f"({result['checkpoints']} checkpoints, "
        f"{result['checkpoint_signature_ratio_to_raw']:.2f}x raw Ed25519)\n"
        f"  whole `archive verify`     {result['verify_total_seconds']:9.1f} s "
        f"(CPU: verifier {result['verify_cpu_seconds']['verifier']:.1f} s, workers "
        f"{result['verify_cpu_seconds']['worker_processes']:.1f} s; raw Ed25519 "
        f"{result['raw_ed25519_cpu_us']:.0f} µs CPU per signature)\n"
        f"  inclusion proof            p50 {p['p50']:.2f} ms, p99 {p['p99']:.2f} ms "
        f"(first, loading the tree: {result['first_proof_ms']:.0f} ms; CPU "
        f"{p['cpu_mean_with_verification']:.2f} ms each)\n"
        f"  consistency proof          p50 {result['consistency_proof_ms_p50']:.2f} ms",
        flush=True,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_log"),
        help="a database of its own: its schema is emptied",
    )
    parser.add_argument("--workers", type=int, default=None, help="default: every core")
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--checkpoint-every", type=int, default=1)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed-records", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args)
        return 0
    results = {
        "records": args.records,
        "cpu_count": os.cpu_count(),
        "backends": {b: bench_backend(b, args) for b in args.backends.split(",")},
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"archive-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
