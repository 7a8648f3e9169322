"""The transformers format of the sentiment plug-in, with a tiny model directory written here.

torch and transformers are not dependencies of govmedia and are not installed
for the tests, and no model may be downloaded. So the directory is written by
hand with numpy, in the layout ``save_pretrained`` leaves for a BERT
sequence classifier: ``config.json``, ``model.safetensors`` (the safetensors
format: an 8-byte little-endian header length, a JSON header naming each
tensor's dtype, shape and byte range, then the raw little-endian data),
``vocab.txt`` and ``tokenizer_config.json``. Its encoder is random; its
classifier's weights are zero and its bias favours LABEL_2, so any correct
loader answers LABEL_2 for every text.

- ``test_the_plugin_hands_the_directory_to_transformers_offline`` runs always:
  a stand-in ``transformers`` package (a file in a temporary directory put
  first on ``sys.path``) takes the place of the real one. It checks what the
  plug-in asks of it (the text-classification task, the directory, local
  files only, HF_HUB_OFFLINE, truncation), reads the directory's config and
  safetensors header with the standard library and checks every tensor BERT
  needs is there with its shape, and answers with the classifier's bias. This
  tests our side: the call, the label mapping, the pipeline using the answer.
- ``test_real_transformers_loads_the_tiny_directory`` loads the same
  directory with the real transformers and torch; it is skipped when they
  are not installed, which is the case here and in CI: loading by the real
  library is therefore **not** tested by this suite (docs/opinion.md, "Not
  done").
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from govmedia.opinion.pipeline import Config, Pipeline
from govmedia.opinion.posts import Post
from govmedia.opinion.sentiment import Sentiment
from govmedia.opinion.tests.test_sentiment_plugin import COMPLAINT, PRAISE, QUESTION, T0

HIDDEN, LAYERS, HEADS, INTERMEDIATE, POSITIONS = 8, 1, 2, 16, 64
ID2LABEL = {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}
MANIFEST_LABELS = {"LABEL_0": "negative", "LABEL_1": "neutral", "LABEL_2": "positive"}
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _tensors(vocab: int) -> dict[str, np.ndarray]:
    """BertForSequenceClassification's parameters, by the names save_pretrained writes."""
    rng = np.random.default_rng(0)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    t = {
        "bert.embeddings.word_embeddings.weight": rand(vocab, HIDDEN),
        "bert.embeddings.position_embeddings.weight": rand(POSITIONS, HIDDEN),
        "bert.embeddings.token_type_embeddings.weight": rand(2, HIDDEN),
        "bert.embeddings.LayerNorm.weight": np.ones(HIDDEN, np.float32),
        "bert.embeddings.LayerNorm.bias": np.zeros(HIDDEN, np.float32),
        "bert.pooler.dense.weight": rand(HIDDEN, HIDDEN),
        "bert.pooler.dense.bias": np.zeros(HIDDEN, np.float32),
        # Zero weights and a bias for LABEL_2: the answer does not depend on the encoder.
        "classifier.weight": np.zeros((3, HIDDEN), np.float32),
        "classifier.bias": np.array([-4.0, -4.0, 4.0], np.float32),
    }
    for n in range(LAYERS):
        layer = f"bert.encoder.layer.{n}."
        for name in ("query", "key", "value"):
            t[f"{layer}attention.self.{name}.weight"] = rand(HIDDEN, HIDDEN)
            t[f"{layer}attention.self.{name}.bias"] = np.zeros(HIDDEN, np.float32)
        t[f"{layer}attention.output.dense.weight"] = rand(HIDDEN, HIDDEN)
        t[f"{layer}attention.output.dense.bias"] = np.zeros(HIDDEN, np.float32)
        t[f"{layer}intermediate.dense.weight"] = rand(INTERMEDIATE, HIDDEN)
        t[f"{layer}intermediate.dense.bias"] = np.zeros(INTERMEDIATE, np.float32)
        t[f"{layer}output.dense.weight"] = rand(HIDDEN, INTERMEDIATE)
        t[f"{layer}output.dense.bias"] = np.zeros(HIDDEN, np.float32)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            t[f"{layer}{norm}.weight"] = np.ones(HIDDEN, np.float32)
            t[f"{layer}{norm}.bias"] = np.zeros(HIDDEN, np.float32)
    return t


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """The safetensors layout, written with numpy and the standard library."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset, blobs = 0, []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # padded with spaces, so the data starts aligned
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors_header(path: Path) -> dict:
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + size])


def tiny_bert(directory: Path, manifest: bool = True) -> Path:
    """A tiny BERT sequence classifier directory, as save_pretrained would leave it."""
    directory.mkdir(parents=True, exist_ok=True)
    chars = sorted(set(PRAISE + COMPLAINT + QUESTION + "感谢工作人员及时处理投诉多次无人处理"))
    vocab = SPECIAL + chars
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "BertTokenizer", "do_lower_case": True}), encoding="utf-8"
    )
    (directory / "special_tokens_map.json").write_text(
        json.dumps(
            {
                "unk_token": "[UNK]",
                "sep_token": "[SEP]",
                "pad_token": "[PAD]",
                "cls_token": "[CLS]",
                "mask_token": "[MASK]",
            }
        ),
        encoding="utf-8",
    )
    config = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": len(vocab),
        "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": INTERMEDIATE,
        "max_position_embeddings": POSITIONS,
        "type_vocab_size": 2,
        "hidden_act": "gelu",
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "id2label": ID2LABEL,
        "label2id": {v: int(k) for k, v in ID2LABEL.items()},
    }
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    write_safetensors(directory / "model.safetensors", _tensors(len(vocab)))
    if manifest:
        (directory / "manifest.json").write_text(
            json.dumps({"format": "transformers", "labels": MANIFEST_LABELS}), encoding="utf-8"
        )
    return directory


# The stand-in for the transformers package: only what the plug-in calls.
STAND_IN = """
import json, math, os, struct
from pathlib import Path

