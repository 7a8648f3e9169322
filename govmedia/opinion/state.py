"""Where the pipeline keeps what it remembers inside its window (no Django).

``State`` is the small interface; ``MemoryState`` holds everything in dicts.
Every entry carries the time of its post and ``evict(cutoff)`` drops what is
older than the window, so memory follows the window, not the stream.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Protocol

import numpy as np

# Posts compared per LSH bucket: the oldest and the newest two, and at most
# MAX_CANDIDATES in all. A viral text's bucket holds thousands of reposts;
# comparing with all of them would make the step quadratic, and any of them
# identifies the cluster.
BUCKET_PROBE = 2
MAX_CANDIDATES = 16


class State(Protocol):
    def event_of(self, key: str) -> str | None: ...
    def set_event(self, key: str, event_id: str, ts: float) -> None: ...
    def exact(self, digest: bytes) -> str | None: ...
    def lsh_candidates(self, band_keys: Iterable[int]) -> list[str]: ...
    def signature(self, key: str) -> np.ndarray | None: ...
    def add_near(
        self, key: str, digest: bytes, band_keys: list[int], sig: np.ndarray, ts: float
    ) -> None: ...
    def evict(self, cutoff: float) -> list[str]: ...


class MemoryState:
    def __init__(self) -> None:
        self._event_of: dict[str, str] = {}
        self._exact: dict[bytes, str] = {}
        self._buckets: dict[int, dict[str, None]] = {}
        self._sigs: dict[str, np.ndarray] = {}
        self._order: deque[tuple[float, str, bytes, list[int]]] = deque()

    def __len__(self) -> int:
        return len(self._event_of)

    def event_of(self, key: str) -> str | None:
        return self._event_of.get(key)

    def set_event(self, key: str, event_id: str, ts: float) -> None:
        if key not in self._event_of:
            self._order.append((ts, key, b"", []))
        self._event_of[key] = event_id

    def exact(self, digest: bytes) -> str | None:
        return self._exact.get(digest)

    def lsh_candidates(self, band_keys: Iterable[int]) -> list[str]:
        found: dict[str, None] = {}
        for band_key in band_keys:
            bucket = self._buckets.get(band_key)
            if not bucket:
                continue
            if len(bucket) <= 2 * BUCKET_PROBE:
                found.update(bucket)
            else:
                it = iter(bucket)
                for _ in range(BUCKET_PROBE):
                    found[next(it)] = None
                rit = reversed(bucket)
                for _ in range(BUCKET_PROBE):
                    found[next(rit)] = None
            if len(found) >= MAX_CANDIDATES:
                break
        return list(found)

    def signature(self, key: str) -> np.ndarray | None:
        return self._sigs.get(key)

    def add_near(
        self, key: str, digest: bytes, band_keys: list[int], sig: np.ndarray, ts: float
    ) -> None:
        self._exact.setdefault(digest, key)
        for band_key in band_keys:
            self._buckets.setdefault(band_key, {})[key] = None
        self._sigs[key] = sig
        self._order.append((ts, key, digest, band_keys))

    def evict(self, cutoff: float) -> list[str]:
        """Forget posts older than ``cutoff`` (epoch seconds); the keys forgotten."""
        gone = []
        order = self._order
        while order and order[0][0] < cutoff:
            _ts, key, digest, band_keys = order.popleft()
            if digest:
                if self._exact.get(digest) == key:
                    del self._exact[digest]
                for band_key in band_keys:
                    bucket = self._buckets.get(band_key)
                    if bucket is not None:
                        bucket.pop(key, None)
                        if not bucket:
                            del self._buckets[band_key]
                self._sigs.pop(key, None)
            elif self._event_of.pop(key, None) is not None:
                gone.append(key)
        return gone


class RedisState:
    """The same memory in Redis, so that several workers consuming one stream share it.

    What is shared: delivered keys and their events, exact-copy digests, LSH
    buckets and signatures. Entries are kept in one Redis hash per kind and per
    time slice (a quarter of the window, at least a minute, by post time):
    ``{prefix}:{kind}:{slice}``; a slice expires (``EXPIRE``) a window and two
    slices after its last write, so nothing is evicted by hand. A batch costs one
    round trip to read keys, parents, digests and buckets (one ``HMGET`` per kind
    and slice), one for the candidates' signatures, and one to write (one ``HSET``
    per kind and slice). Per-entry keys and lists were tried first: 30 commands a
    post, and 750 posts/s.

    A bucket keeps the last post written to it: any post of a near-duplicate
    cluster identifies its event. Two workers handling copies of one text in the
    same instant may both see it as new; the next copy joins one of them.
    """

    KINDS = ("k", "x", "b", "s")

    def __init__(self, url: str, window_seconds: float, prefix: str = "govmedia:opinion") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.window = window_seconds
        self.slice = max(60.0, window_seconds / 4)
        self.ttl = int(window_seconds + 2 * self.slice)
        self._events: dict[str, str | None] = {}
        self._exact: dict[bytes, str | None] = {}
        self._buckets: dict[int, str] = {}
        self._sigs: dict[str, np.ndarray | None] = {}
        self._writes: dict[tuple[str, int], dict[str | bytes, str | bytes]] = {}
        self._slices: list[int] = []

    def _name(self, kind: str, slice_: int) -> str:
        return f"{self.prefix}:{kind}:{slice_}"

    def _read(self, kind: str, fields: list[str | bytes]) -> list[bytes | None]:
        """The newest value of each field over the slices of the window (one pipeline)."""
        if not fields:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for slice_ in self._slices:
            pipe.hmget(self._name(kind, slice_), fields)
        found: list[bytes | None] = [None] * len(fields)
        for values in pipe.execute():  # oldest slice first: newer ones overwrite
            for i, v in enumerate(values):
                if v is not None:
                    found[i] = v
        return found

    def prefetch(
        self, keys: list[str], digests: list[bytes], band_keys: list[list[int]], times: list[float]
    ) -> None:
        self._events, self._exact, self._buckets, self._sigs = {}, {}, {}, {}
        top = int(max(times) // self.slice) if times else 0
        low = int((min(times) - self.window) // self.slice) if times else 0
        self._slices = list(range(max(low, top - 8), top + 1))
        names = list(dict.fromkeys(k for k in keys if k))
        flat = list(dict.fromkeys(b for row in band_keys for b in row))
        pipe = self.redis.pipeline(transaction=False)
        for kind, fields in (("k", names), ("x", digests), ("b", [str(b) for b in flat])):
            for slice_ in self._slices:
                pipe.hmget(self._name(kind, slice_), fields or ["-"])
        results = pipe.execute()
        n = len(self._slices)

        def newest(part: int, count: int) -> list[bytes | None]:
            found: list[bytes | None] = [None] * count
            for values in results[part * n : (part + 1) * n]:
                for i, v in enumerate(values[:count]):
                    if v is not None:
                        found[i] = v
            return found

        for k, v in zip(names, newest(0, len(names)), strict=True):
            self._events[k] = v.decode() if v is not None else None
        for d, v in zip(digests, newest(1, len(digests)), strict=True):
            self._exact[d] = v.decode() if v is not None else None
        for b, v in zip(flat, newest(2, len(flat)), strict=True):
            if v is not None:
                self._buckets[b] = v.decode()
        candidates = list(dict.fromkeys(self._buckets.values()))
        for k, raw in zip(candidates, self._read("s", list(candidates)), strict=True):
            self._sigs[k] = np.frombuffer(raw, dtype=np.uint32) if raw is not None else None

    def _write(self, kind: str, ts: float, field: str | bytes, value: str | bytes) -> None:
        self._writes.setdefault((kind, int(ts // self.slice)), {})[field] = value

    def event_of(self, key: str) -> str | None:
        if key not in self._events:
            self._events[key] = None
            found = self._read("k", [key]) if self._slices else []
            if found and found[0] is not None:
                self._events[key] = found[0].decode()
        return self._events[key]

    def set_event(self, key: str, event_id: str, ts: float) -> None:
        self._events[key] = event_id
        self._write("k", ts, key, event_id)

    def exact(self, digest: bytes) -> str | None:
        return self._exact.get(digest)

    def lsh_candidates(self, band_keys: Iterable[int]) -> list[str]:
        return list(dict.fromkeys(k for b in band_keys if (k := self._buckets.get(b)) is not None))

    def signature(self, key: str) -> np.ndarray | None:
        return self._sigs.get(key)

    def add_near(
        self, key: str, digest: bytes, band_keys: list[int], sig: np.ndarray, ts: float
    ) -> None:
        if self._exact.get(digest) is None:
            self._exact[digest] = key
            self._write("x", ts, digest, key)
        for b in band_keys:
            self._buckets[b] = key
            self._write("b", ts, str(b), key)
        self._sigs[key] = sig
        self._write("s", ts, key, sig.astype(np.uint32).tobytes())

    def flush(self) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for (kind, slice_), mapping in self._writes.items():
            name = self._name(kind, slice_)
            pipe.hset(name, mapping=mapping)  # type: ignore[arg-type]
            pipe.expire(name, self.ttl)
        pipe.execute()
        self._writes = {}

    def evict(self, cutoff: float) -> list[str]:
        """Redis expires whole slices itself; the local caches only live for one batch."""
        return []

    def __len__(self) -> int:
        return len(self._events)

    def clear(self) -> None:
        """Remove every entry under the prefix (tests and benchmarks)."""
        for name in self.redis.scan_iter(f"{self.prefix}:*", count=1000):
            self.redis.delete(name)
