"""Rhythm of a channel's posting beyond the indicators: 时冷时热 made visible.

The national indicators look at one number per column (the days since its
last post). A column that posts nothing for seven weeks and then twenty
items in two days before an inspection passes them; these measures catch it:

- days below the required frequency: days of the period on which the last
  post was already older than the channel's required interval;
- the longest gap between consecutive posts, counting the stretch from the
  last post to the period's end (a channel that stopped has a long gap);
- burstiness B = (σ − μ) / (σ + μ) of the gaps between posts (Goh and
  Barabási, "Burstiness and memory in complex systems", EPL 81, 2008):
  −1 for a metronome, about 0 for posts at random (Poisson), towards +1
  when posts come in bursts separated by long silences;
- the share of the period's posts in its busiest two consecutive days;
- across departments, the spread (温差) of their scores.

Plain Python over dates, so the round, the report and the tests call the same code.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Rhythm:
    posts: int
    days_below_frequency: int
    longest_gap_days: int
    burstiness: float | None  # None with fewer than three posts (fewer than two gaps)
    busiest_two_days_share: float  # 0 when nothing was posted

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def burstiness(gaps: Sequence[float]) -> float | None:
    """Goh–Barabási B of inter-post gaps; None when it says nothing (< 2 gaps or all zero)."""
    if len(gaps) < 2:
        return None
    mean = statistics.fmean(gaps)
    sigma = statistics.pstdev(gaps)
    if sigma + mean == 0:
        return None
    return (sigma - mean) / (sigma + mean)


def busiest_two_days_share(day_counts: Counter[date]) -> float:
    total = sum(day_counts.values())
    if not total:
        return 0.0
    best = max(day_counts[day] + day_counts[day + timedelta(days=1)] for day in day_counts)
    return best / total


def rhythm(
    post_days: Iterable[date],
    start: date,
    end: date,
    every_days: int,
    *,
    last_before: date | None = None,
) -> Rhythm:
    """The rhythm of posts on `post_days` (one date per post) within [start, end].

    `last_before` is the last post before `start`, so that a channel silent since
    long before the period counts every day of it as below the frequency.
    """
    counts: Counter[date] = Counter(day for day in post_days if start <= day <= end)
    days = sorted(counts)
    # Days below the frequency: walk the period once, remembering the last post.
    below = 0
    last = last_before
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        if counts.get(day):
            last = day
        elif last is None or (day - last).days > every_days:
            below += 1
    gaps: list[float] = []
    for previous, current in zip(days, days[1:], strict=False):
        gaps.append((current - previous).days)
    for _ in range(sum(counts.values()) - len(days)):
        gaps.append(0.0)  # several posts on one day: gaps of zero days
    # The longest silence, from the last post before the period (or its start) to its end.
    marks = [last_before or start, *days, end]
    longest = max((b - a).days for a, b in zip(marks, marks[1:], strict=False))
    return Rhythm(
        posts=sum(counts.values()),
        days_below_frequency=below,
        longest_gap_days=longest,
        burstiness=burstiness(gaps),
        busiest_two_days_share=busiest_two_days_share(counts),
    )


@dataclass(frozen=True)
class Spread:
    """温差: how far apart the departments are."""

    highest: float
    lowest: float
    spread: float  # highest − lowest
    stdev: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def spread(scores: Iterable[float]) -> Spread | None:
    values = list(scores)
    if not values:
        return None
    return Spread(
        highest=max(values),
        lowest=min(values),
        spread=max(values) - min(values),
        stdev=statistics.pstdev(values),
    )
