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

import ahocorasick_rs
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
        # Every claim's key terms in one automaton: one pass a post finds which occur
        # (overlapping matches), instead of one substring search per term and claim.
        vocabulary = sorted(set().union(*self._terms)) if self._terms else []
        self._vocabulary = ahocorasick_rs.AhoCorasick(vocabulary) if vocabulary else None
        self._term_ids = [[vocabulary.index(t) for t in sorted(terms)] for terms in self._terms]

    def match(self, post_text: str) -> tuple[str, float] | None:
        """The best claim and its score, or None below the threshold."""
        return self.match_compact([normalize(post_text).compact])[0]

    def match_compact(self, compact_texts: list[str]) -> list[tuple[str, float] | None]:
        if not self.claims:
            return [None] * len(compact_texts)
        # Key terms first (one automaton pass a post): a post whose best containment
        # cannot reach the threshold even with identical shingles (0.4 · 1 + 0.6 ·
        # contained) matches nothing, and its signature is never computed. Most posts
        # mention no claim, and the 2-shingle MinHash was most of this step's time.
        vocabulary = self._vocabulary
        contained: list[list[float] | None] = []
        for text in compact_texts:
            if not text:
                contained.append(None)
                continue
            present = (
                {m[0] for m in vocabulary.find_matches_as_indexes(text, overlapping=True)}
                if vocabulary is not None
                else set()
            )
            shares = [
                sum(1 for t in ids if t in present) / len(ids) if ids else -1.0
                for ids in self._term_ids
            ]
            reachable = any(0.4 + 0.6 * s >= self.threshold - 1e-9 for s in shares if s >= 0)
            contained.append(shares if reachable else None)
        rows = [i for i, c in enumerate(contained) if c is not None]
        sigs = self._hasher.signatures([compact_texts[i] for i in rows])
        # Similarity to every claim at once: (posts, claims) shares of equal permutations.
        similarity = (sigs[:, None, :] == self._sigs[None, :, :]).mean(axis=2).tolist()
        out: list[tuple[str, float] | None] = [None] * len(compact_texts)
        for row, sig, shingle_sim in zip(rows, sigs, similarity, strict=True):
            shares = contained[row] or []
            if sig[0] == EMPTY:
                continue
            best, best_score = -1, 0.0
            for i, share in enumerate(shares):
                if share < 0:
                    continue
                score = 0.4 * shingle_sim[i] + 0.6 * share
                if score > best_score:
                    best, best_score = i, score
            if best_score >= self.threshold:
                out[row] = (self.claims[best].id, round(best_score, 3))
        return out


__all__ = ["Claim", "RumourIndex", "np"]
