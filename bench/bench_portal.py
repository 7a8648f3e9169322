#!/usr/bin/env python3
"""Benchmark the public portal: item pages and search, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_portal.py [--items 10000] [--backends sqlite,postgres]

For each backend it builds a fresh installation with N live items, starts
`govmedia run --no-worker` on a free loopback port, and measures with a
keep-alive HTTP client:

- the baseline: `/healthz`, which crosses the same server, middleware and
  database connection but renders nothing;
- item pages at random;
- search for random words from the items' vocabulary.

It reports requests per second and p50/p99 latency, and each as a ratio to the
baseline of the same run, so results compare across machines. Latency is
measured with one client (what one reader waits); throughput with
`--concurrency` clients. Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORDS = [
    "招生",
    "教育",
    "医疗保险",
    "交通",
    "环境",
    "预算",
    "公告",
    "通知",
    "低保",
    "营商环境",
    "食品安全",
    "规划",
    "轨道交通",
    "疫苗",
]
TITLES = [
    "关于做好{year}年{word}工作的通知",
    "示例市{word}情况公告（第{n}期）",
    "{word}相关政策解读（{n}）",
    "{year}年{word}专项检查结果公示",
]


def seed(count: int) -> None:
    """Runs inside the benchmark installation: create `count` live items quickly."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    from django.db import transaction
    from tqdm import tqdm

    from govmedia.orgs.models import Department, DepartmentKind
    from govmedia.publishing.bootstrap import ensure_department_page, ensure_site
    from govmedia.publishing.models import DisclosureCategory, ItemPage

    ensure_site()
    rng = random.Random(7)
    departments = []
    for i in range(20):
        dept, _ = Department.objects.get_or_create(
            name=f"基准测试部门{i:02d}",
            defaults={"kind": DepartmentKind.DEPARTMENT, "code": f"1199{i:04d}MB{i:07d}X"},
        )
        departments.append(ensure_department_page(dept))
    categories = list(DisclosureCategory.objects.all())
    with transaction.atomic():
        for n in tqdm(range(count), desc="seeding items", unit="item"):
            word = rng.choice(WORDS)
            title = rng.choice(TITLES).format(year=rng.choice([2024, 2025, 2026]), word=word, n=n)
            body = "".join(
                f"<p>{rng.choice(WORDS)}方面，示例市持续推进第{n}项工作，{rng.choice(WORDS)}取得新进展。"
                f"请广大市民关注{rng.choice(WORDS)}有关安排，咨询电话12345。</p>"
                for _ in range(rng.randint(4, 12))
            )
            item = ItemPage(
                title=title, category=rng.choice(categories), body=body, live=True, summary=title
            )
            rng.choice(departments).add_child(instance=item)
    from django.core.management import call_command

    call_command("rebuild_search_index")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)


def wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def measure(port: int, paths: list[str], requests: int, concurrency: int) -> dict[str, float]:
    """Issue `requests` GETs over `concurrency` keep-alive connections; return rps and latencies (ms)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = max(1, requests // concurrency)

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        for _ in range(per_client):
            path = rng.choice(paths)
            start = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            local.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                with lock:
                    errors += 1
        conn.close()
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def bench_backend(backend: str, items: int, requests: int, concurrency: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"govmedia-bench-{backend}-"))
    env = {
        **os.environ,
        "GOVMEDIA_DATA_DIR": str(data_dir),
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        import psycopg

        with psycopg.connect(
            "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute("DROP DATABASE IF EXISTS govmedia_bench")
            conn.execute("CREATE DATABASE govmedia_bench")
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/govmedia_bench"
    print(f"== {backend}: setting up {items} items in {data_dir}", flush=True)
    run([PYTHON, "-m", "govmedia.cli", "setup", "--verbosity", "0"], env)
    run([PYTHON, __file__, "--seed", str(items)], env)
    paths_script = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','govmedia.settings');django.setup();"
        "from govmedia.publishing.models import ItemPage;"
        "print('\\n'.join(p.url for p in ItemPage.objects.live().order_by('?')[:2000]))"
    )
    item_paths = subprocess.run(
        [PYTHON, "-c", paths_script], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    search_paths = [f"/search/?q={urllib.parse.quote(w)}" for w in WORDS]
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "govmedia.cli",
            "run",
            "--no-worker",
            "--port",
            str(port),
            "--threads",
            str(max(4, concurrency)),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_up(port)
        measure(
            port, item_paths[:50] + search_paths, 200, 2
        )  # warm-up: templates, caches, jieba's dictionary
        result = {}
        for name, paths in (
            ("baseline /healthz", ["/healthz"]),
            ("item page", item_paths),
            ("search", search_paths),
        ):
            latency = measure(port, paths, max(200, requests // 4), 1)
            throughput = measure(port, paths, requests, concurrency)
            result[name] = {"latency": latency, "throughput": throughput}
            print(
                f"  {name:<18} {throughput['rps']:8.1f} req/s ({concurrency} clients)   "
                f"p50 {latency['p50_ms']:6.1f} ms   p99 {latency['p99_ms']:6.1f} ms   errors {throughput['errors'] + latency['errors']}",
                flush=True,
            )
        base = result["baseline /healthz"]
        for name in ("item page", "search"):
            result[name]["rps_ratio_to_baseline"] = (
                result[name]["throughput"]["rps"] / base["throughput"]["rps"]
            )
            result[name]["p99_ratio_to_baseline"] = (
                result[name]["latency"]["p99_ms"] / base["latency"]["p99_ms"]
            )
            print(
                f"  {name:<18} throughput {result[name]['rps_ratio_to_baseline']:.2f}x baseline, "
                f"p99 {result[name]['p99_ratio_to_baseline']:.1f}x baseline"
            )
        return result
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        seed(args.seed)
        return 0
    results = {
        "items": args.items,
        "cpu_count": os.cpu_count(),
        "backends": {
            b: bench_backend(b, args.items, args.requests, args.concurrency)
            for b in args.backends.split(",")
        },
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"portal-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
