#!/usr/bin/env python3
"""Benchmark the channels' fan-out: N items to the portal, Weibo and a webhook, two workers.

    .venv/bin/python bench/bench_channels.py [--items 1000] [--workers 2]
        [--channels portal,weibo,webhook[,wechat]] [--postgres-url URL]
        [--deliveries-only] [--profile DIR]

It builds a fresh installation (`govmedia setup` in a temporary data
directory, on a fresh PostgreSQL database beside --postgres-url, dropped
afterwards), starts the fake Weibo and the fake webhook receiver (and the fake
WeChat when asked and present) on loopback in this process, creates one
channel of each kind with credentials pointing at the fakes, and publishes N
items chosen for all of them. Every publication enqueues one delivery per
channel (the portal's included) in the database queue; then the workers
start (`govmedia worker --no-scheduler`, real processes as bench_tasks.py
runs them) and the clock runs until every delivery is sent.

Reported: deliveries per second over the middle 80 % of completions (each
delivery's `sent_at`), the wall time, the 1-minute
load average before and at its highest during the run, and on each fake the
count of duplicates (a post or an event stored twice for one delivery), which
must be zero. Results go to bench/results/ as JSON.

The queue also holds what a publication always enqueues beside its
deliveries (the published item's link check, Wagtail's search index
updates): the workers run those in between, as they would in production;
--deliveries-only removes them first, to measure the channel work alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

PUBLISHER_PATHS = {
    "weibo": "govmedia.publishing.publishers.weibo.WeiboPublisher",
    "webhook": "govmedia.publishing.publishers.webhook.WebhookPublisher",
    "wechat": "govmedia.publishing.publishers.wechat.WeChatPublisher",
}
CHANNEL_KINDS = {"weibo": "weibo", "webhook": "app", "wechat": "wechat"}

SEED = """
import json
from govmedia.devtools.testing import make_people
from govmedia.orgs.models import Channel
from govmedia.publishing.credentials import set_credentials
from govmedia.publishing.renditions import ensure_renditions
from govmedia.publishing.tests.factories import draft_item

config = json.loads({config!r})
people = make_people()
channels = []
for kind, name, credentials in config["channels"]:
    channel = Channel.objects.create(department=people.education, kind=kind, name=name)
    set_credentials(channel, credentials)
    channels.append(channel)
for number in range(config["items"]):
    item = draft_item(people.education, people.editor, title=f"渠道分发基准测试信息第{{number}}号")
    item.summary = f"第{{number}}号信息的摘要。各区县教育局要在9月1日前完成校舍安全检查。"
    item.channels.set(channels)
    revision = item.save_revision(user=people.editor)
    # What the approval step does: each channel's rendition stored, so the
    # sender reads it (as after a sign-off) instead of rendering it then.
    ensure_renditions(revision)
    revision.publish(user=None)
