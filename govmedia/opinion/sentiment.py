"""Sentiment of a post: a lexicon written by us plus a small hashed n-gram softmax model (numpy).

The model is trained by ``python -m govmedia.opinion.sentiment train`` on the
labelled sentences of ``synthetic.sentiment_training_set`` and stored as
``sentiment_model.npz`` beside this file; its held-out accuracy is printed by
``python -m govmedia.opinion.evaluate``. Without the file the lexicon alone
decides. Another model may be plugged in from a local directory through
``Config.sentiment_model_dir`` (``load_plugin``: a manifest naming a Python
callable, our own linear format, or a transformers model); it is loaded from
that directory only and never downloaded, and when it cannot be used the
built-in scoring goes on, with the reason logged.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ahocorasick_rs
import numpy as np
import rjieba

logger = logging.getLogger(__name__)

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


def _char_ngrams(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashed character unigrams, bigrams and trigrams of a batch: (row, index into ``DIM``).

    The texts are read as one array of code points; an n-gram is kept when its characters
    belong to one text, so the batch is hashed in a few numpy calls, not one set per text.
    """
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    if codes.size == 0:
        return row, np.zeros(0, dtype=np.int64)
    with np.errstate(over="ignore"):
        uni = codes * np.uint64(0x9E3779B1)
        bi = uni[:-1] * np.uint64(31) ^ codes[1:] * np.uint64(0x85EBCA77)
        tri = bi[:-1] * np.uint64(37) ^ codes[2:] * np.uint64(0xC2B2AE3D)
        keep_bi = row[:-1] == row[1:]
        keep_tri = row[:-2] == row[2:]
        allh = np.concatenate((uni, bi[keep_bi] + np.uint64(1), tri[keep_tri] + np.uint64(2)))
        allh ^= allh >> np.uint64(17)
    rows = np.concatenate((row, row[:-1][keep_bi], row[:-2][keep_tri]))
    return rows, (allh % np.uint64(DIM)).astype(np.int64)


_PUNCTUATION = set("，。！？、；：,.!?;:…～~（）()【】“”\"' \n")
NEGATION_SCOPE = 3  # words after a negator that are read as negated


@functools.lru_cache(maxsize=1 << 16)
def _word_hash(key: str) -> int:
    return zlib.crc32(key.encode()) % DIM


_NEGATOR_SET = frozenset(NEGATORS)


def _word_features(text: str) -> list[int]:
    """Hashed segmented words; a word up to three words after a negator is a different feature."""
    out = []
    scope = 0
    for word in rjieba.cut(text):
        if not word or word in _PUNCTUATION or word.isspace():
            scope = 0
        elif word in _NEGATOR_SET:
            scope = NEGATION_SCOPE
            out.append(_word_hash("w:" + word))
        elif scope:
            scope -= 1
            out.append(_word_hash("n:" + word))
        else:
            out.append(_word_hash("w:" + word))
    return out


def lexicon_counts(text: str) -> tuple[float, float, float]:
    """Positive and negative lexicon hits (a negated word counts for the other side), and the score."""
    pos = neg = 0.0
    for index, start, _end in _AUTOMATON.find_matches_as_indexes(text):
        word = _PATTERNS[index]
        sign = _LEXICON[word]
        before = text[max(0, start - 2) : start]
        if len(word) > 1 and any(before.endswith(n) for n in NEGATORS):
            sign = -sign
        if sign > 0:
            pos += 1
        else:
            neg += 1
    return pos, neg, float(np.tanh((pos - neg) / 2.0))


N_DENSE = 3  # lexicon features after the hashed ones: positive hits, negative hits, score


