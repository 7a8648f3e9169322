"""Where the pipeline keeps what it remembers inside its window (no Django).

``State`` is the small interface; ``MemoryState`` holds everything in dicts.
Every entry carries the time of its post and ``evict(cutoff)`` drops what is
older than the window, so memory follows the window, not the stream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

# Posts compared per LSH bucket: the oldest and the newest two, and at most
# MAX_CANDIDATES in all. A viral text's bucket holds thousands of reposts;
# comparing with all of them would make the step quadratic, and any of them
# identifies the cluster.
BUCKET_PROBE = 2
MAX_CANDIDATES = 16


@dataclass(slots=True)
class Counts:
    """An event's alert-rule inputs: what one worker added in a batch, or the totals."""

    volume: int = 0
    negative: int = 0
    weight: float = 0.0
    engagement: int = 0
    first: float = math.inf
    last: float = -math.inf
    buckets: dict[int, int] = field(default_factory=dict)  # time bucket → posts
    # A batch's post times per bucket (the burst's time is the post that makes it);
    # in the totals, the shared burst state: the first burst's time and the open bucket's z.
    times: dict[int, list[float]] = field(default_factory=dict)
    burst_at: float | None = None
    burst_z: float = 0.0

    def add(self, negative: bool, weight: float, engagement: int, ts: float, bucket: int) -> None:
        self.volume += 1
        self.negative += negative
        self.weight += weight
        self.engagement += engagement
        self.first = min(self.first, ts)
        self.last = max(self.last, ts)
        self.buckets[bucket] = self.buckets.get(bucket, 0) + 1
        self.times.setdefault(bucket, []).append(ts)


class State(Protocol):
    """What the pipeline remembers inside its window, batch by batch.

    ``prefetch`` opens a batch with its rows (keys, digests, salted band keys,
    signatures, times); ``exact(i)`` and ``near(i)`` answer for row ``i`` of the
    batch, seeing the rows remembered earlier in the same batch; ``remember``
    records a processed post; ``flush`` ends the batch; ``evict`` forgets posts
    older than a cutoff.
    """

    def prefetch(
        self,
        keys: list[str],
        digests: np.ndarray,
        band_keys: np.ndarray,
        sigs: np.ndarray,
        times: np.ndarray,
    ) -> None: ...
    def event_of(self, key: str) -> str | None: ...
    def exact(self, i: int) -> str | None: ...
    def near(self, i: int) -> tuple[list[str], np.ndarray]: ...
    def remember(self, i: int, key: str, event_id: str, ts: float, near: bool) -> None: ...
    def flush(self) -> None: ...
    def evict(self, cutoff: float) -> list[str]: ...
    def __len__(self) -> int: ...


def _probe(members: list[int], size: int, found: dict[int, None]) -> None:
    """Add a bucket's members to ``found``: all of them (oldest first) when ``size`` is small,
    else the oldest two, then the newest two (newest first); ``members`` holds at least those."""
    if size <= 2 * BUCKET_PROBE:
        found.update(dict.fromkeys(members))
    else:
        found.update(dict.fromkeys(members[:BUCKET_PROBE]))
        found.update(dict.fromkeys(reversed(members[-BUCKET_PROBE:])))


class _SortedIndex:
    """``(key, seq)`` pairs sorted by key, then seq, in two numpy arrays: 16 bytes a pair.

    A bucket is the run of one key; its oldest members come first. Looking up a
    batch is one ``searchsorted`` per side; adding a batch is one ``np.insert``
    and forgetting is one mask over the arrays: work in numpy proportional to
    the window per batch, no Python object per pair (dicts of per-bucket dicts
    cost 2.5 KB a post and left the heap fragmented).
    """

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.seqs = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.keys.size)

    def ranges(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.searchsorted(self.keys, keys, side="left"),
            np.searchsorted(self.keys, keys, side="right"),
        )

    def add(self, keys: np.ndarray, seqs: np.ndarray) -> None:
        if not keys.size:
            return
        order = np.lexsort((seqs, keys))
        keys, seqs = keys[order], seqs[order]
        at = np.searchsorted(self.keys, keys, side="right")
        self.keys = np.insert(self.keys, at, keys)
        self.seqs = np.insert(self.seqs, at, seqs)

    def drop_before(self, seq: int) -> None:
        keep = self.seqs >= seq
        if not keep.all():
            self.keys = self.keys[keep]
            self.seqs = self.seqs[keep]


