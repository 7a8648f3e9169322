"""The pipeline's memory in Redis: two pipelines (two workers) share duplicates and events."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from govmedia.opinion.pipeline import Config, Pipeline
from govmedia.opinion.posts import Post
from govmedia.opinion.state import RedisState

pytestmark = pytest.mark.redis

# Each test uses keys under a prefix of its own, so parallel runs share one database safely
# (database 0 unless GOVMEDIA_TEST_REDIS_DB names another).
URL = (
    os.environ.get("GOVMEDIA_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    + "/"
    + os.environ.get("GOVMEDIA_TEST_REDIS_DB", "0")
)
T0 = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
WATER = "东城区青石街早上突然停水，到现在还没来水，自来水公司电话一直打不通，老人孩子都没水用"


@pytest.fixture
def prefix() -> Iterator[str]:
    import redis

    try:
        redis.Redis.from_url(URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"no Redis answers at {URL}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run the shared opinion state test")
        pytest.skip(message)
    name = f"test-opinion-{uuid.uuid4().hex[:8]}"
    yield name
    RedisState(URL, 60, prefix=name).clear()


def worker(prefix: str) -> Pipeline:
    return Pipeline(Config(window_hours=1), state=RedisState(URL, 3600, prefix=prefix))


def post(key: str, text: str, minutes: float = 0, **kw: object) -> Post:
    return Post(key, "weibo", text, T0 + timedelta(minutes=minutes), **kw)  # type: ignore[arg-type]


def test_two_workers_share_copies_near_copies_parents_and_deliveries(prefix: str) -> None:
    one, two = worker(prefix), worker(prefix)
    first = one.process([post("a", WATER)])[0]
    edited = "转发：" + WATER.replace("早上", "上午") + "😡"
    out = two.process(
        [
            post("b", WATER, 1),
            post("c", edited, 2),
            post("d", "谁来管管", 3, parent_key="a"),
            post("a", WATER, 4),
        ]
    )
    assert out[0].duplicate_of == "a" and out[1].near_duplicate_of == "a"
    assert {o.event_id for o in out} == {first.event_id}
    assert out[3].redelivered


def test_entries_expire_with_the_window(prefix: str) -> None:
    import redis

    worker(prefix).process([post("a", WATER)])
    client = redis.Redis.from_url(URL)
    names = list(client.scan_iter(f"{prefix}:*"))
    # A slice lives a window and two quarter-window slices after its last write.
    assert names and all(0 < client.ttl(n) <= 3600 * 1.5 for n in names)


def test_two_workers_alert_once_on_the_summed_counts_neither_reaches_alone(prefix: str) -> None:
    config = {"window_hours": 1, "negative_min_posts": 10, "heat_threshold": 1000.0}
    one, two = (
        Pipeline(Config(**config), state=RedisState(URL, 3600, prefix=prefix))  # type: ignore[arg-type]
        for _ in range(2)
    )
    # Six angry posts each: the first worker's, then the second worker's copies of them.
    one.process([post(f"a{i}", WATER, i / 10) for i in range(6)])
    now = T0 + timedelta(minutes=2)
    assert one.alerts(now) == []
    two.process([post(f"b{i}", WATER, 1 + i / 10, parent_key="a0") for i in range(6)])
    assert two.events.keys() == one.events.keys()

    # Both workers look at the same moment: the rule sees 12 posts, and one of them raises it.
    barrier = threading.Barrier(2)
    found: dict[str, list] = {}

    def tick(name: str, worker: Pipeline) -> None:
        barrier.wait()
        found[name] = worker.alerts(now)

    threads = [threading.Thread(target=tick, args=item) for item in (("one", one), ("two", two))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    raised = found["one"] + found["two"]
    assert len(raised) == 1
    # Twelve posts in one bucket are a burst too, on the summed counts (six alone are not).
    assert raised[0].reasons == ["burst", "negative_share"]
    assert raised[0].volume == 12 and raised[0].negative_share >= 0.6
    # Raised once: the next tick of either worker does not raise it again.
    assert one.alerts(now) == [] and two.alerts(now) == []


QUIET = {"window_hours": 1, "negative_min_posts": 10**6, "heat_threshold": 10**6}


def _burst_stream() -> tuple[list[list[Post]], datetime]:
    """One event: a post every 5-minute bucket for half an hour, then 14 posts in one minute.

    Returned as the batches two workers take in turn (the quiet buckets alternate, the
    burst is split seven and seven), and the time of the burst's tenth post, the one
    that brings the bucket to `burst_min_count` (10).
    """
    batches = [[post("a0", WATER, 0.5)]]
    for k in range(1, 6):
        batches.append([post(f"q{k}", "今天还是没水，盼快修好", 5 * k + 0.5, parent_key="a0")])
    burst = [
        post(f"b{i}", f"第{i}次转发：青石街停水", 30 + i / 60, parent_key="a0") for i in range(14)
    ]
    batches += [burst[:7], burst[7:]]
    return batches, burst[9].at


def test_a_burst_split_across_two_workers_is_found_once_on_their_summed_counts(
    prefix: str,
) -> None:
    batches, tenth = _burst_stream()
    now = T0 + timedelta(minutes=31)

    # Alone, neither worker's share makes a burst (seven posts in the bucket, ten needed)...
    alone = [Pipeline(Config(**QUIET)) for _ in range(2)]  # type: ignore[arg-type]
    for k, batch in enumerate(batches):
        alone[k % 2].process(batch)
    assert all(ev.burst_at is None for p in alone for ev in p.events.values())
    assert all("burst" not in a.reasons for p in alone for a in p.alerts(now))
    # ...while one worker seeing everything finds it at the tenth post.
    whole = Pipeline(Config(**QUIET))  # type: ignore[arg-type]
    whole.process([p for batch in batches for p in batch])
    [found] = whole.alerts(now)
    assert found.reasons == ["burst"] and found.burst_at == tenth

    # Two workers sharing Redis state: the burst is judged on their summed counts.
    one, two = (
        Pipeline(Config(**QUIET), state=RedisState(URL, 3600, prefix=prefix))  # type: ignore[arg-type]
        for _ in range(2)
    )
    for k, batch in enumerate(batches):
        (one, two)[k % 2].process(batch)
    assert one.events.keys() == two.events.keys()
    assert all(ev.burst_at is None for p in (one, two) for ev in p.events.values())

    barrier = threading.Barrier(2)
    raised: dict[str, list] = {}

    def tick(name: str, worker: Pipeline) -> None:
        barrier.wait()
        raised[name] = worker.alerts(now)

    threads = [threading.Thread(target=tick, args=item) for item in (("one", one), ("two", two))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    alerts = raised["one"] + raised["two"]
    assert len(alerts) == 1 and alerts[0].reasons == ["burst"]
    # The same moment as the one worker that saw everything, and the same score.
    assert alerts[0].burst_at == tenth
    assert alerts[0].burst_z == found.burst_z
    assert alerts[0].volume == 20
    assert one.alerts(now) == [] and two.alerts(now) == []
