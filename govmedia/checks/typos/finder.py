"""The statistical typo finder: suspicious characters and the character meant.

For every character of a text that has look-alike or sound-alike candidates,
each candidate is put in its place and the text is scored again:

- the character 3-gram model of official prose (both directions of context:
  the n-grams that contain the position are rescored);
- the best segmentation of the seven characters around the position into
  general-language words (jieba's dictionary, a unigram word model), before
  and after the replacement: a replacement that makes a known word where there
  was none is the strongest sign;
- the corpus and the general-language frequency of the two characters, which
  correct for the legal register of the n-gram corpus.

A suspicion is reported only when the combined gain exceeds a threshold set so
that correct sentences are rarely flagged (measured by ``govmedia check-eval
sighan``). A text written in traditional characters is recognised (share of
characters that OpenCC t2s changes) and not checked at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import opencc

from ..findings import INFO, TYPO, Finding
from .model import (
    BOUNDARY_ID,
    FIRST_CHAR_ID,
    KIND_LABELS,
    SIMILAR_SHAPE,
    TypoModel,
    load_model,
)

_t2s = opencc.OpenCC("t2s")

# Weights of the combined gain (nats) and the reporting threshold; measured on
# SIGHAN-15 (docs/checks.md).
W_LM = 0.3
W_SEGMENT = 1.0
W_UNIGRAM = 0.5
W_GENERAL = 0.5
KIND_PENALTY = {1: 0.0, 2: 0.0, 3: 0.0}
THRESHOLD = 9.0
# Positions whose own context is this plausible (nats over the four n-grams) are skipped.
PLAUSIBLE = -15.0
# A text is in traditional characters when t2s changes this share of its CJK
# characters (and at least two): ordinary traditional prose changes 15–30%,
# simplified prose with a stray traditional character far less.
TRADITIONAL_SHARE = 0.12
RULE = "typos:model"
CHUNK = 65_536  # characters checked at once
CONTEXT = 8  # characters of context on each side of a chunk (the window is 3)


@dataclass(frozen=True, slots=True)
class Suspicion:
    start: int
    char: str
    suggestion: str
    gain: float
    kind: int

    @property
    def end(self) -> int:
        return self.start + 1

    @property
    def reason(self) -> str:
        label = KIND_LABELS.get(self.kind, "")
        return (
            f"统计模型：此处“{self.char}”比{label}字“{self.suggestion}”可能性低"
            f"（差 {self.gain:.1f}），建议“{self.suggestion}”"
        )


def traditional_share(text: str) -> float:
    """Share of the CJK characters that OpenCC t2s changes."""
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    folded = _t2s.convert("".join(cjk))
    changed = sum(1 for a, b in zip(cjk, folded, strict=False) if a != b)
    return changed / len(cjk)


def is_traditional(text: str) -> bool:
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return False
    folded = _t2s.convert("".join(cjk))
    changed = sum(1 for a, b in zip(cjk, folded, strict=False) if a != b)
    return changed >= 2 and changed / len(cjk) >= TRADITIONAL_SHARE


def _windows(ids: npt.NDArray[np.int64], positions: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """(P, 7) ids around each position (3 each side), boundaries beyond the text."""
    padded = np.concatenate([[BOUNDARY_ID] * 3, ids, [BOUNDARY_ID] * 3])
    offsets = np.arange(7)
    return padded[positions[:, None] + offsets[None, :]]


def _local_lm(model: TypoModel, windows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Sum of the scores of the four n-grams ending at the centre and after it."""
    m = len(windows)
    grams = np.concatenate([windows[:, j : j + 4] for j in range(4)])
    scores = model.ngram_scores(grams).reshape(4, m)
    return scores.sum(axis=0)


