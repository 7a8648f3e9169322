"""A sentiment model plugged in from a local directory: used when it works, the built-in model otherwise.

Each test writes its own tiny model directory; nothing is downloaded and no
heavy package is needed.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govmedia.opinion.pipeline import Config, Pipeline
from govmedia.opinion.posts import Post
from govmedia.opinion.sentiment import LinearModel, Sentiment

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
PRAISE = "工作人员处理得非常及时，感谢，点赞"
COMPLAINT = "投诉了三次还是没人管，太让人失望了"
QUESTION = "请问办证需要带什么材料"


def _post(key: str, text: str) -> Post:
    return Post(key=key, source="weibo", text=text, at=T0)


def _sentiments(model_dir: Path | str) -> list[str]:
    out = Pipeline(Config(sentiment_model_dir=str(model_dir))).process(
        [_post("a", PRAISE), _post("b", COMPLAINT), _post("c", QUESTION)]
    )
    return [o.sentiment for o in out]


BUILT_IN = ["positive", "negative", "neutral"]


def _write(directory: Path, manifest: dict | str, **files: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (directory / "manifest.json").write_text(text, encoding="utf-8")
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8")
    return directory


# A contrarian "model": it calls praise negative and complaints positive, so its use is visible.
CONTRARIAN = """
def classify(texts):
    out = []
    for text in texts:
        if "感谢" in text:
            out.append({"label": "LABEL_0", "score": 0.9})
        elif "投诉" in text:
            out.append({"label": "LABEL_2", "score": 0.8})
        else:
            out.append({"label": "LABEL_1", "score": 0.6})
    return out
"""
LABELS = {"LABEL_0": "negative", "LABEL_1": "neutral", "LABEL_2": "positive"}


def test_a_python_callable_named_by_the_manifest_decides(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = _write(
        tmp_path / "contrarian",
        {"format": "python", "callable": "model.py:classify", "labels": LABELS},
        **{"model.py": CONTRARIAN},
    )
    assert _sentiments(model) == ["negative", "positive", "neutral"]
    scored = Sentiment(str(model)).score([PRAISE, COMPLAINT])
    assert scored == [("negative", -0.9), ("positive", 0.8)]


def test_our_linear_format_trained_elsewhere_is_loaded_from_the_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A model trained (here, on purpose, with the labels swapped) and saved in our own format.
    model = LinearModel()
    model.fit(
        [PRAISE, "感谢你们及时处理", COMPLAINT, "投诉没人管太失望", QUESTION, "请问几点开门"],
        ["negative", "negative", "positive", "positive", "neutral", "neutral"],
        epochs=40,
    )
    directory = tmp_path / "linear"
    directory.mkdir()
    model.save(directory / "model.npz")
    _write(directory, {"format": "linear", "weights": "model.npz", "lexicon_weight": 0.0})
    assert _sentiments(directory) == ["negative", "positive", "neutral"]


def _fallback_log(caplog) -> str:  # type: ignore[no-untyped-def]
    return " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


@pytest.mark.skipif(
    importlib.util.find_spec("transformers") is not None,
    reason="transformers is installed here: the refusal is for installations without it",
)
def test_a_transformers_model_without_transformers_installed_falls_back(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "bert"
    directory.mkdir()
    # What save_pretrained leaves: a config.json (no manifest needed for this format).
    (directory / "config.json").write_text('{"architectures": ["BertForSequenceClassification"]}')
    with caplog.at_level(logging.ERROR, logger="govmedia.opinion.sentiment"):
        assert _sentiments(directory) == BUILT_IN
    message = _fallback_log(caplog)
    assert "'transformers' package is not installed" in message
    assert "falling back to the built-in lexicon and linear model" in message


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (None, "sentiment model directory not found"),
        ({}, "no manifest.json"),
        ({"manifest.json": "{not json"}, "not readable JSON"),
        ({"manifest.json": '{"format": "onnx"}'}, "unknown format 'onnx'"),
        (
            {"manifest.json": '{"format": "python", "callable": "../evil.py:run"}'},
            "is not a file directly inside",
        ),
        (
            {"manifest.json": '{"format": "python", "callable": "m.py:nope"}', "m.py": "x = 1"},
            "has no function 'nope'",
        ),
        (
            {
                "manifest.json": '{"format": "python", "callable": "m.py:f"}',
                "m.py": "def f(texts):\n    return ['positive']\n",
            },
            "expected a list of 2 results, got 1",
        ),
        (
            {
                "manifest.json": '{"format": "python", "callable": "m.py:f"}',
                "m.py": "def f(texts):\n    return [('angry', 1.0) for t in texts]\n",
            },
            "unknown label 'angry'",
        ),
        ({"manifest.json": '{"format": "linear"}'}, "weights file 'model.npz' not found"),
    ],
)
def test_an_unusable_directory_is_refused_in_the_log_and_the_built_in_model_scores(
    tmp_path, caplog, files, reason
) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "model"
    if files is not None:
        directory.mkdir()
        for name, content in files.items():
            (directory / name).write_text(content, encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="govmedia.opinion.sentiment"):
        assert _sentiments(directory) == BUILT_IN
    message = _fallback_log(caplog)
    assert reason in message and "falling back" in message


def test_a_plugin_that_fails_on_a_batch_does_not_stop_the_pipeline(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    model = _write(
        tmp_path / "flaky",
        {"format": "python", "callable": "model.py:classify"},
        **{
            "model.py": (
                "def classify(texts):\n"
                "    if len(texts) > 2:\n"
                "        raise RuntimeError('out of memory')\n"
                "    return [('neutral', 0.5) for t in texts]\n"
            )
        },
    )
    with caplog.at_level(logging.ERROR, logger="govmedia.opinion.sentiment"):
        assert _sentiments(model) == BUILT_IN
    assert "failed on 3 texts (RuntimeError: out of memory)" in _fallback_log(caplog)


@pytest.mark.django_db
def test_the_system_check_names_an_unusable_directory(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    settings.GOVMEDIA_OPINION_SENTIMENT_MODEL_DIR = str(tmp_path / "absent")
    from io import StringIO

    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "govmedia.W131" in err.getvalue() and "sentiment model directory not found" in (
        err.getvalue()
    )
    model = _write(
        tmp_path / "ok",
        {"format": "python", "callable": "model.py:classify", "labels": LABELS},
        **{"model.py": CONTRARIAN},
    )
    settings.GOVMEDIA_OPINION_SENTIMENT_MODEL_DIR = str(model)
    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "govmedia.W131" not in err.getvalue()
