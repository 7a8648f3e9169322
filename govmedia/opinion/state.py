"""Where the pipeline keeps what it remembers inside its window (no Django).

``State`` is the small interface; ``MemoryState`` holds everything in dicts.
Every entry carries the time of its post and ``evict(cutoff)`` drops what is
older than the window, so memory follows the window, not the stream.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Protocol, cast

import numpy as np

# Posts compared per LSH bucket: the oldest and the newest few. A viral text's
# bucket holds thousands of reposts; comparing with all of them would make the
# step quadratic, and any of them identifies the cluster.
BUCKET_PROBE = 4


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
    buckets and signatures. Each entry expires with the window (Redis ``EX``), so
    nothing needs evicting by hand. A batch costs two round trips to read
    (``prefetch``: keys, parents and digests, then buckets and the candidates'
    signatures) and one to write (``flush``); within the batch the worker reads
    its own writes from a local cache. Two workers handling copies of one text in
    the same instant may both see it as new: the next copy joins one of them.
    A bucket keeps its last ``BUCKET_KEEP`` keys (a list trimmed on each write).
    """

    BUCKET_KEEP = 2 * BUCKET_PROBE

    def __init__(self, url: str, window_seconds: float, prefix: str = "govmedia:opinion") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.ttl = max(1, int(window_seconds))
        self._events: dict[str, str | None] = {}
        self._exact: dict[bytes, str | None] = {}
        self._buckets: dict[int, list[str]] = {}
        self._sigs: dict[str, np.ndarray | None] = {}
        self._writes: list[tuple[str, tuple[object, ...]]] = []

    def _k(self, kind: str, name: str | int | bytes) -> str:
        if isinstance(name, bytes):
            name = name.hex()
        return f"{self.prefix}:{kind}:{name}"

    def prefetch(self, keys: list[str], digests: list[bytes], band_keys: list[list[int]]) -> None:
        self._events, self._exact, self._buckets, self._sigs = {}, {}, {}, {}
        names = list(dict.fromkeys(k for k in keys if k))
        flat = list(dict.fromkeys(b for row in band_keys for b in row))
        pipe = self.redis.pipeline(transaction=False)
        pipe.mget([self._k("k", k) for k in names] or ["-"])
        pipe.mget([self._k("x", d) for d in digests] or ["-"])
        for b in flat:
            pipe.lrange(self._k("b", b), 0, -1)
        got = pipe.execute()
        for k, v in zip(names, got[0], strict=False):
            self._events[k] = v.decode() if v is not None else None
        for d, v in zip(digests, got[1], strict=False):
            self._exact[d] = v.decode() if v is not None else None
        candidates: dict[str, None] = {}
        for b, members in zip(flat, got[2:], strict=True):
            self._buckets[b] = [m.decode() for m in members]
            candidates.update(dict.fromkeys(self._buckets[b]))
        if candidates:
            names = list(candidates)
            for k, v in zip(names, self.redis.mget([self._k("s", k) for k in names]), strict=True):
                self._sigs[k] = (
                    np.frombuffer(cast(bytes, v), dtype=np.uint32) if v is not None else None
                )

    def event_of(self, key: str) -> str | None:
        if key not in self._events:
            v = self.redis.get(self._k("k", key))
            self._events[key] = v.decode() if v is not None else None  # type: ignore[union-attr]
        return self._events[key]

    def set_event(self, key: str, event_id: str, ts: float) -> None:
        self._events[key] = event_id
        self._writes.append(("set", (self._k("k", key), event_id)))

    def exact(self, digest: bytes) -> str | None:
        return self._exact.get(digest)

    def lsh_candidates(self, band_keys: Iterable[int]) -> list[str]:
        found: dict[str, None] = {}
        for b in band_keys:
            found.update(dict.fromkeys(self._buckets.get(b, ())))
        return list(found)

    def signature(self, key: str) -> np.ndarray | None:
        return self._sigs.get(key)

    def add_near(
        self, key: str, digest: bytes, band_keys: list[int], sig: np.ndarray, ts: float
    ) -> None:
        if self._exact.get(digest) is None:
            self._exact[digest] = key
            self._writes.append(("setnx", (self._k("x", digest), key)))
        for b in band_keys:
            self._buckets.setdefault(b, []).append(key)
            self._writes.append(("push", (self._k("b", b), key)))
        self._sigs[key] = sig
        self._writes.append(("set", (self._k("s", key), sig.astype(np.uint32).tobytes())))

    def flush(self) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for op, args in self._writes:
            name = str(args[0])
            if op == "set":
                pipe.set(name, args[1], ex=self.ttl)  # type: ignore[arg-type]
            elif op == "setnx":
                pipe.set(name, args[1], ex=self.ttl, nx=True)  # type: ignore[arg-type]
            else:
                pipe.rpush(name, args[1])  # type: ignore[arg-type]
                pipe.ltrim(name, -self.BUCKET_KEEP, -1)
                pipe.expire(name, self.ttl)
        pipe.execute()
        self._writes = []

    def evict(self, cutoff: float) -> list[str]:
        """Redis expires entries itself; the local caches only live for one batch."""
        return []

    def __len__(self) -> int:
        return len(self._events)

    def clear(self) -> None:
        """Remove every entry under the prefix (tests and benchmarks)."""
        for name in self.redis.scan_iter(f"{self.prefix}:*", count=1000):
            self.redis.delete(name)