class TypoFinder:
    """Finds suspicious characters with a model file (loaded once)."""

    def __init__(self, model: TypoModel | None = None) -> None:
        self.model = model if model is not None else load_model()
        self.last_seconds = 0.0

    def features(
        self, text: str
    ) -> tuple[
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        dict[str, npt.NDArray[np.float64]],
    ]:
        """Positions, candidate ids, kinds and the feature columns of every candidate."""
        m = self.model
        ids = m.ids(text)
        n = len(ids)
        empty = np.zeros(0, dtype=np.int64)
        if n == 0:
            return empty, empty, empty, {}
        positions = np.flatnonzero(ids >= FIRST_CHAR_ID)
        if len(positions) == 0:
            return empty, empty, empty, {}
        win = _windows(ids, positions)
        base_lm = _local_lm(m, win)
        keep = base_lm < PLAUSIBLE
        positions, win, base_lm = positions[keep], win[keep], base_lm[keep]
        cidx = ids[positions] - FIRST_CHAR_ID
        starts = m.cptr[cidx].astype(np.int64)
        ends = m.cptr[cidx + 1].astype(np.int64)
        counts = ends - starts
        if counts.sum() == 0:
            return empty, empty, empty, {}
        rep = np.repeat(np.arange(len(positions)), counts)
        offsets = np.cumsum(counts) - counts
        flat = np.arange(int(counts.sum())) - np.repeat(offsets - starts, counts)
        cand = m.cids[flat].astype(np.int64)
        kind = m.ckind[flat].astype(np.int64)
        cwin = win[rep].copy()
        cwin[:, 3] = cand
        cand_lm = _local_lm(m, cwin)
        orig = ids[positions]
        base_seg, cand_seg = m.segment_scores(win, cand, rep)
        feats = {
            "lm": cand_lm - base_lm[rep],
            "general": m.general[cand] - m.general[orig[rep]],
            "seg": cand_seg - base_seg[rep],
            "uni": m.unigram(cand) - m.unigram(orig[rep]),
            "context": base_lm[rep],
        }
        return positions[rep], cand, kind, feats

    def gains(
        self, kind: npt.NDArray[np.int64], feats: dict[str, npt.NDArray[np.float64]]
    ) -> npt.NDArray[np.float64]:
        penalty = np.array([KIND_PENALTY.get(k, 2.0) for k in range(4)])[kind]
        return (
            W_LM * feats["lm"]
            + W_SEGMENT * feats["seg"]
            - W_UNIGRAM * feats["uni"]
            + W_GENERAL * feats["general"]
            - penalty
        )

    def findings(self, text: str) -> list[Finding]:
        """The suspicions as engine findings (typo, info: a statistical guess never blocks)."""
        return [
            Finding(TYPO, INFO, s.start, s.end, s.char, s.suggestion, RULE, s.reason)
            for s in self.find(text)
        ]

    def find(self, text: str, threshold: float = THRESHOLD) -> list[Suspicion]:
        """Suspicious characters of ``text``, in order; none for a traditional text."""
        started = time.perf_counter()
        try:
            if is_traditional(text):
                return []
            out: list[Suspicion] = []
            # Chunks bound the memory of the (candidates x window) arrays on big
            # inputs; each chunk sees CONTEXT characters of its neighbours.
            for begin in range(0, len(text), CHUNK):
                lo = max(0, begin - CONTEXT)
                piece = text[lo : begin + CHUNK + CONTEXT]
                for s in self._find(piece, threshold):
                    if begin <= s.start + lo < begin + CHUNK:
                        out.append(replace(s, start=s.start + lo))
            return out
        finally:
            self.last_seconds = time.perf_counter() - started

    def _find(self, text: str, threshold: float) -> list[Suspicion]:
        pos, cand, kind, feats = self.features(text)
        if len(pos) == 0:
            return []
        gain = self.gains(kind, feats)
        ok = gain > threshold
        best: dict[int, tuple[float, int, int]] = {}
        for p, c, k, g in zip(pos[ok], cand[ok], kind[ok], gain[ok], strict=True):
            p = int(p)
            if p not in best or g > best[p][0]:
                best[p] = (float(g), int(c), int(k))
        out = []
        for p, (g, c, k) in sorted(best.items()):
            suggestion = self.model.char(c)
            if _t2s.convert(text[p]) == suggestion:
                continue  # a traditional form, not a typo
            out.append(Suspicion(p, text[p], suggestion, g, k if k else SIMILAR_SHAPE))
        return out
