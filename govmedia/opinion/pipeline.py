"""The opinion pipeline in plain Python (no Django): posts in, outcomes and alert candidates out.

normalise → duplicate deliveries → exact duplicates → near-duplicates (MinHash/LSH)
→ parent chain → events (single-pass clustering with time decay) → sentiment
→ rumour match → heat → bursts → alert rules. See docs/opinion.md, "Pipeline".
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import ahocorasick_rs
import numpy as np
import rjieba

from govmedia.checks.normalize import normalize
from govmedia.opinion.minhash import EMPTY, MinHasher
from govmedia.opinion.posts import Post
from govmedia.opinion.rumours import Claim, RumourIndex
from govmedia.opinion.sentiment import Sentiment
from govmedia.opinion.state import Counts, MemoryState, RedisState, State


@dataclass
class Config:
    window_hours: float = 24.0
    batch_size: int = 2000
    # Near-duplicates: character shingles, MinHash permutations, LSH bands.
    shingle: int = 3
    num_perm: int = 64
    bands: int = 16
    near_threshold: float = 0.5
    # Events: cosine similarity over segmented words, decayed by age.
    event_threshold: float = 0.3
    decay_hours: float = 6.0
    # Heat and bursts.
    source_weights: dict[str, float] = field(default_factory=dict)
    bucket_minutes: float = 5.0
    ewma_alpha: float = 0.3
    burst_z: float = 3.0
    burst_min_count: int = 10
    # Alert rules.
    heat_threshold: float = 50.0
    negative_share: float = 0.6
    negative_min_posts: int = 10
    watched_names: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    rumour_threshold: float = 0.45
    # 监测方案: name → keyword expression (govmedia.opinion.expr); outcomes list the matching ones.
    schemes: dict[str, str] = field(default_factory=dict)
    # A local transformer model directory for sentiment (never downloaded); empty: lexicon + linear model.
    sentiment_model_dir: str = ""
    redis_url: str = ""


@dataclass(slots=True)
class Outcome:
    key: str
    event_id: str  # "" when the post has no words to group by and no parent or copy
    duplicate_of: str = ""
    near_duplicate_of: str = ""
    sentiment: str = "neutral"  # "negative" | "neutral" | "positive"
    sentiment_score: float = 0.0  # -1 (negative) … 1 (positive)
    rumour: tuple[str, float] | None = None  # (claim id, score)
    schemes: list[str] = field(default_factory=list)
    watched: list[str] = field(default_factory=list)
    redelivered: bool = False  # the same key came before: not processed again


@dataclass(slots=True)
class AlertCandidate:
    event_id: str
    reasons: list[str]
    heat: float
    first_seen: datetime
    last_seen: datetime
    volume: int
    negative_share: float
    burst_z: float
    watched: list[str]
    rumours: list[tuple[str, float]]
    sample_keys: list[str]
    top_terms: list[str]
    burst_at: datetime | None = None


STOP_WORDS = frozenset(
    "我们 你们 他们 这个 那个 今天 昨天 现在 已经 听说 据说 大家 什么 没有 不是 就是 还是 可以 "
    "因为 所以 但是 而且 一个 一些 这些 那些 真的 转发 消息 网传 怎么 这样 还有 一下 自己 知道 "
    "看到 觉得 感觉 市民 网友 回复 评论".split()
)
# Terms kept per event centroid: enough to recognise its posts, bounded memory.
CENTROID_TERMS = 60
# An index term shared by more events than this says nothing about which one a post joins.
POSTING_LIMIT = 300


@dataclass
class Event:
    id: str
    first_seen: float
    last_seen: float
    terms: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    volume: int = 0
    negative: int = 0
    weight: float = 0.0
    engagement: int = 0
    bucket: int = -1
    bucket_count: int = 0
    ewma_mean: float = 0.0
    ewma_var: float = 0.0
    burst_z: float = 0.0
    burst_at: float | None = None
    watched: set[str] = field(default_factory=set)
    rumours: dict[str, float] = field(default_factory=dict)
    sample_keys: list[str] = field(default_factory=list)


def _words(compact: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for word in rjieba.cut(compact):
        if len(word) >= 2 and word not in STOP_WORDS and not word.isdigit():
            counts[word] = counts.get(word, 0.0) + 1.0
    return counts


class Pipeline:
    """The pipeline with its window of memory; one instance per worker (or shared ``State``)."""

    def __init__(self, config: Config | None = None, state: State | None = None) -> None:
        self.config = config = config or Config()
        if state is None and config.redis_url:
            state = RedisState(config.redis_url, config.window_hours * 3600)
        self.state: State = state if state is not None else MemoryState()
        # Event ids unique across workers sharing one RedisState.
        self._event_prefix = (
            f"e{os.getpid():x}{int(time.time() * 1000) % 100000:x}-"
            if config.redis_url or isinstance(state, RedisState)
            else "e"
        )
        self.hasher = MinHasher(config.num_perm, config.shingle, config.bands)
        self.sentiment = Sentiment(config.sentiment_model_dir)
        self.rumours = RumourIndex(config.claims, config.rumour_threshold)
        names = [normalize(n).compact for n in config.watched_names if normalize(n).compact]
        self._names = ahocorasick_rs.AhoCorasick(names) if names else None
        self._schemes = {}
        if config.schemes:
            from govmedia.opinion.expr import compile_expression

            self._schemes = {name: compile_expression(e) for name, e in config.schemes.items()}
        self.events: dict[str, Event] = {}
        # word → the events whose centroid holds it (id → event).
        self._index: dict[str, dict[str, Event]] = {}
        self._next_event = 0
        self._latest = 0.0
        # With shared state the alert rules read every worker's counts (docs/opinion.md,
        # "Shared state"); this batch's share of them is sent with the state's writes.
        self._shared = self.state if isinstance(self.state, RedisState) else None
        if self._shared is not None:
            # Bursts too are judged on every worker's counts, by the state's COUNT script.
            self._shared.burst_rule = (config.ewma_alpha, config.burst_z, config.burst_min_count)
        self._batch_counts: dict[str, Counts] = {}
        self._band_salt = np.array([b << 56 for b in range(config.bands)], dtype=np.int64)

    # -- the steps -------------------------------------------------------

    def process(self, posts: Iterable[Post]) -> list[Outcome]:
        """One outcome per post, in order; any number of posts, taken in batches."""
        outcomes: list[Outcome] = []
        batch: list[Post] = []
        for post in posts:
            batch.append(post)
            if len(batch) >= self.config.batch_size:
                outcomes.extend(self._batch(batch))
                batch = []
        if batch:
            outcomes.extend(self._batch(batch))
        return outcomes

    def _batch(self, posts: list[Post]) -> list[Outcome]:
        cfg = self.config
        compact = []
        for post in posts:
            n = normalize(post.text or "")
            # Emoji-only posts compact to nothing; their folded text still identifies copies.
            compact.append(n.compact or n.folded.strip())
        sigs = self.hasher.signatures(compact)
        band_keys = self.hasher.band_keys(sigs)
        sentiments = self.sentiment.score(compact)
        rumours = self.rumours.match_compact(compact)
        digests = np.frombuffer(
            b"".join(hashlib.blake2b(t.encode(), digest_size=8).digest() for t in compact),
            dtype=np.int64,
        )
        salted = band_keys ^ self._band_salt
        times = np.array([p.at.timestamp() for p in posts], dtype=np.float64)
        state = self.state
        state.prefetch(
            [p.key for p in posts] + [p.parent_key for p in posts], digests, salted, sigs, times
        )
        empty = (sigs == EMPTY).all(axis=1).tolist()
        outcomes = []
        batch_keys: dict[str, str] = {}
        for i, post in enumerate(posts):
            ts = post.at.timestamp()
            if ts > self._latest:
                self._latest = ts
            earlier = batch_keys.get(post.key)
            if earlier is None:
                earlier = state.event_of(post.key)
            if earlier is not None:
                outcomes.append(Outcome(post.key, earlier, redelivered=True))
                continue
            text = compact[i]
            label, score = sentiments[i]
            out = Outcome(post.key, "", sentiment=label, sentiment_score=score)
            out.rumour = rumours[i]
            event_id = state.event_of(post.parent_key) if post.parent_key else None
            if text:
                original = state.exact(i)
                if original is not None:
                    out.duplicate_of = original
                    event_id = event_id or state.event_of(original)
                elif not empty[i]:
                    cands, cand_sigs = state.near(i)
                    if cands:
                        # One comparison for all candidates: per-candidate numpy calls cost more.
                        agree = np.count_nonzero(cand_sigs == sigs[i], axis=1)
                        j = int(agree.argmax())
                        if agree[j] / cfg.num_perm >= cfg.near_threshold:
                            best = cands[j]
                            out.near_duplicate_of = best
                            event_id = event_id or state.event_of(best)
            near = bool(text) and not out.duplicate_of
            words = _words(text) if event_id is None or event_id not in self.events else None
            if words is not None and not words:
                # Nothing to group by (empty, emoji only, a bare number): no event,
                # but the key is remembered so a second delivery stays a duplicate.
                state.remember(i, post.key, "", ts, near)
                batch_keys[post.key] = ""
                outcomes.append(out)
                continue
            event = self._join(event_id, words, ts, post.key)
            out.event_id = event.id
            self._account(event, post, out, text, ts)
            state.remember(i, post.key, event.id, ts, near)
            batch_keys[post.key] = event.id
            outcomes.append(out)
        if self._shared is not None:
            for event_id, counts in self._batch_counts.items():
                self._shared.add_counts(event_id, counts)
            self._batch_counts = {}
        state.flush()
        self._evict()
        return outcomes

    def _join(
        self, event_id: str | None, words: dict[str, float] | None, ts: float, key: str
    ) -> Event:
        if event_id is not None and event_id in self.events:
            return self.events[event_id]
        words = words or {}
        if event_id:
            # An event another worker opened (shared state): adopt its id here.
            adopted = self.events[event_id] = Event(id=event_id, first_seen=ts, last_seen=ts)
            self._update_terms(adopted, words)
            return adopted
        best: Event | None = None
        best_sim = self.config.event_threshold
        if words:
            norm = math.sqrt(sum(v * v for v in words.values()))
            index = self._index
            candidates: dict[str, Event] = {}
            for word in words:
                posting = index.get(word)
                if posting and len(posting) <= POSTING_LIMIT:
                    candidates.update(posting)
            # The dot products through the postings: only the (word, event) pairs that
            # exist are visited, in the post's word order, so each sum adds the same
            # terms in the same order as a loop over every word of every candidate.
            dots = dict.fromkeys(candidates, 0.0)
            for word, v in words.items():
                posting = index.get(word)
                if not posting or not candidates:
                    continue
                if len(posting) <= POSTING_LIMIT:
                    for cid, ev in posting.items():
                        dots[cid] += v * ev.terms.get(word, 0.0)
                else:
                    for cid, ev in candidates.items():
                        if word in ev.terms:
                            dots[cid] += v * ev.terms[word]
            decay = self.config.decay_hours
            for cid, ev in candidates.items():
                if not ev.norm2:
                    continue
                sim = dots[cid] / (norm * math.sqrt(ev.norm2))
                age_h = max(0.0, ts - ev.last_seen) / 3600.0
                sim *= math.exp(-age_h / decay)
                if sim >= best_sim:
                    best, best_sim = ev, sim
        if best is None:
            self._next_event += 1
            best = Event(id=f"{self._event_prefix}{self._next_event}", first_seen=ts, last_seen=ts)
            self.events[best.id] = best
        self._update_terms(best, words)
        return best

    def _update_terms(self, ev: Event, words: dict[str, float]) -> None:
        terms = ev.terms
        for w, v in words.items():
            old = terms.get(w, 0.0)
            if not old:
                self._index.setdefault(w, {})[ev.id] = ev
            terms[w] = old + v
            ev.norm2 += (old + v) ** 2 - old * old
        if len(terms) > 2 * CENTROID_TERMS:
            kept = dict(sorted(terms.items(), key=lambda kv: -kv[1])[:CENTROID_TERMS])
            for w in terms.keys() - kept.keys():
                posting = self._index.get(w)
                if posting is not None:
                    posting.pop(ev.id, None)
                    if not posting:
                        del self._index[w]
            ev.terms = kept
            ev.norm2 = sum(v * v for v in kept.values())

    def _account(self, ev: Event, post: Post, out: Outcome, text: str, ts: float) -> None:
        cfg = self.config
        ev.first_seen = min(ev.first_seen, ts)
        ev.last_seen = max(ev.last_seen, ts)
        ev.volume += 1
        ev.negative += out.sentiment == "negative"
        ev.weight += cfg.source_weights.get(post.source, 1.0)
        ev.engagement += max(0, post.engagement)
        if self._shared is not None:
            self._batch_counts.setdefault(ev.id, Counts()).add(
                out.sentiment == "negative",
                cfg.source_weights.get(post.source, 1.0),
                max(0, post.engagement),
                ts,
                int(ts // (cfg.bucket_minutes * 60)),
            )
        if len(ev.sample_keys) < 5:
            ev.sample_keys.append(post.key)
        if out.rumour is not None:
            ev.rumours[out.rumour[0]] = max(ev.rumours.get(out.rumour[0], 0.0), out.rumour[1])
        if self._names is not None and text:
            out.watched = sorted(set(self._names.find_matches_as_strings(text)))
            ev.watched.update(out.watched)
        if self._schemes:
            out.schemes = [name for name, m in self._schemes.items() if m.matches_compact(text)]
        # Bursts: an EWMA of the counts per closed bucket; the open bucket's count is
        # scored against it as it grows, so a burst is seen within its first bucket.
        bucket = int(ts // (cfg.bucket_minutes * 60))
        if bucket > ev.bucket:
            if ev.bucket >= 0:
                self._close_buckets(ev, bucket)
            ev.bucket, ev.bucket_count = bucket, 0
        if bucket == ev.bucket:
            ev.bucket_count += 1
        z = (ev.bucket_count - ev.ewma_mean) / math.sqrt(ev.ewma_var + 1.0)
        ev.burst_z = max(ev.burst_z, z) if bucket == ev.bucket else ev.burst_z
        if ev.burst_at is None and z >= cfg.burst_z and ev.bucket_count >= cfg.burst_min_count:
            ev.burst_at = ts

    def _close_buckets(self, ev: Event, new_bucket: int) -> None:
        a = self.config.ewma_alpha
        counts = [ev.bucket_count] + [0] * min(48, new_bucket - ev.bucket - 1)
        for c in counts:
            diff = c - ev.ewma_mean
            incr = a * diff
            ev.ewma_mean += incr
            ev.ewma_var = (1 - a) * (ev.ewma_var + diff * incr)
        ev.burst_z = 0.0

    def _evict(self) -> None:
        cutoff = self._latest - self.config.window_hours * 3600
        self.state.evict(cutoff)
        stale = [eid for eid, ev in self.events.items() if ev.last_seen < cutoff]
        for eid in stale:
            ev = self.events.pop(eid)
            for w in ev.terms:
                posting = self._index.get(w)
                if posting is not None:
                    posting.pop(eid, None)
                    if not posting:
                        del self._index[w]

    # -- reading ---------------------------------------------------------

    def heat(self, ev: Event, now: float) -> float:
        """10·ln(1+Σ source weight) + 20·ln(1+posts a minute in the open bucket) + 3·ln(1+engagement)."""
        bucket = int(now // (self.config.bucket_minutes * 60))
        return self._heat(ev.weight, ev.bucket_count if bucket == ev.bucket else 0, ev.engagement)

    def _heat(self, weight: float, open_count: int, engagement: int) -> float:
        velocity = open_count / self.config.bucket_minutes
        return round(
            10 * math.log1p(weight) + 20 * math.log1p(velocity) + 3 * math.log1p(engagement), 2
        )

    def alerts(self, now: datetime) -> list[AlertCandidate]:
        """Events that meet an alert rule now, hottest first.

        With shared state (Redis) the rules read the totals of every worker, and each
        (event, reason) is returned once across all workers: the first worker whose
        ``alerts`` finds it claims it (``RedisState.claim``).
        """
        cfg = self.config
        t = now.timestamp()
        cutoff = t - cfg.window_hours * 3600
        bucket = int(t // (cfg.bucket_minutes * 60))
        live = [ev for ev in self.events.values() if ev.last_seen >= cutoff]
        totals = (
            self._shared.totals([ev.id for ev in live], bucket) if self._shared is not None else {}
        )
        found = []
        for ev in live:
            total = totals.get(ev.id)
            if total is not None:
                volume, negative, first, last = (
                    total.volume,
                    total.negative,
                    total.first,
                    total.last,
                )
                heat = self._heat(total.weight, total.buckets[bucket], total.engagement)
                # The burst found on every worker's counts, not this worker's share of them.
                burst_at, burst_z = total.burst_at, total.burst_z
            else:
                volume, negative, first, last = ev.volume, ev.negative, ev.first_seen, ev.last_seen
                heat = self.heat(ev, t)
                burst_at, burst_z = ev.burst_at, ev.burst_z
            share = negative / volume if volume else 0.0
            reasons = []
            if burst_at is not None:
                reasons.append("burst")
            if heat >= cfg.heat_threshold:
                reasons.append("heat")
            if volume >= cfg.negative_min_posts and share >= cfg.negative_share:
                reasons.append("negative_share")
            if ev.watched:
                reasons.append("watched_name")
            if ev.rumours:
                reasons.append("rumour")
            if not reasons:
                continue
            top = sorted(ev.terms.items(), key=lambda kv: -kv[1])[:8]
            found.append(
                AlertCandidate(
                    event_id=ev.id,
                    reasons=reasons,
                    heat=heat,
                    first_seen=datetime.fromtimestamp(first, UTC),
                    last_seen=datetime.fromtimestamp(last, UTC),
                    volume=volume,
                    negative_share=round(share, 3),
                    burst_z=round(burst_z, 2),
                    watched=sorted(ev.watched),
                    rumours=sorted(ev.rumours.items(), key=lambda kv: -kv[1]),
                    sample_keys=list(ev.sample_keys),
                    top_terms=[w for w, _ in top],
                    burst_at=datetime.fromtimestamp(burst_at, UTC) if burst_at else None,
                )
            )
        if self._shared is not None and found:
            pairs = [(a.event_id, r) for a in found for r in a.reasons]
            claimed = iter(self._shared.claim(pairs))
            for a in found:
                a.reasons = [r for r in a.reasons if next(claimed)]
            found = [a for a in found if a.reasons]
        found.sort(key=lambda a: -a.heat)
        return found
