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
    assert raised[0].reasons == ["negative_share"]
    assert raised[0].volume == 12 and raised[0].negative_share >= 0.6
    # Raised once: the next tick of either worker does not raise it again.
    assert one.alerts(now) == [] and two.alerts(now) == []
