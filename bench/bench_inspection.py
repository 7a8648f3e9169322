#!/usr/bin/env python3
"""Benchmark one inspection round over 1,000 channels holding 200,000 entries.

    .venv/bin/python bench/bench_inspection.py [--channels 1000] [--entries 200000]
        [--probes-per-day 20] [--backends sqlite,postgres]
        [--postgres-url postgres://postgres@127.0.0.1:5432/bench_inspection]

For each backend it builds a fresh installation (`govmedia setup`; for
PostgreSQL the schema of the database in --postgres-url is emptied first, so
give it a database of its own), seeds 200 departments with five watched
website columns each (首页, 动态要闻, 通知公告, 政策文件, 其他), one source per
column, the entries spread over the past 400 days in patterns from daily to
long stale (some undated, some columns blank), and a week of availability
probes per source (`--probes-per-day`, 20 as the indicators require at
least). Then, in a fresh process:

- the **baseline**: `Entry.objects.count()` and one grouped query of every
  source's latest publication date, what any round must at least do;
- the **round**: `run_round()` as `govmedia inspect` runs it (results,
  notices and alerts written), in seconds, with the process's peak resident
  memory (getrusage) and, in a second round, the peak of Python allocations
  (tracemalloc, which slows it, so its time is not the one reported).

The round must take under 60 s (issue 11). Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COLUMN_TYPES = ("home", "news", "notice", "policy", "other")
COLUMN_NAMES = {
    "home": "首页",
    "news": "政务动态",
    "notice": "通知公告",
    "policy": "政策文件",
    "other": "机构职能",
}


def seed(channels: int, entries: int, probes_per_day: int) -> None:
    """Inside the installation: departments, channels, sources, entries, probes, quickly."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone
    from tqdm import tqdm

    from govmedia.inspection.models import ColumnType, WatchedChannel
    from govmedia.orgs.codes import uscc_check_char
    from govmedia.orgs.models import Channel, ChannelKind, Department, DepartmentKind
    from govmedia.sources.models import Entry, Kind, Probe, Source

    rng = random.Random(11)
    now = timezone.now()
    per_department = len(COLUMN_TYPES)
    departments = channels // per_department

    def code(index: int) -> str:
        # A fictional 统一社会信用代码 with a correct check character, as the demo's.
        body = f"1199{index:04d}MB{index:07d}"
        return body + uscc_check_char(body)

    with transaction.atomic():
        city = Department.objects.create(
            name="示例市人民政府", kind=DepartmentKind.CITY, code=code(9999)
        )
        depts = Department.objects.bulk_create(
            Department(
                name=f"示例市第{n}局",
                kind=DepartmentKind.DEPARTMENT,
                parent=city,
                order=n,
                code=code(n),
            )
            for n in range(departments)
        )
        chans, srcs = [], []
        for n, dept in enumerate(depts):
            for column_type in COLUMN_TYPES:
                url = f"http://dept{n}.example.gov.cn/col/{column_type}/index.html"
                chans.append(
                    Channel(
                        department=dept,
                        kind=ChannelKind.WEBSITE_COLUMN,
                        name=COLUMN_NAMES[column_type],
                        url=url,
                    )
                )
                srcs.append(
                    Source(
                        name=f"{dept.name}·{COLUMN_NAMES[column_type]}",
                        kind=Kind.COLUMN,
                        url=url,
                        config={},
                    )
                )
        chans = Channel.objects.bulk_create(chans)
        srcs = Source.objects.bulk_create(srcs)
        WatchedChannel.objects.bulk_create(
            WatchedChannel(
                channel=c, source=s, column_type=ColumnType(COLUMN_TYPES[i % per_department])
            )
            for i, (c, s) in enumerate(zip(chans, srcs, strict=True))
        )
    batch: list = []

    def flush(model) -> None:
        model.objects.bulk_create(batch, batch_size=5000)
        batch.clear()

    # Patterns: most columns post every 1-10 days up to now; a tenth stopped
    # 1-12 months ago; a twentieth is blank; one in fifty has no dates at all.
    patterns = [rng.random() for _ in srcs]
    filled = sum(1 for pattern in patterns if pattern >= 0.05)
    per_channel, extra = divmod(entries, filled)  # exactly `entries` in all
    seen = 0
    for index, source in enumerate(tqdm(srcs, desc="entries", unit="source")):
        pattern = patterns[index]
        stopped = 0.0
        if pattern < 0.05:
            count = 0
        else:
            count = per_channel + (1 if seen < extra else 0)
            seen += 1
        if 0.05 <= pattern < 0.15:
            stopped = rng.uniform(20, 360)
        undated = pattern > 0.98
        every = 400.0 / max(count, 1)
        for k in range(count):
            at = now - timedelta(days=stopped + k * every * rng.uniform(0.5, 1.5) / 1.0)
            batch.append(
                Entry(
                    source=source,
                    key=f"{source.url}#{k}",
                    url=f"{source.url}#{k}",
                    title=f"示例标题第{k}条",
                    published_at=None if undated else at,
                    date_text="" if undated else f"{at:%Y-%m-%d}",
                    first_seen_at=at,
                    last_seen_at=now,
                )
            )
        if len(batch) >= 20000:
            flush(Entry)
    flush(Entry)
    for source in tqdm(srcs, desc="probes", unit="source"):
        bad = rng.random() < 0.03
        for k in range(probes_per_day * 7):
            at = now - timedelta(minutes=k * 24 * 60 / probes_per_day)
            ok = not (bad and k % 8 == 0) and rng.random() > 0.002
            batch.append(
                Probe(
                    source=source,
                    at=at,
                    ok=ok,
                    status_code=200 if ok else None,
                    elapsed_ms=120,
                    error="" if ok else "timeout",
                )
            )
        if len(batch) >= 20000:
            flush(Probe)
    flush(Probe)


