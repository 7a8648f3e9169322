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
