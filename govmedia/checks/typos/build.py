"""Build the typo finder's model file from a corpus of official prose.

    python -m govmedia.checks.typos.build --corpus ../shared/corpora/laws \\
        --out govmedia/checks/data/typos/model.npz

Reads every ``*.txt`` under the corpus folder, counts character 1- to 3-grams
(``--order``), scores them with stupid backoff, prunes rare 3- and 4-grams,
adds the words and character frequencies of jieba's dictionary (shipped with
jieba) and the confusion sets (same or similar pinyin from pypinyin, similar
shape from ``shapes.py``), and writes one compressed ``.npz``. Takes about
11 s of CPU and 1 GB of memory; see docs/checks.md for the measured figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .model import (
    BOUNDARY_ID,
    FIRST_CHAR_ID,
    QUANTUM,
    SAME_SOUND,
    SIMILAR_SHAPE,
    SIMILAR_SOUND,
    class_table,
    is_cjk,
    pack,
)
from .shapes import shape_pairs

# Similar-sounding initials and finals (the usual fuzzy-pinyin pairs).
FUZZY_INITIALS = {
    "zh": "z",
    "ch": "c",
    "sh": "s",
    "z": "zh",
    "c": "ch",
    "s": "sh",
    "n": "l",
    "l": "n",
}
FUZZY_FINALS = {"ang": "an", "an": "ang", "eng": "en", "en": "eng", "ing": "in", "in": "ing"}


def _quantise(nats: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(nats / QUANTUM), 0, 255).astype(np.uint8)


def read_corpus(folder: Path, progress: bool) -> list[str]:
    files = sorted(folder.rglob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files under {folder}")
    texts = []
    for path in tqdm(files, desc="reading", unit="file", disable=not progress):
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return texts


def jieba_words() -> dict[str, int]:
    import jieba

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    words: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                words[parts[0]] = words.get(parts[0], 0) + int(parts[1])
    return words


# pypinyin writes ü as v (nv 女, lv 绿); writers confuse it with u.
FUZZY_SYLLABLES = {"nv": "nu", "nu": "nv", "lv": "lu", "lu": "lv", "nve": "nue", "lve": "lue"}


def fuzzy_syllables(syllable: str) -> set[str]:
    out = set()
    if syllable in FUZZY_SYLLABLES:
        out.add(FUZZY_SYLLABLES[syllable])
    for ini, alt in FUZZY_INITIALS.items():
        if syllable.startswith(ini) and not (ini in "zcs" and syllable[1:2] == "h"):
            out.add(alt + syllable[len(ini) :])
    for fin, alt in FUZZY_FINALS.items():
        if syllable.endswith(fin) and not (
            fin in ("an", "en", "in") and syllable.endswith(fin + "g")
        ):
            out.add(syllable[: -len(fin)] + alt)
    out.discard(syllable)
    return out


def confusion_sets(
    chars: list[str], common: set[str], progress: bool
) -> dict[str, list[tuple[str, int]]]:
    """For each character, the common characters alike in sound or shape."""
    from pypinyin import Style, pinyin

    readings: dict[str, set[str]] = {}
    for c in chars:
        readings[c] = set(pinyin(c, style=Style.NORMAL, heteronym=True)[0])
    by_syllable: dict[str, set[str]] = defaultdict(set)
    for c in common:
        for s in readings.get(c, ()):
            by_syllable[s].add(c)
    shapes = shape_pairs()
    shape_of: dict[str, set[str]] = defaultdict(set)
    for a, b in shapes:
        shape_of[a].add(b)
    sets: dict[str, list[tuple[str, int]]] = {}
    for c in tqdm(chars, desc="confusion sets", unit="char", disable=not progress):
        kinds: dict[str, int] = {}
        for s in readings.get(c, ()):
            for fuzzy in fuzzy_syllables(s):
                for d in by_syllable.get(fuzzy, ()):
                    kinds[d] = SIMILAR_SOUND
        for s in readings.get(c, ()):
            for d in by_syllable.get(s, ()):
                kinds[d] = SAME_SOUND
        for d in shape_of.get(c, ()):
            kinds.setdefault(d, SIMILAR_SHAPE)
        kinds.pop(c, None)
        if kinds:
            sets[c] = sorted(kinds.items())
    return sets


def build(
    corpus: Path,
    out: Path,
    *,
    max_order: int,
    min_count3: int,
    min_count4: int,
    common_size: int,
    progress: bool,
) -> dict[str, object]:
    started = time.time()
    texts = read_corpus(corpus, progress)
    words = jieba_words()
    char_counts: Counter[str] = Counter()
    for text in tqdm(texts, desc="counting characters", unit="file", disable=not progress):
        char_counts.update(c for c in text if is_cjk(ord(c)))
    general: Counter[str] = Counter()
    for word, freq in words.items():
        for c in word:
            if is_cjk(ord(c)):
                general[c] += freq
    vocab_chars = sorted(set(char_counts) | set(general))
    vocab = np.array([ord(c) for c in vocab_chars], dtype=np.uint32)
    table = class_table(vocab)

    # The corpus as one id stream, texts separated by a boundary.
    joined = "\n".join(texts)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    ids = np.where(cps < 0x10000, table[np.minimum(cps, 0xFFFF)], 0).astype(np.int64)
    ids = np.concatenate([[BOUNDARY_ID] * 3, ids, [BOUNDARY_ID]])
    n_chars = int((ids >= FIRST_CHAR_ID).sum())

    arrays: dict[str, np.ndarray] = {}
    counts_by_order: list[tuple[np.ndarray, np.ndarray]] = []
    for order in tqdm(range(1, max_order + 1), desc="n-grams", unit="order", disable=not progress):
        cols = [ids[c : len(ids) - order + 1 + c] for c in range(order)]
        keys, counts = np.unique(pack(cols), return_counts=True)
        counts_by_order.append((keys, counts))
        if order == 1:
            scores = np.log(counts / counts.sum())
        else:
            pkeys, pcounts = counts_by_order[order - 2]
            idx = np.searchsorted(pkeys, keys >> np.uint64(16))
            scores = np.log(counts / pcounts[idx])
        keep = np.ones(len(keys), dtype=bool)
        if order == 3:
            keep = counts >= min_count3
        elif order == 4:
            keep = counts >= min_count4
        arrays[f"k{order}"] = keys[keep]
        arrays[f"v{order}"] = _quantise(-scores[keep])

    # General-language words and character frequencies from jieba's dictionary.
    wkeys, wvals = [], []
    for word, freq in words.items():
        if 1 <= len(word) <= 4 and freq > 0:
            wid = [int(table[ord(c)]) if ord(c) < 0x10000 else 0 for c in word]
            if min(wid) >= FIRST_CHAR_ID:
                key = 0
                for i in wid:
                    key = (key << 16) | i
                wkeys.append(key)
                wvals.append(math.log(freq) + 1.0)
    order_w = np.argsort(np.array(wkeys, dtype=np.uint64))
    arrays["wk"] = np.array(wkeys, dtype=np.uint64)[order_w]
    arrays["wv"] = _quantise(np.array(wvals)[order_w])
    total_general = sum(general.values())
    gen = np.array([-math.log((general.get(c, 0) + 0.5) / total_general) for c in vocab_chars])
    arrays["gen"] = _quantise(gen)

    # Confusion candidates: the common characters by general and corpus frequency.
    combined: dict[str, float] = {c: general.get(c, 0) / total_general for c in vocab_chars}
    for c, n in char_counts.items():
        combined[c] += n / n_chars
    common = set(sorted(combined, key=combined.__getitem__, reverse=True)[:common_size])
    sets = confusion_sets(vocab_chars, common, progress)
    cptr = [0]
    cids: list[int] = []
    ckind: list[int] = []
    for c in vocab_chars:
        for d, kind in sets.get(c, []):
            cids.append(int(table[ord(d)]))
            ckind.append(kind)
        cptr.append(len(cids))
    arrays["cptr"] = np.array(cptr, dtype=np.uint32)
    arrays["cids"] = np.array(cids, dtype=np.uint16)
    arrays["ckind"] = np.array(ckind, dtype=np.uint8)
    arrays["vocab"] = vocab
    meta: dict[str, object] = {
        "corpus_characters": n_chars,
        "corpus_files": len(texts),
        "min_count3": min_count3,
        "min_count4": min_count4,
        "common_size": common_size,
        "ngrams": [int(len(arrays[f"k{n}"])) for n in range(1, max_order + 1)],
        "words": int(len(arrays["wk"])),
        "confusion_pairs": len(cids),
        "word_log_total": math.log(sum(words.values())),
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)  # type: ignore[arg-type]
    tmp.replace(out)
    meta["seconds"] = round(time.time() - started, 1)
    meta["bytes"] = out.stat().st_size
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m govmedia.checks.typos.build",
        description="Build the statistical typo finder's model from a folder of .txt prose.",
    )
    parser.add_argument("--corpus", required=True, type=Path, help="folder of .txt files")
    parser.add_argument("--out", required=True, type=Path, help="model file to write (.npz)")
    parser.add_argument(
        "--order",
        type=int,
        choices=(2, 3, 4),
        default=3,
        help="longest character n-gram (default 3: 4-grams changed no measured figure)",
    )
    parser.add_argument("--min-count3", type=int, default=2, help="drop rarer 3-grams")
    parser.add_argument("--min-count4", type=int, default=2, help="drop rarer 4-grams")
    parser.add_argument(
        "--common", type=int, default=3500, help="confusion candidates: this many common characters"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"build: {args.corpus} is not a folder", file=sys.stderr)
        return 2
    meta = build(
        args.corpus,
        args.out,
        max_order=args.order,
        min_count3=args.min_count3,
        min_count4=args.min_count4,
        common_size=args.common,
        progress=not args.no_progress,
    )
    print(json.dumps(meta, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
