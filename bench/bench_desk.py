#!/usr/bin/env python3
"""Benchmark the citizen desk: concurrent intake over the JSON API, and its lists at 100,000 messages.

    .venv/bin/python bench/bench_desk.py [--backends sqlite,postgres] [--messages 100000]

For each backend it builds a fresh installation (PostgreSQL: the database of
`--postgres-url`, `bench_desk` unless told, dropped and created again), starts `govmedia run --no-worker` on a free loopback port and:

(a) intake: `--submissions` POSTs to /api/v1/desk/messages from
    `--concurrency` keep-alive clients, each with its own Idempotency-Key;
    one in ten is sent again with the same key (by another client, so the two
    race). Afterwards the database must hold exactly one message per key, and
    every answer for a key must carry the same number: none lost, none
    duplicated. Reported as requests per second and p50/p99 beside /healthz
    over the same server.
(b) reading at scale: `--messages` messages are bulk-created (20 departments,
    every kind, two years of dates, answered and open, overdue, rated,
    disclosure outcomes), then, logged in as a supervisor, the timing of one
    department's overdue list (/admin/desk/overdue/?department=), the
    statistics page for this year and the annual report's page for last year,
    each `--repeat` times in sequence (the statistics also for two years of
    every kind, and as .xlsx); medians, and ratios to /healthz.
    Each must answer in under 200 ms.

The per-submission rate limits are raised for the run (one client address
sends everything). Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_portal import PYTHON, ROOT, free_port, measure, run, wait_up  # noqa: E402

LIMIT_MS = 200
DEPARTMENTS = 20
KINDS = (
    ("consult", 40),
    ("complaint", 20),
    ("suggestion", 10),
    ("help", 15),
    ("error", 5),
    ("disclosure", 10),
)
TOPICS = [
    "小区噪音",
    "学校招生",
    "医保报销",
    "道路积水",
    "路灯损坏",
    "公交线路",
    "垃圾清运",
    "停车收费",
]


def seed(count: int) -> None:
    """Runs inside the benchmark installation: departments, people, and `count` messages."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from govmedia.desk.models import OUTCOME_REASONS, Message, Outcome, Status
    from govmedia.desk.policy import deadline_days
    from govmedia.devtools.testing import make_user
    from govmedia.orgs.models import Department, DepartmentKind, Role

    city, _ = Department.objects.get_or_create(
        name="基准市人民政府", defaults={"kind": DepartmentKind.CITY, "code": "11990000MB0000000X"}
    )
    departments = [city]
    for i in range(1, DEPARTMENTS):
        dept, _ = Department.objects.get_or_create(
            name=f"基准市部门{i:02d}",
            defaults={
                "kind": DepartmentKind.DEPARTMENT,
                "parent": city,
                "code": f"1199{i:04d}MB{i:07d}X",
            },
        )
        departments.append(dept)
    supervisor = make_user(
        f"bench-supervisor-{uuid.uuid4().hex[:6]}", "基准监管", city, Role.SUPERVISOR
    )
    session = SessionStore()
    session["_auth_user_id"] = str(supervisor.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = supervisor.get_session_auth_hash()
    session.create()
    rng = random.Random(11)
    today = timezone.localdate()
    first = dt.date(today.year - 1, 1, 1)
    span = (today - first).days
    kinds = [k for k, w in KINDS for _ in range(w)]
    weights = [rng.randint(1, 10) for _ in departments]
    reasons = {o: r for o, r in OUTCOME_REASONS.items()}
    batch: list[Message] = []
    created = 0
    for n in range(count):
        kind = rng.choice(kinds)
        received = first + dt.timedelta(days=int(span * rng.random() ** 0.8))
        received_at = timezone.make_aware(
            dt.datetime.combine(received, dt.time(rng.randint(8, 20)))
        )
        limit = deadline_days(kind)
        due = received + dt.timedelta(days=limit * 7 // 5 + 1)
        age = (today - received).days
        answered = age > 40 and rng.random() < 0.97 or age <= 40 and rng.random() < 0.6
        fields = dict(
            number=f"B{n:011d}",
            query_code_hash="0" * 64,
            kind=kind,
            title=f"关于{rng.choice(TOPICS)}的问题（{n}）",
            body="基准测试留言内容。" * 3,
            name="基准用户",
            phone="13800000000",
            department=rng.choices(departments, weights)[0],
            received_at=received_at,
            received_on=received,
            due_on=due,
            channel=rng.choice(["web", "web", "web", "api", "open311"]),
        )
        if kind == "disclosure":
            fields["applicant_type"] = "person" if rng.random() < 0.85 else "organisation"
            if fields["applicant_type"] == "organisation":
                fields["organisation_kind"] = rng.choice(
                    ["business", "business", "research", "charity", "legal", "other"]
                )
        if answered:
            days = min(int(rng.expovariate(1 / (limit * 0.6))), limit * 3)
            answered_on = min(today, received + dt.timedelta(days=days * 7 // 5 + 1))
            fields.update(
                status=rng.choice([Status.ANSWERED, Status.CLOSED]),
                answer="基准测试答复。",
                answered_at=timezone.make_aware(dt.datetime.combine(answered_on, dt.time(15))),
                answered_on=answered_on,
                handling_days=days,
                on_time=days <= limit,
                is_public=rng.random() < 0.7,
            )
            if rng.random() < 0.6:
                fields["rating"] = rng.choices([5, 4, 3, 2, 1], [50, 25, 12, 8, 5])[0]
            if kind == "disclosure":
                outcome = rng.choices(list(Outcome), [45, 15, 8, 15, 10, 7])[0]
                fields["outcome"] = outcome
                if outcome in reasons:
                    fields["outcome_reason"] = rng.choice(reasons[outcome])
        else:
            fields["status"] = rng.choice(
                [Status.HANDLING, Status.HANDLING, Status.HANDLING, Status.RECEIVED,
                 Status.AWAITING_CORRECTION, Status.CONSULTING]
            )  # fmt: skip
        batch.append(Message(**fields))
        if len(batch) == 5000:
            Message.objects.bulk_create(batch)
            created += len(batch)
            batch = []
            print(f"  seeded {created} messages", flush=True)
    Message.objects.bulk_create(batch)
    busiest = (
        Message.objects.filter(status__in=["handling", "received"], due_on__lt=today)
        .values("department_id")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    print(json.dumps({"session": session.session_key, "department": busiest["department_id"]}))


def bench_backend(backend: str, args) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"govmedia-bench-desk-{backend}-"))
    env = {
        **os.environ,
        "GOVMEDIA_DATA_DIR": str(data_dir),
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "PYTHONPATH": str(ROOT),
        "GOVMEDIA_DESK_IP_MAX": "1000000",
        "GOVMEDIA_DESK_CONTACT_MAX": "1000000",
    }
    env.pop("DATABASE_URL", None)
    if backend == "postgres":
        import psycopg
        from psycopg import sql

        url = args.postgres_url
        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        env["DATABASE_URL"] = url
    print(f"== {backend}: fresh installation in {data_dir}", flush=True)
    run([PYTHON, "-m", "govmedia.cli", "setup", "--verbosity", "0"], env)
    result: dict = {"loadavg_start": os.getloadavg()}
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "govmedia.cli", "run", "--no-worker", "--port", str(port),
         "--threads", str(max(8, args.concurrency))],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_up(port)
        if "intake" in args.parts:
            result["intake"] = intake(port, env, args)
        if "reading" not in args.parts:
            return result
        print(f"  seeding {args.messages} messages", flush=True)
        seeding = time.monotonic()
        out = subprocess.run(
            [PYTHON, __file__, "--seed", str(args.messages)],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        seeded = json.loads(out.strip().splitlines()[-1])
        result["seed_seconds"] = round(time.monotonic() - seeding, 1)
        print(f"  seeded in {result['seed_seconds']} s", flush=True)
        result["reading"] = reading(port, seeded, args)
    finally:
        server.terminate()
        server.wait(timeout=20)
    result["loadavg_end"] = os.getloadavg()
    return result


def _payload(n: int) -> bytes:
    return json.dumps(
        {
            "kind": ["consult", "complaint", "help", "suggestion"][n % 4],
            "title": f"基准测试留言{n}",
            "body": f"请问{TOPICS[n % len(TOPICS)]}的问题如何处理？编号{n}。",
            "name": "基准用户",
            "phone": f"139{n:08d}",
        },
        ensure_ascii=False,
    ).encode()


def intake(port: int, env: dict, args) -> dict:
    total, concurrency = args.submissions, args.concurrency
    # Warm-up: the content-check engine and the first connections.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for n in range(3):
        conn.request(
            "POST",
            "/api/v1/desk/messages",
            _payload(10**6 + n),
            {"Content-Type": "application/json"},
        )
        conn.getresponse().read()
    base_latency = measure(port, ["/healthz"], 300, 1)
    base_throughput = measure(port, ["/healthz"], 1000, concurrency)
    run_id = uuid.uuid4().hex[:8]
    jobs = [(f"bench-{run_id}-{n}", n) for n in range(total)]
    # One in ten sent again, by another client (they race for the same key).
    resends = [jobs[n] for n in range(0, total, 10)]
    queue = jobs + resends
    random.Random(3).shuffle(queue)
    answers: dict[str, list[tuple[int, str]]] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    cursor = iter(queue)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                job = next(cursor, None)
            if job is None:
                break
            key, n = job
            start = time.perf_counter()
            conn.request(
                "POST", "/api/v1/desk/messages", _payload(n),
                {"Content-Type": "application/json", "Idempotency-Key": key},
            )  # fmt: skip
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - start) * 1000
            number = json.loads(body).get("number", "") if response.status in (200, 201) else ""
            with lock:
                latencies.append(elapsed)
                answers.setdefault(key, []).append((response.status, number))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    statuses: dict[int, int] = {}
    inconsistent = 0
    for replies in answers.values():
        for status, _ in replies:
            statuses[status] = statuses.get(status, 0) + 1
        if len({number for _, number in replies}) != 1 or not replies[0][1]:
            inconsistent += 1
    check = (
        "import django,os,json;os.environ.setdefault('DJANGO_SETTINGS_MODULE','govmedia.settings');django.setup();"
        "from django.db.models import Count;from govmedia.desk.models import Message;"
        f"qs=Message.objects.filter(client_key__startswith='api:bench-{run_id}-');"
        "print(json.dumps({'rows':qs.count(),'keys':qs.values('client_key').distinct().count(),"
        "'numbers':sorted(qs.values_list('number',flat=True))}))"
    )
    stored = json.loads(
        subprocess.run(
            [PYTHON, "-c", check], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    )
    answered_numbers = sorted({r[0][1] for r in answers.values() if r[0][1]})
    result = {
        "submissions": total,
        "resends": len(resends),
        "requests": len(queue),
        "concurrency": concurrency,
        "statuses": statuses,
        "rows_stored": stored["rows"],
        "lost": total - stored["keys"],
        "duplicated": stored["rows"] - stored["keys"],
        "inconsistent_answers": inconsistent,
        "numbers_match": stored["numbers"] == answered_numbers,
        "rps": len(queue) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "baseline": {"latency": base_latency, "throughput": base_throughput},
    }
    print(
        f"  intake: {len(queue)} POSTs ({len(resends)} resends) from {concurrency} clients: "
        f"{result['rps']:.1f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; "
        f"statuses {statuses}; stored {stored['rows']} rows for {total} keys: "
        f"lost {result['lost']}, duplicated {result['duplicated']}, "
        f"inconsistent answers {inconsistent}\n"
        f"  /healthz: {base_throughput['rps']:.1f} req/s ({concurrency} clients), "
        f"p50 {base_latency['p50_ms']:.1f} ms, p99 {base_latency['p99_ms']:.1f} ms",
        flush=True,
    )
    return result


def timed(port: int, path: str, cookie: str, repeat: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    times = []
    status = set()
    size = 0
    for i in range(repeat + 2):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if i >= 2:  # two warm-up requests
            times.append((time.perf_counter() - start) * 1000)
        status.add(response.status)
        size = len(body)
    conn.close()
    return {
        "median_ms": statistics.median(times),
        "p90_ms": sorted(times)[int(len(times) * 0.9) - 1],
        "statuses": sorted(status),
        "bytes": size,
    }


def reading(port: int, seeded: dict, args) -> dict:
    today = dt.date.today()
    cookie, department = seeded["session"], seeded["department"]
    targets = {
        "baseline /healthz": ("/healthz", ""),
        # What any admin page costs before its own work: Wagtail's shell, menu and session.
        "admin shell (/admin/account/)": ("/admin/account/", cookie),
        "overdue list (one department)": (f"/admin/desk/overdue/?department={department}", cookie),
        "statistics page (this year)": (
            f"/admin/desk/stats/?start={today.year}-01-01&end={today.isoformat()}",
            cookie,
        ),
        "statistics page (two years, one kind)": (
            f"/admin/desk/stats/?start={today.year - 1}-01-01&end={today.isoformat()}&kind=consult",
            cookie,
        ),
        "statistics page (two years, all kinds)": (
            f"/admin/desk/stats/?start={today.year - 1}-01-01&end={today.isoformat()}",
            cookie,
        ),
        "statistics .xlsx (two years, one kind)": (
            f"/admin/desk/stats/?start={today.year - 1}-01-01&end={today.isoformat()}"
            "&kind=consult&export=xlsx",
            cookie,
        ),
        "annual report tables (last year)": (
            f"/admin/desk/annual-report/?year={today.year - 1}&department={department}",
            cookie,
        ),
        "public answers API (page 1)": ("/api/v1/desk/public", ""),
    }
    result = {}
    for name, (path, session) in targets.items():
        result[name] = timed(port, path, session, args.repeat)
    base = result["baseline /healthz"]["median_ms"]
    for name, entry in result.items():
        entry["ratio_to_healthz"] = entry["median_ms"] / base
        entry["under_limit"] = entry["median_ms"] < LIMIT_MS
        print(
            f"  {name:<40} median {entry['median_ms']:7.1f} ms  p90 {entry['p90_ms']:7.1f} ms  "
            f"({entry['ratio_to_healthz']:.1f}x /healthz)  status {entry['statuses']}  "
            f"{'OK' if entry['under_limit'] else 'OVER ' + str(LIMIT_MS) + ' ms'}",
            flush=True,
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--parts", default="intake,reading", help="intake, reading or both")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/bench_desk",
        help="the PostgreSQL database to drop, create and use (default: bench_desk)",
    )
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        seed(args.seed)
        return 0
    results = {
        "cpu_count": os.cpu_count(),
        "args": vars(args),
        "backends": {b: bench_backend(b, args) for b in args.backends.split(",")},
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"desk-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
