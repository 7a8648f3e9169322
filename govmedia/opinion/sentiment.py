"""Sentiment of a post: a lexicon written by us plus a small hashed n-gram softmax model (numpy).

The model is trained by ``python -m govmedia.opinion.sentiment train`` on the
labelled sentences of ``synthetic.sentiment_training_set`` and stored as
``sentiment_model.npz`` beside this file; its held-out accuracy is printed by
``python -m govmedia.opinion.evaluate``. Without the file the lexicon alone
decides. A local transformer model may be plugged in through
``Config.sentiment_model_dir`` (``load_transformer``): it is loaded from that
directory only and never downloaded.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import ahocorasick_rs
import numpy as np

LABELS = ("negative", "neutral", "positive")
MODEL_PATH = Path(__file__).with_name("sentiment_model.npz")
DIM = 1 << 16

NEGATIVE_WORDS = (
    "愤怒 气愤 不满 失望 投诉 举报 太差 糟糕 垃圾 骗 黑心 恐慌 害怕 担心 担忧 危险 "
    "事故 伤亡 死亡 受伤 爆炸 泄漏 中毒 停水 停电 拥堵 堵死 没人管 不作为 推诿 敷衍 "
    "隐瞒 掩盖 欺骗 谣言 混乱 痛心 崩溃 无语 离谱 可恶 难受 臭 污染 拖欠 乱收费 "
    "凭什么 怎么回事 还不 一直没 至今没 到底 质疑 恶劣 暴力 冲突 霸凌 体罚 食物中毒"
).split()
POSITIVE_WORDS = (
    "点赞 感谢 谢谢 满意 及时 高效 辛苦 暖心 给力 好评 放心 安心 赞 支持 专业 "
    "负责 迅速 恢复 解决 已修复 顺利 平安 感动 温暖 优秀 贴心 有序 透明 公开 "
    "辟谣 澄清 真相 值得 希望 加油 致敬 英雄"
).split()
NEGATORS = ("不", "没", "没有", "未", "别", "无")


_LEXICON = {**{w: -1.0 for w in NEGATIVE_WORDS}, **{w: 1.0 for w in POSITIVE_WORDS}}
_PATTERNS = list(_LEXICON)
# One Aho-Corasick pass over the text instead of one ``find`` per word (a third of a
# post's sentiment time went to the finds).
_AUTOMATON = ahocorasick_rs.AhoCorasick(
    _PATTERNS, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
)


def lexicon_score(text: str) -> float:
    """-1 … 1 from the word lists; a negator right before a word (of two characters or more) flips it."""
    score = 0.0
    for index, start, _end in _AUTOMATON.find_matches_as_indexes(text):
        word = _PATTERNS[index]
        sign = _LEXICON[word]
        before = text[max(0, start - 2) : start]
        flipped = len(word) > 1 and any(before.endswith(n) for n in NEGATORS)
        score += -sign if flipped else sign
    return float(np.tanh(score / 2.0))


def features(texts: list[str]) -> list[np.ndarray]:
    """Hashed character unigrams, bigrams and trigrams of each text (indices into ``DIM``)."""
    out = []
    for text in texts:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if codes.size == 0:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        with np.errstate(over="ignore"):
            uni = codes * np.uint64(0x9E3779B1)
            bi = uni[:-1] * np.uint64(31) ^ codes[1:] * np.uint64(0x85EBCA77)
            tri = bi[:-1] * np.uint64(37) ^ codes[2:] * np.uint64(0xC2B2AE3D)
            allh = np.concatenate((uni, bi + np.uint64(1), tri + np.uint64(2)))
            allh ^= allh >> np.uint64(17)
        out.append((allh % np.uint64(DIM)).astype(np.int64))
    return out


def batch_features(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``features`` of all texts end to end (same values, same order) and the count per text.

    One pass over the batch's code points joined together instead of a dozen
    numpy calls per text (those were most of the sentiment step's time); an
    n-gram that would straddle two texts is computed and never gathered.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = codes.size
    with np.errstate(over="ignore"):
        uni = codes * np.uint64(0x9E3779B1)
        bi = uni[:-1] * np.uint64(31) ^ codes[1:] * np.uint64(0x85EBCA77)
        tri = bi[:-1] * np.uint64(37) ^ codes[2:] * np.uint64(0xC2B2AE3D)
        source = np.concatenate((uni, bi + np.uint64(1), tri + np.uint64(2)))
    starts = np.cumsum(lengths) - lengths
    # Per text three runs: its unigrams, bigrams, trigrams (as ``features`` orders them).
    run_start = np.stack((starts, n + starts, 2 * n - 1 + starts), axis=1).ravel()
    run_len = np.stack(
        (lengths, np.maximum(lengths - 1, 0), np.maximum(lengths - 2, 0)), axis=1
    ).ravel()
    total = int(run_len.sum())
    within = np.arange(total) - np.repeat(np.cumsum(run_len) - run_len, run_len)
    picked = source[np.repeat(run_start, run_len) + within]
    with np.errstate(over="ignore"):
        picked ^= picked >> np.uint64(17)
    return (picked % np.uint64(DIM)).astype(np.int64), run_len.reshape(-1, 3).sum(axis=1)


class LinearModel:
    """Softmax regression over hashed n-grams, bag-of-features normalised by length."""

    def __init__(self, weights: np.ndarray | None = None, bias: np.ndarray | None = None) -> None:
        self.weights = weights if weights is not None else np.zeros((DIM, len(LABELS)), np.float32)
        self.bias = bias if bias is not None else np.zeros(len(LABELS), np.float32)

    def _logits(self, feats: list[np.ndarray]) -> np.ndarray:
        logits = np.tile(self.bias, (len(feats), 1)).astype(np.float64)
        for i, f in enumerate(feats):
            if f.size:
                logits[i] += self.weights[f].sum(axis=0) / np.sqrt(f.size)
        return logits

    def _batch_logits(self, texts: list[str]) -> np.ndarray:
        """``_logits(features(texts))`` with one gather and one ``reduceat`` for the batch."""
        logits = np.tile(self.bias, (len(texts), 1)).astype(np.float64)
        feats, counts = batch_features(texts)
        nonempty = np.flatnonzero(counts)
        if nonempty.size:
            starts = (np.cumsum(counts) - counts)[nonempty]
            sums = np.add.reduceat(self.weights[feats], starts, axis=0)
            logits[nonempty] += sums.astype(np.float64) / np.sqrt(counts[nonempty])[:, None]
        return logits

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        logits = self._batch_logits(texts)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def fit(self, texts: list[str], labels: list[str], epochs: int = 30, lr: float = 0.5) -> None:
        feats = features(texts)
        y = np.array([LABELS.index(label) for label in labels])
        rng = np.random.default_rng(7)
        for _ in range(epochs):
            for i in rng.permutation(len(feats)):
                f = feats[i]
                if not f.size:
                    continue
                logit = self.bias + self.weights[f].sum(axis=0) / np.sqrt(f.size)
                p = np.exp(logit - logit.max())
                p /= p.sum()
                p[y[i]] -= 1.0
                np.add.at(self.weights, f, (-lr * p / np.sqrt(f.size)).astype(np.float32))
                self.bias -= (lr * 0.1 * p).astype(np.float32)

    def save(self, path: Path = MODEL_PATH) -> None:
        nz = np.flatnonzero(np.abs(self.weights).sum(axis=1))
        np.savez_compressed(path, rows=nz, weights=self.weights[nz], bias=self.bias)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearModel | None:
        if not path.exists():
            return None
        data = np.load(path)
        weights = np.zeros((DIM, len(LABELS)), np.float32)
        weights[data["rows"]] = data["weights"]
        return cls(weights, data["bias"])


class Sentiment:
    """Lexicon plus the linear model (or a plugged-in local transformer)."""

    def __init__(self, model_dir: str = "", model_path: Path = MODEL_PATH) -> None:
        self.model = LinearModel.load(model_path)
        self.transformer = load_transformer(model_dir) if model_dir else None

    def score(self, texts: list[str]) -> list[tuple[str, float]]:
        """(label, score in -1 … 1) per text."""
        if self.transformer is not None:
            return [tuple(x) for x in self.transformer(texts)]
        lex = np.array([lexicon_score(t) for t in texts])
        if self.model is not None and texts:
            p = self.model.predict_proba(texts)
            model_score = p[:, 2] - p[:, 0]
            combined = 0.5 * model_score + 0.5 * lex
        else:
            combined = lex
        out = []
        for text, s in zip(texts, combined, strict=True):
            if not text:
                out.append(("neutral", 0.0))
            elif s <= -0.2:
                out.append(("negative", float(s)))
            elif s >= 0.2:
                out.append(("positive", float(s)))
            else:
                out.append(("neutral", float(s)))
        return out


def load_transformer(model_dir: str) -> Any:
    """A text-classification callable from a local directory (transformers, offline only).

    The directory must hold a model whose labels include negative/neutral/positive;
    nothing is fetched from the network (``local_files_only``).
    """
    path = Path(model_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"sentiment model directory not found: {model_dir}")
    from transformers import pipeline

    classify = pipeline("text-classification", model=str(path), local_files_only=True)

    def run(texts: list[str]) -> list[tuple[str, float]]:
        results = []
        for r in classify(texts, truncation=True):
            label = str(r["label"]).lower()
            sign = -1.0 if "neg" in label else 1.0 if "pos" in label else 0.0
            name = "negative" if sign < 0 else "positive" if sign > 0 else "neutral"
            results.append((name, sign * float(r["score"])))
        return results

    return run


def train() -> None:
    from govmedia.opinion.synthetic import sentiment_training_set

    texts, labels = sentiment_training_set()
    model = LinearModel()
    model.fit(texts, labels)
    model.save()
    print(f"trained on {len(texts)} sentences → {MODEL_PATH}")


if __name__ == "__main__":
    if sys.argv[1:] == ["train"]:
        train()
    else:
        print("usage: python -m govmedia.opinion.sentiment train")
