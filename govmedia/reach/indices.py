"""清博's WCI (WeChat) and BCI (Weibo) communication indices, as published.

No Django here: the report, the tests and anyone with a calculator use the
same functions. docs/reach.md gives each formula, where it was published,
and what could not be confirmed. The version string of each formula is
stored with every figure computed from it (`IndexScore.version`).

WCI V14.2 (清博指数, 2020): four first-level parts, each the same weighted
sum of log-normalised reads R, 在看 Z, likes L and shares RE (weights 0.70,
0.09, 0.06, 0.15; the interactions multiplied by 10 before the logarithm):

- O, overall (60 %): daily averages R/d, Z/d, L/d, RE/d;
- A, per article (20 %): R/n, Z/n, L/n, RE/n;
- H, headline (10 %): the headlines' totals per day Rt/d, Zt/d, Lt/d, REt/d;
- P, peak (10 %): the best article's Rmax, Zmax, Lmax, REmax;

WCI = (0.6·O + 0.2·A + 0.1·H + 0.1·P)² × 1.2 × 10.

d is the period's days as 清博 counts them: 1 for a day, 7 for a week, 30
for a month (whatever its length), the real number of days otherwise.

BCI (微博传播指数, the four-input form): activity W1 = ln(posts + 1);
spread W2 = 0.4·ln(reposts + 1) + 0.4·ln(comments + 1) + 0.2·ln(likes + 1);
BCI = (0.2·W1 + 0.8·W2) × 160, on the period's totals.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

WCI_VERSION = "WCI V14.2"
BCI_VERSION = "BCI（四项版）"

# WCI V14.2: the weights of reads, 在看, likes and shares inside every part,
# and of the four parts; interactions are scaled by 10 before ln(x + 1).
WCI_METRIC_WEIGHTS = (0.70, 0.09, 0.06, 0.15)
WCI_PART_WEIGHTS = {"overall": 0.6, "per_article": 0.2, "headline": 0.1, "peak": 0.1}
WCI_INTERACTION_SCALE = 10
WCI_FACTOR = 1.2 * 10

# BCI: activity against spread, and the weights of reposts, comments and likes.
BCI_ACTIVITY_WEIGHT = 0.2
BCI_SPREAD_WEIGHT = 0.8
BCI_SPREAD_WEIGHTS = (0.4, 0.4, 0.2)
BCI_FACTOR = 160

DAYS_IN = {"day": 1, "week": 7, "month": 30}


def period_days(period: str, actual_days: int) -> int:
    """清博's d: 1, 7 or 30 for a day, week or month; the real count for anything else."""
    return DAYS_IN.get(period, actual_days)


@dataclass(frozen=True)
class Figures:
    """One article's (or a sum of articles') reads, 在看, likes and shares."""

    reads: float = 0
    wows: float = 0
    likes: float = 0
    shares: float = 0

    def scaled(self, divisor: float) -> Figures:
        return Figures(
            self.reads / divisor, self.wows / divisor, self.likes / divisor, self.shares / divisor
        )


@dataclass(frozen=True)
class WciInputs:
    days: int  # d
    articles: int  # n
    total: Figures  # R, Z, L, RE
    headline: Figures  # Rt, Zt, Lt, REt
    peak: Figures  # Rmax, Zmax, Lmax, REmax (each the highest of any article)

    def as_dict(self) -> dict:
        return asdict(self)


def _part(f: Figures) -> float:
    w_read, w_wow, w_like, w_share = WCI_METRIC_WEIGHTS
    s = WCI_INTERACTION_SCALE
    return (
        w_read * math.log(f.reads + 1)
        + w_wow * math.log(f.wows * s + 1)
        + w_like * math.log(f.likes * s + 1)
        + w_share * math.log(f.shares * s + 1)
    )


def wci(inputs: WciInputs) -> float:
    """WCI V14.2 of one account over one period; 0 when it published nothing."""
    if inputs.articles <= 0 or inputs.days <= 0:
        return 0.0
    weights = WCI_PART_WEIGHTS
    score = (
        weights["overall"] * _part(inputs.total.scaled(inputs.days))
        + weights["per_article"] * _part(inputs.total.scaled(inputs.articles))
        + weights["headline"] * _part(inputs.headline.scaled(inputs.days))
        + weights["peak"] * _part(inputs.peak)
    )
    return score**2 * WCI_FACTOR


def wci_inputs(articles: list[tuple[Figures, bool]], days: int) -> WciInputs:
    """The inputs from the period's articles: (figures, is it a headline) each."""
    total = _sum(f for f, _headline in articles)
    headline = _sum(f for f, is_headline in articles if is_headline)
    peak = Figures(
        max((f.reads for f, _ in articles), default=0),
        max((f.wows for f, _ in articles), default=0),
        max((f.likes for f, _ in articles), default=0),
        max((f.shares for f, _ in articles), default=0),
    )
    return WciInputs(days, len(articles), total, headline, peak)


def _sum(figures) -> Figures:
    r = z = likes = re = 0.0
    for f in figures:
        r, z, likes, re = r + f.reads, z + f.wows, likes + f.likes, re + f.shares
    return Figures(r, z, likes, re)


@dataclass(frozen=True)
class BciInputs:
    posts: int
    reposts: float
    comments: float
    likes: float

    def as_dict(self) -> dict:
        return asdict(self)


def bci(inputs: BciInputs) -> float:
    """BCI of one account over one period (the four-input form)."""
    w_repost, w_comment, w_like = BCI_SPREAD_WEIGHTS
    activity = math.log(inputs.posts + 1)
    spread = (
        w_repost * math.log(inputs.reposts + 1)
        + w_comment * math.log(inputs.comments + 1)
        + w_like * math.log(inputs.likes + 1)
    )
    return (BCI_ACTIVITY_WEIGHT * activity + BCI_SPREAD_WEIGHT * spread) * BCI_FACTOR
