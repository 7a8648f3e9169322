"""The typo finder's model file: character n-grams, words and confusion sets.

The file (``govmedia/checks/data/typos/model.npz``) is written by
``python -m govmedia.checks.typos.build`` and read here with numpy only. It
holds, as flat sorted arrays:

- ``vocab``: the code points of the known characters; a character's id is its
  index plus ``FIRST_CHAR_ID``. Ids 0–3 are classes: an unknown character, a
  boundary (punctuation, space, line break), a digit, a Latin letter.
- ``k1``…``k3`` and ``v1``…``v3`` (``k4``/``v4`` when built with ``--order 4``):
  the character 1- to 3-grams of the corpus
  as exact keys (16 bits per character id, packed into 64 bits) and their
  stupid-backoff scores, quantised to 0.1 nat in one byte.
- ``wk``/``wv``: words of one to four characters of a general-language
  dictionary (jieba's) and their log frequencies, quantised the same way.
- ``gen``: each character's general-language log frequency, quantised.
- ``cptr``/``cids``/``ckind``: the confusion set of each character (CSR), with
  the kind of likeness (same sound, similar sound, similar shape).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

UNKNOWN_ID = 0
BOUNDARY_ID = 1
DIGIT_ID = 2
LATIN_ID = 3
FIRST_CHAR_ID = 4
QUANTUM = 0.1  # nats per step of a quantised score
BACKOFF = float(np.log(0.4))  # stupid backoff penalty per order dropped
FLOOR = -20.0  # score of a character never seen
WORD_FLOOR = -18.0  # word-model cost of a character that is no word

SAME_SOUND = 1
SIMILAR_SOUND = 2
SIMILAR_SHAPE = 3
KIND_LABELS = {SAME_SOUND: "音同", SIMILAR_SOUND: "音近", SIMILAR_SHAPE: "形近"}

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "typos" / "model.npz"

IntArray = npt.NDArray[np.int64]
U64Array = npt.NDArray[np.uint64]


def is_cjk(cp: int) -> bool:
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or cp == 0x3007


def class_table(vocab: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint16]:
    """Id of every BMP code point: its own id for known characters, else its class."""
    table = np.full(0x10000, BOUNDARY_ID, dtype=np.uint16)
    for lo, hi in ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)):
        table[lo : hi + 1] = UNKNOWN_ID
    table[ord("0") : ord("9") + 1] = DIGIT_ID
    table[0xFF10 : 0xFF19 + 1] = DIGIT_ID
    for lo, hi in ((ord("A"), ord("Z")), (ord("a"), ord("z")), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        table[lo : hi + 1] = LATIN_ID
    table[vocab.astype(np.int64)] = np.arange(FIRST_CHAR_ID, FIRST_CHAR_ID + len(vocab))
    return table


def pack(cols: list[IntArray]) -> U64Array:
    """Exact 64-bit key of n-grams given as columns of ids (n <= 4)."""
    key = np.zeros(len(cols[0]), dtype=np.uint64)
    for col in cols:
        key = (key << np.uint64(16)) | col.astype(np.uint64)
    return key


_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # no key: character ids are below 0xFFFF
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


class Table:
    """Exact keys to one-byte values: an open-addressing hash table built at load.

    Faster than a binary search over the sorted keys stored in the file; built
    in a fraction of a second, with a load factor at most 1/2.
    """

    def __init__(self, keys: U64Array, values: npt.NDArray[np.uint8]) -> None:
        self.size = len(keys)
        bits = max(4, int(2 * max(1, self.size) - 1).bit_length())
        self.shift = np.uint64(64 - bits)
        home = self._slot(keys).astype(np.int64)
        order = np.argsort(home)
        home = home[order]
        # Linear probing without wrap-around, all keys at once: sorted by home
        # slot, each key takes the first free slot at or after its home.
        rank = np.arange(self.size)
        slot = rank + np.maximum.accumulate(home - rank) if self.size else rank
        length = (int(slot[-1]) + 2) if self.size else 2
        self.keys = np.full(max(length, (1 << bits) + 1), _EMPTY, dtype=np.uint64)
        self.values = np.zeros(len(self.keys), dtype=np.uint8)
        self.keys[slot] = keys[order]
        self.values[slot] = values[order]

    def __len__(self) -> int:
        return self.size

    def _slot(self, keys: U64Array) -> U64Array:
        return (keys * _MULTIPLIER) >> self.shift

    def get(self, query: U64Array) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
        """(found, value in quantised units times ``QUANTUM``) of each query key."""
        found = np.zeros(len(query), dtype=bool)
        value = np.zeros(len(query), dtype=np.uint8)
        active = np.arange(len(query))
        slots = self._slot(query)
        while len(active):
            stored = self.keys[slots]
            hit = stored == query[active]
            found[active[hit]] = True
            value[active[hit]] = self.values[slots[hit]]
            going = ~hit & (stored != _EMPTY)
            active = active[going]
            slots = slots[going] + np.uint64(1)  # the table ends with an empty slot
        return found, value.astype(np.float64) * QUANTUM


@dataclass(slots=True)
class TypoModel:
    vocab: npt.NDArray[np.uint32]
    table: npt.NDArray[np.uint16]
    ngrams: list[Table]  # orders 1..n (n <= 4)
    words: Table
    general: npt.NDArray[np.float64]  # per id: general log frequency (nats, negative)
    cptr: npt.NDArray[np.uint32]
    cids: npt.NDArray[np.uint16]
    ckind: npt.NDArray[np.uint8]
    meta: dict[str, Any]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> TypoModel:
        with np.load(path, allow_pickle=False) as data:
            vocab = data["vocab"]
            orders = range(1, 1 + sum(1 for n in range(1, 5) if f"k{n}" in data.files))
            keys = [data[f"k{n}"] for n in orders]
            values = [data[f"v{n}"] for n in orders]
            gen_q = data["gen"]
            general = np.zeros(FIRST_CHAR_ID + len(vocab))
            general[FIRST_CHAR_ID:] = -gen_q.astype(np.float64) * QUANTUM
            return cls(
                vocab=vocab,
                table=class_table(vocab),
                ngrams=[Table(k, v) for k, v in zip(keys, values, strict=True)],
                words=Table(data["wk"], data["wv"]),
                general=general,
                cptr=data["cptr"],
                cids=data["cids"],
                ckind=data["ckind"],
                meta=json.loads(bytes(data["meta"]).decode("utf-8")),
            )

    def ids(self, text: str) -> IntArray:
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        out = np.full(len(cps), UNKNOWN_ID, dtype=np.int64)
        bmp = cps < 0x10000
        out[bmp] = self.table[cps[bmp]]
        return out

    def char(self, char_id: int) -> str:
        return chr(int(self.vocab[char_id - FIRST_CHAR_ID]))

    def ngram_scores(self, grams: IntArray) -> npt.NDArray[np.float64]:
        """Stupid-backoff log score of the last column given the others; grams is (M, 4).

        A model of order n < 4 reads the last n columns only.
        """
        m = len(grams)
        result = np.full(m, np.nan)
        penalty = 0.0
        for order in range(len(self.ngrams), 0, -1):
            todo = np.isnan(result)
            if not todo.any():
                break
            rows = np.flatnonzero(todo)
            cols = [grams[rows, 4 - order + c] for c in range(order)]
            found, value = self.ngrams[order - 1].get(pack(cols))
            result[rows[found]] = penalty - value[found]
            penalty += BACKOFF
        result[np.isnan(result)] = FLOOR
        return result

    def unigram(self, ids: IntArray) -> npt.NDArray[np.float64]:
        """Log frequency of each character in the n-gram corpus."""
        found, value = self.ngrams[0].get(ids.astype(np.uint64))
        return np.where(found, -value, FLOOR)

    def segment_scores(
        self, windows: IntArray, candidates: IntArray, rows: IntArray
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Log probability of the best segmentation into dictionary words, before and after.

        ``windows`` is (P, 7), the centre being column 3; the candidate ``k`` replaces
        the centre of row ``rows[k]``. A unigram word model (jieba's frequencies); a
        boundary costs nothing, a character that is no word of its own costs
        ``WORD_FLOOR``. Spans that miss the centre are looked up once per row.
        """
        width = windows.shape[1]
        centre = width // 2
        total = float(self.meta.get("word_log_total", 18.0))
        replaced = windows[rows].copy()
        replaced[:, centre] = candidates

        def span_lp(win: IntArray, start: int, length: int) -> npt.NDArray[np.float64]:
            cols = [win[:, start + c] for c in range(length)]
            ok = np.ones(len(win), dtype=bool)
            for col in cols:
                ok &= col >= FIRST_CHAR_ID
            found, value = self.words.get(pack(cols))
            found &= ok
            lp = np.where(found, value - 1.0 - total, -np.inf)
            if length == 1:
                lp = np.where(found, lp, np.where(win[:, start] == BOUNDARY_ID, 0.0, WORD_FLOOR))
            return lp

        base_lp: dict[tuple[int, int], npt.NDArray[np.float64]] = {}
        cand_lp: dict[tuple[int, int], npt.NDArray[np.float64]] = {}
        for length in (1, 2, 3, 4):
            for start in range(0, width - length + 1):
                base_lp[(start, length)] = span_lp(windows, start, length)
                if start <= centre < start + length:
                    cand_lp[(start, length)] = span_lp(replaced, start, length)
                else:
                    cand_lp[(start, length)] = base_lp[(start, length)][rows]

        def best(
            lp: dict[tuple[int, int], npt.NDArray[np.float64]], m: int
        ) -> npt.NDArray[np.float64]:
            scores = [np.zeros(m)]
            for end in range(1, width + 1):
                b = np.full(m, -np.inf)
                for length in (1, 2, 3, 4):
                    if length <= end:
                        b = np.maximum(b, scores[end - length] + lp[(end - length, length)])
                scores.append(b)
            return scores[width]

        return best(base_lp, len(windows)), best(cand_lp, len(rows))


def load_model(path: Path | str | None = None) -> TypoModel:
    """The model, loaded once per process and path."""
    return _load(str(Path(path or DEFAULT_PATH).resolve()))


@lru_cache(maxsize=2)
def _load(path: str) -> TypoModel:
    return TypoModel.load(path)