def measure() -> dict:
    import tracemalloc

    from django.db.models import Max
    from django.utils import timezone

    from govmedia.inspection.models import ChannelResult, Notice
    from govmedia.inspection.service import SHANGHAI, run_round
    from govmedia.sources.models import Entry, Probe

    today = timezone.localdate(timezone.now(), SHANGHAI)
    started = time.perf_counter()
    total = Entry.objects.count()
    count_seconds = time.perf_counter() - started
    started = time.perf_counter()
    latest = list(Entry.objects.values("source_id").annotate(latest=Max("published_at")).order_by())
    latest_seconds = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    round_ = run_round(today)
    round_seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    run_round(today)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    states: dict[str, int] = {}
    for state in round_.department_results.values_list("state", flat=True):
        states[state] = states.get(state, 0) + 1
    return {
        "entries": total,
        "probes": Probe.objects.count(),
        "channels": round_.channels,
        "departments": round_.departments,
        "channel_results": ChannelResult.objects.filter(round=round_).count(),
        "notices": Notice.objects.count(),
        "states": states,
        "baseline_count_seconds": round(count_seconds, 3),
        "baseline_latest_per_source_seconds": round(latest_seconds, 3),
        "baseline_sources": len(latest),
        "round_seconds": round(round_seconds, 2),
        "peak_rss_mb_before_round": round(rss_before / 1024, 1),
        "peak_rss_mb_after_round": round(rss_after / 1024, 1),
        "tracemalloc_peak_mb": round(peak / 1024 / 1024, 1),
    }


def inside(args: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    if args.seed:
        seed(args.channels, args.entries, args.probes_per_day)
    else:
        print("RESULT " + json.dumps(measure()), flush=True)


def bench_backend(backend: str, args: argparse.Namespace) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"govmedia-bench-inspection-{backend}-"))
    env = {
        **os.environ,
        "GOVMEDIA_DATA_DIR": str(data_dir),
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        import psycopg

        with psycopg.connect(args.postgres_url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        env["DATABASE_URL"] = args.postgres_url
    print(
        f"== {backend}: {args.channels} channels, {args.entries} entries in {data_dir}", flush=True
    )
    subprocess.run(
        [PYTHON, "-m", "govmedia.cli", "setup", "--verbosity", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    me = [
        PYTHON,
        __file__,
        "--inside",
        "--channels",
        str(args.channels),
        "--entries",
        str(args.entries),
        "--probes-per-day",
        str(args.probes_per_day),
    ]
    started = time.perf_counter()
    subprocess.run([*me, "--seed"], env=env, cwd=ROOT, check=True)
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    out = subprocess.run(me, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    print(
        f"  baseline: count the entries {result['baseline_count_seconds']:.3f} s, latest date per source "
        f"{result['baseline_latest_per_source_seconds']:.3f} s\n"
        f"  round: {result['round_seconds']:.2f} s over {result['channels']} channels, "
        f"{result['entries']} entries, {result['probes']} probes; peak RSS "
        f"{result['peak_rss_mb_before_round']} -> {result['peak_rss_mb_after_round']} MB, "
        f"tracemalloc peak {result['tracemalloc_peak_mb']} MB; states {result['states']}",
        flush=True,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--probes-per-day", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/bench_inspection",
        help="a database of its own: its schema is emptied",
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args)
        return 0
    results = {
        "channels": args.channels,
        "entries": args.entries,
        "cpu_count": os.cpu_count(),
        "backends": {b: bench_backend(b, args) for b in args.backends.split(",")},
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"inspection-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