print("seeded", config["items"])
"""


def govmedia(args: list[str], env: dict[str, str], *, timeout: float = 3600) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "govmedia.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise SystemExit(f"govmedia {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def fresh_postgres(base_url: str) -> str:
    import psycopg

    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_bench_channels"
    with psycopg.connect(base_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres(base_url: str, url: str) -> None:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


def query(url: str, sql: str) -> list[tuple]:
    # Straight to the database: a Django shell per poll would load the CPU being measured.
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


def rate(stamps: list[float]) -> float:
    """Completions per second over the middle 80 %: start-up and the last straggler excluded."""
    low, high = int(len(stamps) * 0.1), int(len(stamps) * 0.9)
    span = stamps[high] - stamps[low]
    return (high - low) / span if span > 0 else float("inf")


class Fakes:
    """The channels' fake servers, in this process, and each one's duplicate count."""

    def __init__(self, channels: list[str]):
        self.weibo = self.webhook = self.wechat = None
        self.credentials: dict[str, dict] = {}
        if "weibo" in channels:
            from govmedia.publishing.clients.fake_weibo import FakeWeibo

            self.weibo = FakeWeibo()
            url = self.weibo.server.start()
            self.credentials["weibo"] = {
                "access_token": self.weibo.access_token,
                "uid": self.weibo.uid,
                "api_base": url,
            }
        if "webhook" in channels:
            from govmedia.publishing.clients.fake_webhook import FakeWebhook

            self.webhook = FakeWebhook(secret="bench-secret")
            self.webhook.server.start()
            self.credentials["webhook"] = {"url": self.webhook.url, "secret": "bench-secret"}
        if "wechat" in channels:
            self.credentials["wechat"] = self._start_wechat()

    def _start_wechat(self) -> dict:
        try:
            from govmedia.publishing.clients import fake_wechat
        except ImportError:
            raise SystemExit(
                "--channels wechat: govmedia/publishing/clients/fake_wechat.py is not on this branch"
            ) from None
        fake = fake_wechat.FakeWeChat()
        self.wechat = fake
        url = fake.server.start()
        return {"appid": fake.appid, "secret": fake.secret, "api_base": url}

    def stop(self) -> None:
        for fake in (self.weibo, self.webhook, self.wechat):
            if fake is not None:
                fake.server.stop()

    def report(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        if self.weibo is not None:
            out["weibo"] = {
                "posts": len(self.weibo.live_posts()),
                "duplicates": self.weibo.duplicates(),
            }
        if self.webhook is not None:
            out["webhook"] = {
                "events": len(self.webhook.events()),
                "duplicates": self.webhook.duplicates(),
                "redeliveries_answered_409": self.webhook.redeliveries,
            }
        if self.wechat is not None:
            # The WeChat fake keeps published articles; one item is one title.
            titles = [a["articles"][0].get("title", "") for a in self.wechat.published()]
            out["wechat"] = {"articles": len(titles), "duplicates": len(titles) - len(set(titles))}
        return out


def watch_load(stop: threading.Event, samples: list[float]) -> None:
    while not stop.wait(1.0):
        samples.append(os.getloadavg()[0])


def run(args: argparse.Namespace) -> dict:
    channels = [c.strip() for c in args.channels.split(",") if c.strip()]
    external = [c for c in channels if c != "portal"]
    unknown = set(external) - set(PUBLISHER_PATHS)
    if unknown:
        raise SystemExit(f"unknown channels: {', '.join(sorted(unknown))}")
    data_dir = tempfile.mkdtemp(prefix="govmedia-bench-channels-")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "GOVMEDIA_SEAL_KEY_FILE", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "GOVMEDIA_DATA_DIR": data_dir,
        "GOVMEDIA_LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "database",
        # Seeding takes longer than the default lease: without this, each
        # starting worker would enqueue every still-pending delivery again
        # (harmless, the claim refuses them, but it is work to measure apart).
        "GOVMEDIA_WORKER_LEASE": "3600",
        # Registers each publisher with its channel kind, whatever the kind
        # mapping on this branch says.
        "GOVMEDIA_EXTRA_PUBLISHERS": ",".join(PUBLISHER_PATHS[c] for c in external),
    }
    database_url = fresh_postgres(args.postgres_url)
    env["DATABASE_URL"] = database_url
    fakes = Fakes(external)
    try:
        print("setting up a fresh installation", flush=True)
        govmedia(["setup", "-v", "0"], env)
        config = {
            "items": args.items,
            "channels": [
                [CHANNEL_KINDS[c], f"基准测试{c}", fakes.credentials[c]] for c in external
            ],
        }
        print(f"publishing {args.items} items to {', '.join(channels)}", flush=True)
        started = time.monotonic()
        govmedia(["shell", "-c", SEED.format(config=json.dumps(config, ensure_ascii=False))], env)
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
        expected = args.items * len(channels)
        [(queued,)] = query(database_url, "SELECT count(*) FROM publishing_delivery")
        if queued != expected:
            raise SystemExit(f"{queued} deliveries queued, expected {expected}")

        if args.deliveries_only:
            # The channel work alone: the publications' other tasks taken out of the queue.
            query(
                database_url,
                "DELETE FROM django_tasks_database_dbtaskresult"
                " WHERE task_path <> 'govmedia.publishing.tasks.deliver' RETURNING id",
            )
        load_before = os.getloadavg()[0]
        samples: list[float] = []
        stop = threading.Event()
        threading.Thread(target=watch_load, args=(stop, samples), daemon=True).start()
        profile = [] if not args.profile else ["-m", "cProfile", "-o"]
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
        workers = [
            subprocess.Popen(
                [
                    PYTHON,
                    *(profile and [*profile, str(Path(args.profile) / f"worker-{n}.prof")]),
                    "-m",
                    "govmedia.cli",
                    "worker",
                    "--no-scheduler",
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in range(args.workers)
        ]
        print(f"{args.workers} workers sending {expected} deliveries", flush=True)
        started = time.monotonic()
        try:
            deadline = started + args.timeout
            while True:
                rows = query(
                    database_url,
                    "SELECT status, count(*) FROM publishing_delivery GROUP BY status",
                )
                counts = dict(rows)
                if counts.get("sent", 0) + counts.get("failed", 0) >= expected:
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"not done in {args.timeout} s: {counts}")
                time.sleep(0.5)
            wall = time.monotonic() - started
        finally:
            stop.set()
            for process in workers:
                process.send_signal(signal.SIGTERM)
            for process in workers:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        stamps = sorted(
            row[0].timestamp()
            for row in query(
                database_url, "SELECT sent_at FROM publishing_delivery WHERE status = 'sent'"
            )
        )
        by_publisher = dict(
            query(
                database_url,
                "SELECT publisher || ':' || status, count(*) FROM publishing_delivery"
                " GROUP BY publisher, status",
            )
        )
        return {
            "items": args.items,
            "channels": channels,
            "workers": args.workers,
            "deliveries_only": args.deliveries_only,
            "deliveries": expected,
            "sent": len(stamps),
            "by_publisher": by_publisher,
            "per_second": rate(stamps),
            "wall_seconds": wall,
            "load_before": load_before,
            "load_max": max(samples, default=load_before),
            "fakes": fakes.report(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        }
    finally:
        fakes.stop()
        if not args.keep:
            drop_postgres(args.postgres_url, database_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--channels", default="portal,weibo,webhook")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the database for inspection")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="run each worker under cProfile, writing DIR/worker-N.prof when it stops",
    )
    parser.add_argument(
        "--deliveries-only",
        action="store_true",
        help="drop the publications' other queued tasks (link checks, index updates) first",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a database to connect to; the benchmark creates and drops its own beside it",
    )
    args = parser.parse_args()
    result = run(args)
    print(
        f"\n{result['sent']}/{result['deliveries']} deliveries sent in {result['wall_seconds']:.1f} s:"
        f" {result['per_second']:.1f} deliveries/s (middle 80 %),"
        f" load {result['load_before']:.2f} before, {result['load_max']:.2f} at most"
    )
    print(f"by publisher: {result['by_publisher']}")
    for name, report in result["fakes"].items():
        print(f"{name}: {report}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"channels-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\nresults: {out.relative_to(ROOT)}")
    duplicates = [r.get("duplicates") for r in result["fakes"].values()]
    return 1 if any(duplicates) else 0


if __name__ == "__main__":
    sys.exit(main())