calls = []

BERT = {
    "bert.embeddings.word_embeddings.weight": ("vocab_size", "hidden_size"),
    "bert.embeddings.position_embeddings.weight": ("max_position_embeddings", "hidden_size"),
    "bert.embeddings.token_type_embeddings.weight": ("type_vocab_size", "hidden_size"),
    "classifier.weight": ("labels", "hidden_size"),
    "classifier.bias": ("labels",),
}


def pipeline(task, model, local_files_only=False, **kwargs):
    calls.append({"task": task, "model": model, "local_files_only": local_files_only,
                  "offline": os.environ.get("HF_HUB_OFFLINE")})
    path = Path(model)
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    raw = (path / "model.safetensors").read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    sizes = dict(config, labels=len(config["id2label"]))
    for name, dims in BERT.items():
        assert header[name]["shape"] == [sizes[d] for d in dims], name
    for n in range(config["num_hidden_layers"]):
        assert f"bert.encoder.layer.{n}.attention.self.query.weight" in header
    begin, end = header["classifier.bias"]["data_offsets"]
    data = raw[8 + size + begin:8 + size + end]
    bias = struct.unpack("<" + "f" * (len(data) // 4), data)
    best = max(range(len(bias)), key=bias.__getitem__)
    total = sum(math.exp(b) for b in bias)
    vocab = (path / "vocab.txt").read_text(encoding="utf-8").split()

    def classify(texts, truncation=False):
        calls.append({"texts": list(texts), "truncation": truncation})
        assert all(isinstance(t, str) for t in texts) and vocab
        return [{"label": config["id2label"][str(best)], "score": math.exp(bias[best]) / total}
                for _ in texts]

    return classify
"""


@pytest.fixture
def stand_in(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    if importlib.util.find_spec("transformers") is not None:
        pytest.skip("the real transformers is installed here: see the test that uses it")
    site = tmp_path / "site"
    (site / "transformers").mkdir(parents=True)
    (site / "transformers" / "__init__.py").write_text(STAND_IN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "transformers", raising=False)
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        # Set, then removed: monkeypatch restores the variable as it was after the test
        # (the plug-in sets both).
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    yield
    sys.modules.pop("transformers", None)


def test_the_directory_is_in_the_safetensors_layout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    directory = tiny_bert(tmp_path / "bert")
    raw = (directory / "model.safetensors").read_bytes()
    header = read_safetensors_header(directory / "model.safetensors")
    (size,) = struct.unpack("<Q", raw[:8])
    assert size % 8 == 0
    ends = sorted(v["data_offsets"] for k, v in header.items() if k != "__metadata__")
    # Contiguous byte ranges from 0 to the end of the file, no gaps, no overlaps.
    assert ends[0][0] == 0 and all(a[1] == b[0] for a, b in zip(ends, ends[1:], strict=False))
    assert 8 + size + ends[-1][1] == len(raw)
    begin, end = header["classifier.bias"]["data_offsets"]
    bias = np.frombuffer(raw[8 + size + begin : 8 + size + end], dtype="<f4")
    assert bias.tolist() == [-4.0, -4.0, 4.0]


def test_the_plugin_hands_the_directory_to_transformers_offline(tmp_path, stand_in) -> None:  # type: ignore[no-untyped-def]
    directory = tiny_bert(tmp_path / "bert")
    sentiment = Sentiment(str(directory))
    assert sentiment.plugin is not None
    import transformers  # the stand-in

    first = transformers.calls[0]
    assert first == {
        "task": "text-classification",
        "model": str(directory),
        "local_files_only": True,
        "offline": "1",
    }
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    scored = sentiment.score([PRAISE, COMPLAINT])
    assert [label for label, _s in scored] == ["positive", "positive"]
    assert all(0.99 < s <= 1.0 for _l, s in scored)
    assert transformers.calls[-1]["truncation"] is True
    # Through the pipeline: every post scored by the plugged-in model (LABEL_2 → positive).
    out = Pipeline(Config(sentiment_model_dir=str(directory))).process(
        [
            Post(key=k, source="weibo", text=t, at=T0)
            for k, t in zip("abc", (PRAISE, COMPLAINT, QUESTION), strict=True)
        ]
    )
    assert [o.sentiment for o in out] == ["positive", "positive", "positive"]


def test_without_a_manifest_the_models_own_label_names_must_be_known(
    tmp_path, stand_in, caplog
) -> None:  # type: ignore[no-untyped-def]
    # config.json alone selects the format; LABEL_2 means nothing without the manifest's map.
    directory = tiny_bert(tmp_path / "bert", manifest=False)
    sentiment = Sentiment(str(directory))
    assert sentiment.plugin is None
    assert "unknown label 'LABEL_2'" in caplog.text


def test_real_transformers_loads_the_tiny_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    directory = tiny_bert(tmp_path / "bert")
    scored = Sentiment(str(directory)).score([PRAISE, COMPLAINT, QUESTION])
    assert [label for label, _s in scored] == ["positive"] * 3