def features(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A batch as one sparse matrix without scipy: (row, feature index, value), sorted by row.

    Per text: hashed character n-grams and hashed words, each group scaled to unit length,
    then the lexicon's positive and negative hits and its score as three dense features.
    """
    char_rows, char_idx = _char_ngrams(texts)
    word_rows: list[int] = []
    word_idx: list[int] = []
    dense = np.zeros((len(texts), N_DENSE))
    for r, text in enumerate(texts):
        words = _word_features(text)
        word_rows.extend([r] * len(words))
        word_idx.extend(words)
        pos, neg, score = lexicon_counts(text)
        dense[r] = (min(pos, 3.0) / 3.0, min(neg, 3.0) / 3.0, score)
    w_rows = np.array(word_rows, dtype=np.int64)
    w_idx = np.array(word_idx, dtype=np.int64)
    n = len(texts)
    char_scale = 1.0 / np.sqrt(np.maximum(np.bincount(char_rows, minlength=n), 1))
    word_scale = 1.0 / np.sqrt(np.maximum(np.bincount(w_rows, minlength=n), 1))
    d_rows = np.repeat(np.arange(n, dtype=np.int64), N_DENSE)
    rows = np.concatenate((char_rows, w_rows, d_rows))
    idx = np.concatenate((char_idx, w_idx, np.tile(DIM + np.arange(N_DENSE), n)))
    vals = np.concatenate((char_scale[char_rows], word_scale[w_rows], dense.ravel()))
    order = np.argsort(rows, kind="stable")
    return rows[order], idx[order], vals[order]


def _row_sums(rows: np.ndarray, contributions: np.ndarray, n: int) -> np.ndarray:
    """Σ of `contributions` per row (rows sorted), as an (n, k) array."""
    out = np.zeros((n, contributions.shape[1]))
    if rows.size:
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] = np.add.reduceat(contributions, starts)
    return out


class LinearModel:
    """Softmax regression with L2 regularisation over hashed character n-grams, segmented words
    (negation-marked) and lexicon features; full-batch training with Adam."""

    def __init__(
        self,
        weights: np.ndarray | None = None,
        bias: np.ndarray | None = None,
        l2: float = 1e-3,
        lexicon_weight: float = 0.5,
        threshold: float = 0.2,
    ) -> None:
        width = DIM + N_DENSE
        self.weights = (
            weights if weights is not None else np.zeros((width, len(LABELS)), np.float32)
        )
        self.bias = bias if bias is not None else np.zeros(len(LABELS), np.float32)
        self.l2 = l2
        # How the app mixes the model with the lexicon and where it draws the labels; chosen by
        # cross-validation on the training set (`select`), stored with the weights.
        self.lexicon_weight = lexicon_weight
        self.threshold = threshold

    def _logits(self, batch: tuple[np.ndarray, np.ndarray, np.ndarray], n: int) -> np.ndarray:
        rows, idx, vals = batch
        return _row_sums(rows, self.weights[idx] * vals[:, None], n) + self.bias

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(LABELS)))
        logits = self._logits(features(texts), len(texts))
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def fit(self, texts: list[str], labels: list[str], epochs: int = 300, lr: float = 0.05) -> None:
        """Minimise the mean cross-entropy + l2 · |W|² by full-batch Adam for `epochs` steps."""
        n = len(texts)
        rows, idx, vals = features(texts)
        y = np.zeros((n, len(LABELS)))
        y[np.arange(n), [LABELS.index(label) for label in labels]] = 1.0
        used, local = np.unique(idx, return_inverse=True)
        # Sums by row (X·W) and by feature (Xᵀ·G) as np.add.reduceat over sorted runs: a sparse
        # matrix product without scipy (np.add.at was ten times slower).
        row_starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        row_ids = rows[row_starts]
        order = np.argsort(local, kind="stable")
        feat_starts = np.flatnonzero(np.r_[True, local[order][1:] != local[order][:-1]])
        w = np.zeros((used.size, len(LABELS)))
        b = np.zeros(len(LABELS))
        m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros(3), np.zeros(3)
        for step in range(1, epochs + 1):
            logits = np.zeros((n, len(LABELS)))
            logits[row_ids] = np.add.reduceat(w[local] * vals[:, None], row_starts)
            logits += b
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            g = (p - y) / n
            grad_w = np.add.reduceat((g[rows] * vals[:, None])[order], feat_starts)
            grad_w += 2 * self.l2 * w
            grad_b = g.sum(axis=0)
            for param, grad, m, v in ((w, grad_w, m_w, v_w), (b, grad_b, m_b, v_b)):
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad * grad
                param -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        self.weights = np.zeros((DIM + N_DENSE, len(LABELS)), np.float32)
        self.weights[used] = w
        self.bias = b.astype(np.float32)

    def save(self, path: Path = MODEL_PATH) -> None:
        nz = np.flatnonzero(np.abs(self.weights).sum(axis=1))
        np.savez_compressed(
            path,
            rows=nz,
            weights=self.weights[nz].astype(np.float16),
            bias=self.bias,
            settings=np.array([self.l2, self.lexicon_weight, self.threshold]),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearModel | None:
        if not path.exists():
            return None
        data = np.load(path)
        weights = np.zeros((DIM + N_DENSE, len(LABELS)), np.float32)
        weights[data["rows"]] = data["weights"]
        l2, lexicon_weight, threshold = data["settings"] if "settings" in data else (1e-3, 0.5, 0.2)
        return cls(weights, data["bias"], float(l2), float(lexicon_weight), float(threshold))


class PluginError(Exception):
    """A sentiment model directory that cannot be used (the reason in English)."""


MANIFEST = "manifest.json"
PLUGIN_FORMATS = ("python", "linear", "transformers")
_LABEL_NAMES = {
    "negative": "negative",
    "neg": "negative",
    "负面": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "中性": "neutral",
    "positive": "positive",
    "pos": "positive",
    "正面": "positive",
}

Scorer = Callable[[list[str]], list[tuple[str, float]]]


def _combine(
    texts: list[str],
    model: LinearModel | None,
    lexicon_weight: float | None = None,
    threshold: float | None = None,
) -> list[tuple[str, float]]:
    """The built-in scoring: the model's P(positive) − P(negative) mixed with the lexicon score,
    negative at −threshold or below, positive at +threshold or above (the model's own settings
    unless given)."""
    if model is not None and texts:
        weight = model.lexicon_weight if lexicon_weight is None else lexicon_weight
        cut = model.threshold if threshold is None else threshold
        p = model.predict_proba(texts)
        combined = (1.0 - weight) * (p[:, 2] - p[:, 0])
        if weight:
            combined += weight * np.array([lexicon_score(t) for t in texts])
    else:
        combined = np.array([lexicon_score(t) for t in texts])
        cut = 0.2 if threshold is None else threshold
    return [_label(text, float(s), cut) for text, s in zip(texts, combined, strict=True)]


def _label(text: str, score: float, cut: float) -> tuple[str, float]:
    if not text:
        return ("neutral", 0.0)
    if score <= -cut:
        return ("negative", score)
    if score >= cut:
        return ("positive", score)
    return ("neutral", score)


class Sentiment:
    """Lexicon plus the linear model, or a model plugged in from a local directory.

    A plug-in that cannot be loaded is logged (in English, at ERROR) and the
    built-in lexicon and linear model score instead; a plug-in that fails on a
    batch is logged and that batch is scored by the built-in model, so the
    worker never stops for it.
    """

    def __init__(self, model_dir: str = "", model_path: Path = MODEL_PATH) -> None:
        self.model = LinearModel.load(model_path)
        self.plugin: Scorer | None = None
        self.plugin_dir = model_dir
        if model_dir:
            try:
                self.plugin = load_plugin(model_dir)
            except PluginError as error:
                logger.error(
                    "sentiment model directory %s not used: %s; "
                    "falling back to the built-in lexicon and linear model",
                    model_dir,
                    error,
                )

    def score(self, texts: list[str]) -> list[tuple[str, float]]:
        """(label, score in -1 … 1) per text."""
        if self.plugin is not None and texts:
            try:
                return self.plugin(texts)
            except Exception as error:  # a plug-in is someone else's code: never stop the worker
                logger.error(
                    "sentiment plug-in %s failed on %d texts (%s: %s); "
                    "the built-in lexicon and linear model scored them",
                    self.plugin_dir,
                    len(texts),
                    type(error).__name__,
                    error,
                )
        return _combine(texts, self.model)


def _normalise(raw: Any, texts: list[str], names: dict[str, str]) -> list[tuple[str, float]]:
    """A plug-in's answer as (negative|neutral|positive, signed score in -1 … 1), or PluginError."""
    if not isinstance(raw, list | tuple) or len(raw) != len(texts):
        got = len(raw) if isinstance(raw, list | tuple) else type(raw).__name__
        raise PluginError(f"expected a list of {len(texts)} results, got {got}")
    out: list[tuple[str, float]] = []
    for item in raw:
        if isinstance(item, dict):
            label, value = item.get("label"), item.get("score", 1.0)
        elif isinstance(item, list | tuple) and len(item) == 2:
            label, value = item
        else:
            raise PluginError(f"a result must be (label, score) or a dict, got {item!r}")
        key = str(label)
        name = names.get(key) or _LABEL_NAMES.get(key.strip().lower())
        if name is None:
            raise PluginError(f"unknown label {label!r} (map it in the manifest's 'labels')")
        try:
            magnitude = min(abs(float(value)), 1.0)
        except (TypeError, ValueError) as error:
            raise PluginError(f"score {value!r} is not a number") from error
        signed = {"negative": -magnitude, "positive": magnitude}.get(name, 0.0)
        out.append((name, signed))
    return out


def _python_plugin(path: Path, manifest: dict) -> Callable[[list[str]], Any]:
    """``{"format": "python", "callable": "file.py:function"}``: a function in a file of the directory."""
    entry = str(manifest.get("callable", ""))
    file_name, _, function = entry.partition(":")
    if not file_name.endswith(".py") or not function:
        raise PluginError(f"'callable' must read 'file.py:function', got {entry!r}")
    source = (path / file_name).resolve()
    if source.parent != path.resolve() or not source.is_file():
        raise PluginError(f"{file_name} is not a file directly inside {path}")
    name = f"govmedia_sentiment_plugin_{abs(hash(str(source)))}"
    spec = importlib.util.spec_from_file_location(name, source)
    if spec is None or spec.loader is None:
        raise PluginError(f"cannot load {source}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise PluginError(
            f"{file_name} failed to import: {type(error).__name__}: {error}"
        ) from error
    fn = getattr(module, function, None)
    if not callable(fn):
        raise PluginError(f"{file_name} has no function {function!r}")
    return fn


def _linear_plugin(path: Path, manifest: dict) -> Callable[[list[str]], Any]:
    """``{"format": "linear", "weights": "model.npz"}``: our own model format, trained elsewhere."""
    weights = (path / str(manifest.get("weights", "model.npz"))).resolve()
    if weights.parent != path.resolve() or not weights.is_file():
        raise PluginError(
            f"weights file {manifest.get('weights', 'model.npz')!r} not found in {path}"
        )
    try:
        model = LinearModel.load(weights)
    except Exception as error:
        raise PluginError(f"cannot read {weights.name}: {type(error).__name__}: {error}") from error
    if model is None:
        raise PluginError(f"cannot read {weights.name}")
    weight = manifest.get("lexicon_weight")
    lexicon_weight = None if weight is None else float(weight)
    return lambda texts: _combine(texts, model, lexicon_weight)


def _transformers_plugin(path: Path, manifest: dict) -> Callable[[list[str]], Any]:
    """A Hugging Face text-classification model saved in the directory, loaded offline only."""
    if importlib.util.find_spec("transformers") is None:
        raise PluginError(
            "the 'transformers' package is not installed (nor, probably, torch); "
            "install both to use a transformer model - they are not dependencies of govmedia"
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from transformers import pipeline

        classify = pipeline("text-classification", model=str(path), local_files_only=True)
    except Exception as error:
        raise PluginError(
            f"transformers could not load {path}: {type(error).__name__}: {error}"
        ) from error
    return lambda texts: [(r["label"], r["score"]) for r in classify(list(texts), truncation=True)]


def load_plugin(model_dir: str) -> Scorer:
    """The scorer of a local model directory; PluginError (English) when it cannot be used.

    The directory holds ``manifest.json``::

        {"format": "python", "callable": "classify.py:classify", "labels": {"0": "negative"}}
        {"format": "linear", "weights": "model.npz", "lexicon_weight": 0.5}
        {"format": "transformers"}

    or no manifest but a ``config.json`` (a transformers model as saved by
    ``save_pretrained``). The callable receives a list of texts and returns one
    ``(label, score)`` or ``{"label", "score"}`` per text; labels are
    negative/neutral/positive (neg/neu/pos, 负面/中性/正面) or mapped by
    ``labels``; the score's size is the confidence (0 … 1), its sign follows
    the label. Nothing is ever downloaded. The plug-in is tried on two texts
    when loaded, so a wrong answer shape is refused at once.
    """
    path = Path(model_dir)
    if not path.is_dir():
        raise PluginError(f"sentiment model directory not found: {model_dir}")
    manifest_file = path / MANIFEST
    if manifest_file.is_file():
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise PluginError(f"{MANIFEST} is not readable JSON: {error}") from error
        if not isinstance(manifest, dict):
            raise PluginError(f"{MANIFEST} must hold a JSON object")
    elif (path / "config.json").is_file():
        manifest = {"format": "transformers"}
    else:
        raise PluginError(f"no {MANIFEST} (nor a transformers config.json) in {model_dir}")
    fmt = manifest.get("format")
    loaders = {
        "python": _python_plugin,
        "linear": _linear_plugin,
        "transformers": _transformers_plugin,
    }
    if fmt not in loaders:
        raise PluginError(f"unknown format {fmt!r}; use one of {', '.join(PLUGIN_FORMATS)}")
    raw_names = manifest.get("labels") or {}
    if not isinstance(raw_names, dict) or any(v not in LABELS for v in raw_names.values()):
        raise PluginError(f"'labels' must map the model's labels to {', '.join(LABELS)}")
    names = {str(k): str(v) for k, v in raw_names.items()}
    fn = loaders[fmt](path, manifest)

    def scorer(texts: list[str]) -> list[tuple[str, float]]:
        return _normalise(fn(list(texts)), texts, names)

    probe = ["感谢工作人员及时处理", "投诉多次无人处理"]
    try:
        scorer(probe)
    except PluginError:
        raise
    except Exception as error:
        raise PluginError(
            f"the model failed on a test text: {type(error).__name__}: {error}"
        ) from error
    return scorer


L2_GRID = (1e-4, 1e-3, 1e-2, 3e-2)
LEXICON_WEIGHTS = (0.0, 0.25, 0.5, 0.75)
THRESHOLDS = (0.1, 0.2, 0.3)


def cross_validate(
    texts: list[str], labels: list[str], groups: list[str], frames: list[str], folds: int = 4
) -> tuple[dict[str, float], float]:
    """Choose l2, the lexicon weight and the threshold by grouped k-fold cross-validation.

    Folds split the training set by `groups` (the opinion phrase of each sentence) and by
    `frames` (the sentence frame around it), so each fold is scored on phrases in a frame its
    model never saw, as the held-out set is. Only the training set is used. Returns the chosen settings and their cross-validated accuracy.
    """
    names = sorted(set(groups))
    fold_of = {name: i % folds for i, name in enumerate(names)}
    fold = np.array([fold_of[g] for g in groups])
    # The held-out set also uses sentence frames the model never saw: each fold keeps one frame
    # out of training too, and is scored on its phrases in that frame.
    frame_names = sorted(set(frames))
    frame_fold = np.array([frame_names.index(f) % folds for f in frames])
    y = np.array(labels)
    lex = np.array([lexicon_score(t) for t in texts])
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for l2 in L2_GRID:
        diff = np.full(len(texts), np.nan)
        for k in range(folds):
            train_rows = np.flatnonzero((fold != k) & (frame_fold != k))
            test_rows = np.flatnonzero((fold == k) & (frame_fold == k))
            model = LinearModel(l2=l2)
            model.fit([texts[i] for i in train_rows], [labels[i] for i in train_rows])
            p = model.predict_proba([texts[i] for i in test_rows])
            diff[test_rows] = p[:, 2] - p[:, 0]
        scored = ~np.isnan(diff)
        for weight in LEXICON_WEIGHTS:
            combined = ((1 - weight) * diff + weight * lex)[scored]
            for cut in THRESHOLDS:
                predicted = np.where(
                    combined <= -cut, "negative", np.where(combined >= cut, "positive", "neutral")
                )
                accuracy = float((predicted == y[scored]).mean())
                if accuracy > best[0]:
                    best = (accuracy, {"l2": l2, "lexicon_weight": weight, "threshold": cut})
    return best[1], best[0]


def train(path: Path = MODEL_PATH) -> LinearModel:
    """Cross-validate on the training set, fit on all of it with the chosen settings, save."""
    from govmedia.opinion.synthetic import sentiment_training_groups, sentiment_training_set

    texts, labels = sentiment_training_set()
    phrases, frames = sentiment_training_groups()
    chosen, accuracy = cross_validate(texts, labels, phrases, frames)
    model = LinearModel(
        l2=chosen["l2"], lexicon_weight=chosen["lexicon_weight"], threshold=chosen["threshold"]
    )
    model.fit(texts, labels)
    model.save(path)
    print(
        f"trained on {len(texts)} sentences → {path}; chosen by 4-fold cross-validation grouped "
        f"by phrase and frame on the training set: l2 {chosen['l2']:g}, lexicon weight "
        f"{chosen['lexicon_weight']:g}, threshold {chosen['threshold']:g} "
        f"(cross-validated accuracy {accuracy:.3f})"
    )
    return model


if __name__ == "__main__":
    if sys.argv[1:] == ["train"]:
        train()
    else:
        print("usage: python -m govmedia.opinion.sentiment train")