class MemoryState:
    """The window in one process, in numpy arrays plus one dict entry a post.

    Every remembered post gets a sequence number; a ring of arrays indexed by
    ``seq % capacity`` holds its time, key and signature (the ring doubles when
    the window holds more posts than it has slots). LSH buckets and exact-copy
    digests are ``_SortedIndex`` pairs pointing at sequence numbers. Only the
    key → event dict holds Python objects per post. About 0.9 KB a post in the
    window (docs/performance.md, "Opinion pipeline").
    """

    def __init__(self) -> None:
        self._event_of: dict[str, str] = {}
        self._cap = 0
        self._lo = 0  # oldest remembered seq
        self._hi = 0  # next seq
        self._ts = np.zeros(0, dtype=np.float64)
        self._sig = np.zeros((0, 0), dtype=np.uint32)
        self._keys: list[str] = []
        # One sorted index per band: a batch's additions copy a sixteenth of the pairs at
        # a time, so the copies stay small and the heap does not keep large holes.
        self._buckets: list[_SortedIndex] = []
        self._digests = _SortedIndex()
        # The open batch.
        self._batch_digests = np.zeros(0, dtype=np.int64)
        self._batch_bands: list[list[int]] = []
        self._batch_sigs = np.zeros((0, 0), dtype=np.uint32)
        self._pre: tuple[list[list[int]], list[list[int]], list[int], list[int]] = ([], [], [], [])
        self._new_buckets: dict[int, list[int]] = {}
        self._new_digests: dict[int, int] = {}
        self._added: list[tuple[int, int]] = []  # (row, seq) of posts indexed in this batch

    def __len__(self) -> int:
        return len(self._event_of)

    def _grow(self, width: int) -> None:
        cap = max(1024, 2 * self._cap)
        ts = np.zeros(cap, dtype=np.float64)
        sig = np.zeros((cap, width), dtype=np.uint32)
        keys: list[str] = [""] * cap
        for seq in range(self._lo, self._hi):
            old, new = seq % self._cap, seq % cap
            ts[new] = self._ts[old]
            keys[new] = self._keys[old]
        if self._hi > self._lo:
            live = np.arange(self._lo, self._hi)
            sig[live % cap] = self._sig[live % self._cap]
        self._cap, self._ts, self._sig, self._keys = cap, ts, sig, keys

    def prefetch(
        self,
        keys: list[str],
        digests: np.ndarray,
        band_keys: np.ndarray,
        sigs: np.ndarray,
        times: np.ndarray,
    ) -> None:
        self._batch_digests = digests
        self._batch_bands = band_keys.tolist()
        self._batch_sigs = sigs
        if not self._buckets:
            self._buckets = [_SortedIndex() for _ in range(band_keys.shape[1])]
        ranges = [index.ranges(band_keys[:, b]) for b, index in enumerate(self._buckets)]
        lo = np.stack([r[0] for r in ranges], axis=1)
        hi = np.stack([r[1] for r in ranges], axis=1)
        dlo, dhi = self._digests.ranges(digests)
        self._pre = (lo.tolist(), hi.tolist(), dlo.tolist(), dhi.tolist())
        self._new_buckets, self._new_digests, self._added = {}, {}, []

    def event_of(self, key: str) -> str | None:
        return self._event_of.get(key)

    def exact(self, i: int) -> str | None:
        lo, hi = self._pre[2][i], self._pre[3][i]
        if hi > lo:
            return self._keys[int(self._digests.seqs[lo]) % self._cap]
        seq = self._new_digests.get(int(self._batch_digests[i]))
        return None if seq is None else self._keys[seq % self._cap]

    def near(self, i: int) -> tuple[list[str], np.ndarray]:
        found: dict[int, None] = {}
        los, his = self._pre[0][i], self._pre[1][i]
        for b, band_key in enumerate(self._batch_bands[i]):
            lo, hi = los[b], his[b]
            new = self._new_buckets.get(band_key)
            if hi == lo and not new:
                continue
            size = hi - lo
            seqs = self._buckets[b].seqs
            if size > 2 * BUCKET_PROBE:
                # A viral text's bucket: only its ends are probed, so only they are read.
                members = (
                    seqs[lo : lo + BUCKET_PROBE].tolist() + seqs[hi - BUCKET_PROBE : hi].tolist()
                )
            else:
                members = seqs[lo:hi].tolist() if size else []
            if new:
                members += new
                size += len(new)
            _probe(members, size, found)
            if len(found) >= MAX_CANDIDATES:
                break
        if not found:
            return [], self._sig[:0]
        chosen = list(found)
        return [self._keys[s % self._cap] for s in chosen], self._sig[
            np.array(chosen, dtype=np.int64) % self._cap
        ]

    def remember(self, i: int, key: str, event_id: str, ts: float, near: bool) -> None:
        if key in self._event_of:
            self._event_of[key] = event_id
            return
        if self._hi - self._lo >= self._cap:
            self._grow(self._batch_sigs.shape[1])
        seq = self._hi
        self._hi += 1
        slot = seq % self._cap
        self._ts[slot] = ts
        self._keys[slot] = key
        self._event_of[key] = event_id
        if near:
            self._sig[slot] = self._batch_sigs[i]
            self._new_digests.setdefault(int(self._batch_digests[i]), seq)
            for band_key in self._batch_bands[i]:
                self._new_buckets.setdefault(band_key, []).append(seq)
            self._added.append((i, seq))

    def flush(self) -> None:
        if not self._added:
            return
        rows = np.array([r for r, _s in self._added], dtype=np.int64)
        seqs = np.array([s for _r, s in self._added], dtype=np.int64)
        bands = np.array(self._batch_bands, dtype=np.int64)[rows]
        for b, index in enumerate(self._buckets):
            index.add(bands[:, b], seqs)
        # An exact-copy digest keeps its first post: later copies are never indexed.
        digests = self._batch_digests[rows]
        first = np.array(sorted(self._new_digests.values()), dtype=np.int64)
        keep = np.isin(seqs, first)
        known_lo, known_hi = self._digests.ranges(digests)
        keep &= known_hi == known_lo
        self._digests.add(digests[keep], seqs[keep])
        self._added = []

    def evict(self, cutoff: float) -> list[str]:
        """Forget posts older than ``cutoff`` (epoch seconds), oldest remembered first; the keys forgotten."""
        gone = []
        seq = self._lo
        while seq < self._hi and self._ts[seq % self._cap] < cutoff:
            key = self._keys[seq % self._cap]
            self._keys[seq % self._cap] = ""
            if self._event_of.pop(key, None) is not None:
                gone.append(key)
            seq += 1
        if seq != self._lo:
            self._lo = seq
            for index in self._buckets:
                index.drop_before(seq)
            self._digests.drop_before(seq)
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
    # Both scripts take their fields and values as a few NUL-joined strings (keys are
    # PostgreSQL text, which holds no NUL; digests go as hex): redis-py packed each
    # argument in Python, 20 a post, and that packing was a third of a worker's time.
    SPLIT = """
    local function split(s)
        local out, i, n = {}, 1, 0
        if s == '' then return out end
        while true do
            local j = string.find(s, '\0', i, true)
            n = n + 1
            if not j then out[n] = string.sub(s, i); return out end
            out[n] = string.sub(s, i, j - 1)
            i = j + 1
        end
    end
    local function hmget(key, names)
        local out = {}
        local i = 1
        while i <= #names do
            local j = math.min(#names, i + 4999)
            local vals = redis.call('HMGET', key, unpack(names, i, j))
            for t = 1, #vals do out[i + t - 1] = vals[t] end
            i = j + 1
        end
        return out
    end
    """
    # The batch's look-up: every field over the window's slices (the newest value
    # wins), then the events and signatures of the originals that the digests and
    # buckets name. One reply of six strings, "=" before each value found.
    LOOKUP = (
        SPLIT
        + """
    local S, width = tonumber(ARGV[1]), tonumber(ARGV[2])
    local function newest(kind, names, mark)
        local out = {}
        for i = 1, #names do out[i] = false end
        for s = 1, S do
            local key = KEYS[(kind - 1) * S + s]
            if #names > 0 and redis.call('EXISTS', key) == 1 then
                local vals = hmget(key, names)
                for i = 1, #names do
                    if vals[i] then out[i] = vals[i] end
                end
            end
        end
        if mark then
            for i = 1, #out do out[i] = out[i] and ('=' .. out[i]) or '' end
        end
        return out
    end
    local res = {}
    for kind = 1, 3 do res[kind] = newest(kind, split(ARGV[kind + 2]), true) end
    local seen, extra = {}, {}
    for kind = 2, 3 do
        for _, v in ipairs(res[kind]) do
            if v ~= '' then
                local k = string.sub(v, 2)
                if not seen[k] then seen[k] = true; extra[#extra + 1] = k end
            end
        end
    end
    local ev = newest(1, extra, true)
    local sigs = newest(4, extra, false)
    local missing = string.rep('\255', width)
    for i = 1, #sigs do
        if not sigs[i] or #sigs[i] ~= width then sigs[i] = missing end
    end
    return {table.concat(res[1], '\0'), table.concat(res[2], '\0'), table.concat(res[3], '\0'),
            table.concat(extra, '\0'), table.concat(ev, '\0'), table.concat(sigs)}
    """
    )
    # The batch's writes: per hash (KEYS), a string of fields and one of values, the
    # values NUL-joined or, for signatures, of a fixed width (ARGV[2 + 3h]).
    WRITE = (
        SPLIT
        + """
    local ttl = tonumber(ARGV[1])
    for h = 1, #KEYS do
        local fields = split(ARGV[3 * h - 1])
        local raw, width = ARGV[3 * h], tonumber(ARGV[3 * h + 1])
        local values = width == 0 and split(raw) or nil
        local i = 1
        while i <= #fields do
            local j = math.min(#fields, i + 2499)
            local args = {}
            for t = i, j do
                args[#args + 1] = fields[t]
                if values then
                    args[#args + 1] = values[t]
                else
                    args[#args + 1] = string.sub(raw, (t - 1) * width + 1, t * width)
                end
            end
            redis.call('HSET', KEYS[h], unpack(args))
            i = j + 1
        end
        redis.call('EXPIRE', KEYS[h], ttl)
    end
    return #KEYS
    """
    )

    # Per event (KEYS[i], a hash): ARGV[1] the TTL, ARGV[2..4] the burst rule (EWMA alpha,
    # z, minimum posts in the bucket), then seven values per event: volume, negative,
    # weight, engagement, first, last, "bucket:count:t;t;…,…" (buckets ascending, each
    # with this batch's post times in it, ascending).
    #
    # The burst state is the pipeline's (Pipeline._account) kept on every worker's
    # totals: the open bucket `ob`, the EWMA mean `m` and variance `q` of the closed
    # buckets' totals, the open bucket's highest z `bz`, the burst's time `ba`. The script
    # runs atomically, so a burst whose posts two workers share is found once, by the
    # batch whose posts cross the threshold, at the post that crosses it.
    COUNT = """
    local ttl = tonumber(ARGV[1])
    local alpha, zmin, nmin = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
    local function fmt(x) return string.format('%.17g', x) end
    local function num(key, name, default)
        local v = redis.call('HGET', key, name)
        if v then return tonumber(v) end
        return default
    end
    for i = 1, #KEYS do
        local a = 4 + (i - 1) * 7
        local key = KEYS[i]
        redis.call('HINCRBY', key, 'v', ARGV[a + 1])
        redis.call('HINCRBY', key, 'n', ARGV[a + 2])
        redis.call('HINCRBYFLOAT', key, 'w', ARGV[a + 3])
        redis.call('HINCRBY', key, 'g', ARGV[a + 4])
        local f = redis.call('HGET', key, 'f')
        if not f or tonumber(ARGV[a + 5]) < tonumber(f) then redis.call('HSET', key, 'f', ARGV[a + 5]) end
        local l = redis.call('HGET', key, 'l')
        if not l or tonumber(ARGV[a + 6]) > tonumber(l) then redis.call('HSET', key, 'l', ARGV[a + 6]) end
        local open, mean, var = num(key, 'ob', -1), num(key, 'm', 0), num(key, 'q', 0)
        local bz, burst = num(key, 'bz', 0), redis.call('HGET', key, 'ba')
        for bucket, count, times in string.gmatch(ARGV[a + 7], '(-?%d+):(%d+):([^,]*)') do
            bucket, count = tonumber(bucket), tonumber(count)
            if bucket > open then
                if open >= 0 then
                    -- Close the open bucket and the empty ones after it (at most 48).
                    local c = num(key, 'b' .. open, 0)
                    for k = 0, math.min(48, bucket - open - 1) do
                        local diff = (k == 0 and c or 0) - mean
                        local incr = alpha * diff
                        mean = mean + incr
                        var = (1 - alpha) * (var + diff * incr)
                    end
                end
                open, bz = bucket, 0
            end
            local before = num(key, 'b' .. bucket, 0)
            redis.call('HINCRBY', key, 'b' .. bucket, count)
            if bucket == open then
                local total = before + count
                local sd = math.sqrt(var + 1)
                local z = (total - mean) / sd
                if z > bz then bz = z end
                if not burst and z >= zmin and total >= nmin then
                    -- The post of this batch that brings the total to the threshold.
                    local need = math.max(nmin, math.ceil(mean + zmin * sd))
                    local j = math.min(count, math.max(1, need - before))
                    local n = 0
                    for t in string.gmatch(times, '[^;]+') do
                        n = n + 1
                        if n == j then burst = t end
                    end
                    if burst then redis.call('HSET', key, 'ba', burst) end
                end
            end
        end
        redis.call('HSET', key, 'ob', fmt(open), 'm', fmt(mean), 'q', fmt(var), 'bz', fmt(bz))
        redis.call('EXPIRE', key, ttl)
    end
    return #KEYS
    """

    def __init__(self, url: str, window_seconds: float, prefix: str = "govmedia:opinion") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.window = window_seconds
        self.slice = max(60.0, window_seconds / 4)
        self.ttl = int(window_seconds + 2 * self.slice)
        self._events: dict[str, str | None] = {}
        self._exact: dict[str, str | None] = {}
        self._buckets: dict[int, str] = {}
        self._sigs: dict[str, np.ndarray | None] = {}
        self._writes: dict[tuple[str, int], dict[str, str | bytes]] = {}
        self._slices: list[int] = []
        self._row_digests: list[str] = []
        self._row_bands: list[list[int]] = []
        self._row_sigs = np.zeros((0, 0), dtype=np.uint32)
        self._lookup = self.redis.register_script(self.LOOKUP)
        self._store = self.redis.register_script(self.WRITE)
        self._count = self.redis.register_script(self.COUNT)
        self._counts: dict[str, Counts] = {}
        # The burst rule the COUNT script applies (the pipeline sets its Config's).
        self.burst_rule: tuple[float, float, int] = (0.3, 3.0, 10)

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
        self,
        keys: list[str],
        digests: np.ndarray,
        band_keys: np.ndarray,
        sigs: np.ndarray,
        times: np.ndarray,
    ) -> None:
        self._events, self._exact, self._buckets, self._sigs = {}, {}, {}, {}
        self._row_digests = [format(d, "016x") for d in digests.view(np.uint64).tolist()]
        self._row_bands = band_keys.tolist()
        self._row_sigs = sigs
        top = int(times.max() // self.slice) if len(times) else 0
        low = int((times.min() - self.window) // self.slice) if len(times) else 0
        self._slices = list(range(max(low, top - 8), top + 1))
        names = list(dict.fromkeys(k for k in keys if k))
        flat = list(dict.fromkeys(b for row in self._row_bands for b in row))
        width = 4 * sigs.shape[1]
        events, exact, buckets, extra, extra_events, extra_sigs = self._lookup(
            keys=[self._name(kind, s) for kind in self.KINDS for s in self._slices],
            args=[
                len(self._slices),
                width,
                "\0".join(names),
                "\0".join(self._row_digests),
                "\0".join(map(str, flat)),
            ],
        )

        def split(joined: bytes, count: int) -> list[str | None]:
            parts = joined.decode().split("\0") if count else []
            return [p[1:] if p else None for p in parts]

        self._events = dict(zip(names, split(events, len(names)), strict=True))
        self._exact = dict(
            zip(self._row_digests, split(exact, len(self._row_digests)), strict=True)
        )
        for b, v in zip(flat, split(buckets, len(flat)), strict=True):
            if v is not None:
                self._buckets[b] = v
        found = [k for k in extra.decode().split("\0") if k] if extra else []
        found_sigs = np.frombuffer(extra_sigs, dtype=np.uint32).reshape(len(found), sigs.shape[1])
        for k, event, sig in zip(found, split(extra_events, len(found)), found_sigs, strict=True):
            self._events.setdefault(k, event)
            self._sigs[k] = None if (sig == 0xFFFFFFFF).all() else sig

    def _write(self, kind: str, ts: float, field: str, value: str | bytes) -> None:
        self._writes.setdefault((kind, int(ts // self.slice)), {})[field] = value

    def event_of(self, key: str) -> str | None:
        if key not in self._events:
            self._events[key] = None
            found = self._read("k", [key]) if self._slices else []
            if found and found[0] is not None:
                self._events[key] = found[0].decode()
        return self._events[key]

    def exact(self, i: int) -> str | None:
        return self._exact.get(self._row_digests[i])

    def near(self, i: int) -> tuple[list[str], np.ndarray]:
        cands = dict.fromkeys(
            k for b in self._row_bands[i] if (k := self._buckets.get(b)) is not None
        )
        found = [(c, s) for c in cands if (s := self._sigs.get(c)) is not None]
        if not found:
            return [], self._row_sigs[:0]
        return [c for c, _s in found], np.stack([s for _c, s in found])

    def remember(self, i: int, key: str, event_id: str, ts: float, near: bool) -> None:
        if near:
            digest = self._row_digests[i]
            if self._exact.get(digest) is None:
                self._exact[digest] = key
                self._write("x", ts, digest, key)
            for b in self._row_bands[i]:
                self._buckets[b] = key
                self._write("b", ts, str(b), key)
            sig = self._row_sigs[i]
            self._sigs[key] = sig
            self._write("s", ts, key, sig.astype(np.uint32).tobytes())
        self._events[key] = event_id
        self._write("k", ts, key, event_id)

    def add_counts(self, event_id: str, counts: Counts) -> None:
        """Add one batch's counts of an event to its totals (sent by ``flush``)."""
        self._counts[event_id] = counts

    def flush(self) -> None:
        """The batch's writes and counts in one round trip (two scripts in one pipeline)."""
        if not self._writes and not self._counts:
            return
        pipe = self.redis.pipeline(transaction=False)
        if self._writes:
            names: list[str] = []
            args: list[bytes | str | int | float] = [self.ttl]
            for (kind, slice_), mapping in self._writes.items():
                names.append(self._name(kind, slice_))
                args.append("\0".join(mapping))
                if kind == "s":
                    args += [b"".join(mapping.values()), 4 * self._row_sigs.shape[1]]  # type: ignore[arg-type]  # bytes values
                else:
                    args += ["\0".join(mapping.values()), 0]  # type: ignore[arg-type]
            self._store(keys=names, args=args, client=pipe)
        if self._counts:
            alpha, z, n = self.burst_rule
            counts: list[bytes | str | int | float] = [self.ttl, repr(alpha), repr(z), n]
            for c in self._counts.values():
                buckets = ",".join(
                    f"{b}:{c.buckets[b]}:{';'.join(map(repr, sorted(c.times.get(b, ()))))}"
                    for b in sorted(c.buckets)
                )
                counts += [c.volume, c.negative, repr(c.weight), c.engagement, repr(c.first)]
                counts += [repr(c.last), buckets]
            self._count(keys=[self._event_key(e) for e in self._counts], args=counts, client=pipe)
        pipe.execute()
        self._writes, self._counts = {}, {}

    def _event_key(self, event_id: str) -> str:
        return f"{self.prefix}:ev:{event_id}"

    def totals(self, event_ids: list[str], bucket: int) -> dict[str, Counts]:
        """Every worker's counts of these events summed (one round trip); the buckets
        hold only ``bucket`` (the open one)."""
        pipe = self.redis.pipeline(transaction=False)
        for e in event_ids:
            pipe.hmget(self._event_key(e), ["v", "n", "w", "g", "f", "l", f"b{bucket}", "ba", "bz"])
        found = {}
        for e, (v, n, w, g, f, last, b, ba, bz) in zip(event_ids, pipe.execute(), strict=True):
            if v is not None:
                found[e] = Counts(
                    int(v),
                    int(n or 0),
                    float(w or 0),
                    int(g or 0),
                    float(f or math.inf),
                    float(last or -math.inf),
                    {bucket: int(b or 0)},
                    burst_at=float(ba) if ba is not None else None,
                    burst_z=float(bz or 0),
                )
        return found

    def claim(self, pairs: list[tuple[str, str]]) -> list[bool]:
        """For each (event, reason): True for the one worker that raises it first."""
        pipe = self.redis.pipeline(transaction=False)
        for event_id, reason in pairs:
            pipe.set(f"{self.prefix}:alerted:{event_id}:{reason}", 1, nx=True, ex=self.ttl)
        return [bool(r) for r in pipe.execute()] if pairs else []

    def evict(self, cutoff: float) -> list[str]:
        """Redis expires whole slices itself; the local caches only live for one batch."""
        return []

    def __len__(self) -> int:
        return len(self._events)

    def clear(self) -> None:
        """Remove every entry under the prefix (tests and benchmarks)."""
        for name in self.redis.scan_iter(f"{self.prefix}:*", count=1000):
            self.redis.delete(name)
