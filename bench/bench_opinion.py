"""Benchmark of the opinion pipeline (run on demand, not a test).

    .venv/bin/python bench/bench_opinion.py [--posts 100000] [--million 1000000]
        [--window-seconds 60] [--alert-seconds 40] [--redis redis://127.0.0.1:6379/0] [--json out.json]

Measures, pinned to one core (``sched_setaffinity``) unless said otherwise:

* posts per second through the whole pipeline (normalise, copies, MinHash/LSH,
  parent chain, events, sentiment, rumours, heat, bursts) on 100-character posts,
  against a plain loop that only normalises the same posts (the baseline);
* resident memory while one million posts stream through with a one-minute
  window (start, each eighth, end) and what the state holds at the end;
* the time from ingestion to alert: posts arrive in real time at 3,000 a second
  (background), a burst starts (its share of the traffic rising to a fifth),
  a worker tick processes what arrived each second and asks for alerts; the
  figure is the wall time from the burst's first post to the alert that names it;
* the Redis-backed state (``RedisState``): the same posts through one worker
  process and through two (each taking half the stream, sharing one Redis),
  as posts per second and their ratio; no pinning here, the two workers get a
  core each (the machine has two).

The posts are built from the sentences of ``govmedia.opinion.synthetic`` (written
by us): two sentences joined and cut to 100 characters, with a number, and a
third of them reposts with small edits of a recent post.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from govmedia.checks.normalize import normalize  # noqa: E402
from govmedia.opinion.pipeline import Config, Pipeline  # noqa: E402
from govmedia.opinion.posts import Post  # noqa: E402
from govmedia.opinion.state import RedisState  # noqa: E402
from govmedia.opinion.synthetic import CLAIMS, _fill, _small_edit, stream  # noqa: E402

T0 = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
# The burst of the alert test: a story the background never tells (written for this benchmark).
BURST = [
    "江州北站附近{time}发生燃气爆炸，浓烟很大，{who}窗户都震碎了{tail}",
    "北站燃气爆炸现场消防车来了好多辆，周边道路已经封闭{tail}",
    "{who}就在北站旁边上班，刚才一声巨响，听说是燃气管道爆炸{tail}",
    "北站燃气爆炸有没有人受伤？求官方尽快通报情况{tail}",
]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sentences() -> list[str]:
    return sorted({x.post.text for x in stream(1)})


def posts(
    n: int, rate: float, seed: int = 1, start: datetime = T0, prefix: str = "p"
) -> Iterator[Post]:
    """``n`` posts of 100 characters, ``rate`` a second of post time."""
    rng = random.Random(seed)
    pool = sentences()
    recent: list[str] = []
    for i in range(n):
        if recent and rng.random() < 0.33:
            text = _small_edit(rng.choice(recent), rng)[:100]
        else:
            text = (
                f"{rng.randrange(10000)}" + rng.choice(pool) + rng.choice(pool) + rng.choice(pool)
            )[:100]
            recent.append(text)
            if len(recent) > 500:
                recent.pop(0)
        yield Post(
            f"{prefix}{i}",
            rng.choice(("weibo", "forum", "news")),
            text,
            start + timedelta(seconds=i / rate),
        )


def throughput(n: int) -> dict[str, float]:
    items = list(posts(n, 3000))
    t = time.perf_counter()
    for p in items:
        normalize(p.text)
    base = time.perf_counter() - t
    pipeline = Pipeline(Config(claims=CLAIMS, window_hours=1))
    t, cpu = time.perf_counter(), time.process_time()
    pipeline.process(items)
    whole = time.perf_counter() - t
    cpu = time.process_time() - cpu
    return {
        "posts": n,
        "chars_per_post": sum(len(p.text) for p in items) / n,
        "pipeline_posts_per_s": n / whole,
        "normalise_only_posts_per_s": n / base,
        "pipeline_us_per_post": whole / n * 1e6,
        # Per second of this process's CPU time: less sensitive to a busy machine
        # than the wall-clock figure (the process is pinned, so it only loses turns).
        "pipeline_posts_per_cpu_s": n / cpu,
        "normalise_us_per_post": base / n * 1e6,
        "events": len(pipeline.events),
    }


def memory(n: int, window_seconds: float = 60) -> dict[str, object]:
    pipeline = Pipeline(Config(claims=CLAIMS, window_hours=window_seconds / 3600, batch_size=2000))
    marks = []
    start = rss_mb()
    t = time.perf_counter()
    batch: list[Post] = []
    for i, p in enumerate(posts(n, 3000, seed=2), 1):
        batch.append(p)
        if len(batch) == 2000:
            pipeline.process(batch)
            batch = []
        if i % (n // 8) == 0:
            marks.append(
                {
                    "posts": i,
                    "rss_mb": round(rss_mb(), 1),
                    "state_keys": len(pipeline.state),
                    "events": len(pipeline.events),
                }
            )
    return {
        "posts": n,
        "window_seconds": window_seconds,
        "rss_start_mb": round(start, 1),
        "marks": marks,
        "seconds": round(time.perf_counter() - t, 1),
    }


def alert_delay(seconds: float, rate: int = 3000, burst_after: float = 10.0) -> dict[str, object]:
    """Real-time arrival at ``rate`` posts/s; a burst from ``burst_after`` s; one tick a second."""
    pipeline = Pipeline(Config(claims=CLAIMS, window_hours=1, burst_min_count=30))
    background = posts(int(seconds * rate) + rate, rate, seed=3, prefix="bg")
    rng = random.Random(4)
    begin = time.time()
    sent = 0
    first_burst_at: float | None = None
    ticks: list[float] = []
    alert_at: float | None = None
    burst_keys: set[str] = set()
    while time.time() - begin < seconds:
        time.sleep(max(0.0, 1.0 - (time.time() - begin) % 1.0))
        now = time.time()
        due = int((now - begin) * rate) - sent
        arrived = []
        for _ in range(due):
            sent += 1
            elapsed = now - begin
            if elapsed > burst_after and rng.random() < min(0.2, 0.02 * (elapsed - burst_after)):
                if first_burst_at is None:
                    first_burst_at = begin + sent / rate
                key = f"burst{sent}"
                burst_keys.add(key)
                text = rng.choice(BURST)
                arrived.append(
                    Post(key, "weibo", _fill(text, rng), datetime.fromtimestamp(now, UTC))
                )
            else:
                p = next(background)
                p.at = datetime.fromtimestamp(now, UTC)
                arrived.append(p)
        t = time.perf_counter()
        pipeline.process(arrived)
        found = pipeline.alerts(datetime.fromtimestamp(time.time(), UTC))
        ticks.append(time.perf_counter() - t)
        if alert_at is None and any(
            "burst" in a.reasons and burst_keys & set(a.sample_keys) for a in found
        ):
            alert_at = time.time()
    return {
        "rate_posts_per_s": rate,
        "posts": sent,
        "tick_seconds_max": round(max(ticks), 3),
        "tick_seconds_median": round(sorted(ticks)[len(ticks) // 2], 3),
        "ingestion_to_alert_seconds": round(alert_at - first_burst_at, 2)
        if alert_at and first_burst_at
        else None,
    }


def _redis_worker(
    url: str, prefix: str, n: int, part: int, parts: int, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    items = [p for i, p in enumerate(posts(n, 3000, seed=5)) if i % parts == part]
    pipeline = Pipeline(
        Config(claims=CLAIMS, window_hours=1), state=RedisState(url, 3600, prefix=prefix)
    )
    t = time.perf_counter()
    pipeline.process(items)
    out.put((len(items), time.perf_counter() - t))


def redis_workers(url: str, n: int) -> dict[str, object]:
    result: dict[str, object] = {"posts": n}
    for workers in (1, 2):
        prefix = f"bench-opinion-{uuid.uuid4().hex[:8]}"
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        procs = [
            multiprocessing.Process(target=_redis_worker, args=(url, prefix, n, i, workers, queue))
            for i in range(workers)
        ]
        t = time.perf_counter()
        for p in procs:
            p.start()
        done = [queue.get() for _ in procs]
        for p in procs:
            p.join()
        wall = time.perf_counter() - t
        RedisState(url, 60, prefix=prefix).clear()
        result[f"workers_{workers}_posts_per_s"] = round(
            sum(d[0] for d in done) / max(d[1] for d in done), 1
        )
        result[f"workers_{workers}_wall_seconds"] = round(wall, 2)
    result["ratio_two_to_one"] = round(
        result["workers_2_posts_per_s"] / result["workers_1_posts_per_s"], 2
    )  # type: ignore[operator]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--million", type=int, default=1_000_000)
    parser.add_argument("--alert-seconds", type=float, default=40)
    parser.add_argument(
        "--window-seconds", type=float, default=60, help="window of the memory run (post time)"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--redis-posts", type=int, default=40_000)
    parser.add_argument("--json")
    args = parser.parse_args()
    report: dict[str, object] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    cpu = min(os.sched_getaffinity(0))
    all_cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    report["throughput"] = throughput(args.posts)
    print(json.dumps(report["throughput"], indent=1), flush=True)
    if args.alert_seconds:
        report["alert"] = alert_delay(args.alert_seconds)
        print(json.dumps(report["alert"], indent=1), flush=True)
    if args.million:
        report["memory"] = memory(args.million, args.window_seconds)
        print(json.dumps(report["memory"], indent=1), flush=True)
    os.sched_setaffinity(0, all_cpus)
    if args.redis:
        report["redis"] = redis_workers(args.redis, args.redis_posts)
        print(json.dumps(report["redis"], indent=1), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
