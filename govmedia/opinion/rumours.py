"""The 辟谣库 matcher: posts matched to known false claims (no Django).

A claim is indexed two ways: the MinHash signature of its 2-character shingles
(edits and reordering cost little) and its key terms (rjieba words of two or
more characters, stop words removed). A post's score against a claim is
``0.4 · shingle similarity + 0.6 · share of the claim's key terms the post
contains``: containment, because a post usually wraps the claim in its own
words. Both sides are normalised first (full-width, traditional, zero-width).
The claims are few (hundreds), so each post is compared with all of them at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import rjieba

from govmedia.checks.normalize import normalize
from govmedia.opinion.minhash import EMPTY, MinHasher

STOP_WORDS = frozenset(
    "我们 你们 他们 这个 那个 今天 昨天 现在 已经 听说 据说 大家 什么 没有 不是 就是 "
    "还是 可以 因为 所以 但是 而且 一个 一些 这些 那些 真的 转发 消息 网传 发生 需要 进行 出现".split()
)


@dataclass(slots=True)
class Claim:
    """One entry of the 辟谣库: a false or misleading claim and its authoritative rebuttal."""

    id: str
    text: str
    verdict: str = "谣言"
    date: str = ""
    rebuttal_url: str = ""


def key_terms(compact: str) -> frozenset[str]:
    return frozenset(w for w in rjieba.cut(compact) if len(w) >= 2 and w not in STOP_WORDS)


class RumourIndex:
    def __init__(self, claims: Sequence[Claim], threshold: float = 0.45) -> None:
        self.claims = list(claims)
        self.threshold = threshold
        self._hasher = MinHasher(num_perm=64, shingle=2, bands=16)
        compact = [normalize(c.text).compact for c in self.claims]
        self._sigs = self._hasher.signatures(compact)
        self._terms = [key_terms(c) for c in compact]

    def match(self, post_text: str) -> tuple[str, float] | None:
        """The best claim and its score, or None below the threshold."""
        return self.match_compact([normalize(post_text).compact])[0]

    def match_compact(self, compact_texts: list[str]) -> list[tuple[str, float] | None]:
        if not self.claims:
            return [None] * len(compact_texts)
        sigs = self._hasher.signatures(compact_texts)
        out: list[tuple[str, float] | None] = []
        for text, sig in zip(compact_texts, sigs, strict=True):
            if not text or sig[0] == EMPTY:
                out.append(None)
                continue
            shingle_sim = (self._sigs == sig[None, :]).mean(axis=1)
            best, best_score = -1, 0.0
            for i, terms in enumerate(self._terms):
                if not terms:
                    continue
                contained = sum(1 for t in terms if t in text) / len(terms)
                score = 0.4 * float(shingle_sim[i]) + 0.6 * contained
                if score > best_score:
                    best, best_score = i, score
            out.append(
                (self.claims[best].id, round(best_score, 3))
                if best_score >= self.threshold
                else None
            )
        return out


__all__ = ["Claim", "RumourIndex", "np"]
