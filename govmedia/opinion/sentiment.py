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

import importlib.util
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ahocorasick_rs
import numpy as np

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

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        logits = self._logits(features(texts))
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


def _combine(texts: list[str], model: LinearModel | None, lexicon_weight: float = 0.5):
    """The built-in scoring: the model's P(positive) − P(negative) mixed with the lexicon."""
    lex = np.array([lexicon_score(t) for t in texts])
    if model is not None and texts:
        p = model.predict_proba(texts)
        combined = (1.0 - lexicon_weight) * (p[:, 2] - p[:, 0]) + lexicon_weight * lex
    else:
        combined = lex
    out: list[tuple[str, float]] = []
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
    lexicon_weight = float(manifest.get("lexicon_weight", 0.5))
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
