"""The opinion pipeline in plain Python (no Django): posts in, outcomes and alert candidates out.

normalise → duplicate deliveries → exact duplicates → near-duplicates (MinHash/LSH)
→ parent chain → events (single-pass clustering with time decay) → sentiment
→ rumour match → heat → bursts → alert rules. See docs/opinion.md, "Pipeline".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from govmedia.opinion.posts import Post


@dataclass(slots=True)
class Claim:
    """One entry of the 辟谣库: a false or misleading claim and its authoritative rebuttal."""

    id: str
    text: str
    verdict: str = "谣言"
    date: str = ""
    rebuttal_url: str = ""


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
    event_id: str
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


class Pipeline:
    def __init__(self, config: Config | None = None, state: object | None = None) -> None:
        self.config = config or Config()

    def process(self, posts: Iterable[Post]) -> list[Outcome]:
        """One outcome per post, in order; any number of posts (taken in batches)."""
        raise NotImplementedError

    def alerts(self, now: datetime) -> list[AlertCandidate]:
        """Events that meet an alert rule now, hottest first."""
        raise NotImplementedError
