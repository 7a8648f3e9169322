#!/usr/bin/env python3
"""Benchmark the public portal: item pages and search, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_portal.py [--items 10000] [--backends sqlite,postgres]

For each backend it builds a fresh installation with N live items, then starts
`govmedia run --no-worker` on a free loopback port twice, with the page cache
off (GOVMEDIA_PAGE_CACHE_SECONDS=0) and on (the default), and measures with
keep-alive HTTP clients as an anonymous reader:

- the baseline: `/healthz`, which crosses the same server, middleware and
  database connection but renders nothing;
- item pages at random, the home page, the catalogue's first pages;
- search for random words from the items' vocabulary.

With the cache on, every measured address is requested once before (a warm
cache, as during an incident when many readers open the same pages), and at
the end one item is corrected by another process (as the worker would) and
the next request must show the correction.

It reports requests per second and p50/p99 latency, and each as a ratio to the
baseline of the same server run, so results compare across machines. Latency is
measured with one client (what one reader waits); throughput with
`--concurrency` clients. Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
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
    from govmedia.portal.bootstrap import ensure_site
    from govmedia.publishing.bootstrap import ensure_department_page
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
        # This checkout's code, also for the scripts run by path (not `-m`).
        "PYTHONPATH": str(ROOT),
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
    catalogue_paths = ["/xxgk/"] + [f"/xxgk/?page={n}" for n in range(2, 6)]
    targets = (
        ("baseline /healthz", ["/healthz"]),
        ("item page", item_paths),
        ("home", ["/"]),
        ("catalogue", catalogue_paths),
        ("search", search_paths),
    )
    result = {}
    for cache_name, seconds in (("cache off", "0"), ("cache on", "300")):
        print(f"  -- {cache_name}", flush=True)
        server_env = {**env, "GOVMEDIA_PAGE_CACHE_SECONDS": seconds}
        with serve(server_env, concurrency) as port:
            # Warm-up: templates, jieba's dictionary, and with the cache on every address once.
            warm = [p for _, paths in targets for p in paths] if seconds != "0" else []
            measure(port, item_paths[:50] + search_paths, 200, 2)
            for path in warm:
                measure(port, [path], 1, 1)
            load_before = os.getloadavg()
            result[cache_name] = run_targets(port, targets, requests, concurrency)
            # The machine may be shared: the load around the run says how much.
            result[cache_name]["loadavg"] = {"before": load_before, "after": os.getloadavg()}
            print(f"  load average before {load_before}, after {os.getloadavg()}", flush=True)
            if seconds != "0":
                result[cache_name]["correction visible on the next request"] = correction_visible(
                    port, env, item_paths[0]
                )
    return result


@contextlib.contextmanager
def serve(env: dict[str, str], concurrency: int):
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
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_targets(port: int, targets, requests: int, concurrency: int) -> dict:
    result = {}
    for name, paths in targets:
        latency = measure(port, paths, max(200, requests // 4), 1)
        throughput = measure(port, paths, requests, concurrency)
        result[name] = {"latency": latency, "throughput": throughput}
    base = result["baseline /healthz"]
    for name, _paths in targets:
        entry = result[name]
        entry["rps_ratio_to_baseline"] = entry["throughput"]["rps"] / base["throughput"]["rps"]
        entry["p99_ratio_to_baseline"] = entry["latency"]["p99_ms"] / base["latency"]["p99_ms"]
        print(
            f"  {name:<18} {entry['throughput']['rps']:8.1f} req/s ({concurrency} clients, "
            f"{entry['rps_ratio_to_baseline']:.2f}x baseline)   "
            f"p50 {entry['latency']['p50_ms']:6.1f} ms   p99 {entry['latency']['p99_ms']:6.1f} ms   "
            f"errors {entry['throughput']['errors'] + entry['latency']['errors']}",
            flush=True,
        )
    return result


CORRECT_SCRIPT = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
django.setup()
from django.db import transaction
from govmedia.publishing.models import ItemPage
item = ItemPage.objects.get(url_path__endswith=sys.argv[1].split("/", 2)[2])
item.title = sys.argv[2]
item.correction_note = "基准测试：更正标题。"
with transaction.atomic():
    item.save_revision().publish(skip_permission_checks=True)
"""


def correction_visible(port: int, env: dict[str, str], path: str) -> bool:
    """Correct one cached item from another process; the next request must show it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    conn.getresponse().read()
    title = f"基准测试更正标题{random.randint(0, 10**6)}"
    subprocess.run([PYTHON, "-c", CORRECT_SCRIPT, path, title], env=env, cwd=ROOT, check=True)
    conn.request("GET", path)
    visible = title in conn.getresponse().read().decode()
    conn.close()
    print(f"  correction visible on the next request: {visible}", flush=True)
    return visible


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
