"""Word boundaries around a list hit, from jieba-style segmentation of its neighbourhood.

A short typo key often forms across the boundary of two correct words: 商确 in
协商确定, 录相 in 摘录相关, 自已 in 来自已有. An entry that requires word boundaries
(``ListEntry.needs_boundary``) is reported only when the segmentation of the text
around it puts a word boundary at both ends of the hit.

Asking whether the key is a word of jieba's dictionary would not do: the dictionary
lists many wrong forms (自已, 座落) and the collisions straddle words. Instead each
boundary key is added to the segmenter's dictionary with a modest frequency
(``KEY_FREQUENCY``), so that where it stands alone it is cut as one word (该楼座落于,
进一步商确), and where it straddles two common words the words win (协商/确定). The
user dictionary ``data/segment/userdict.txt`` adds government terms that jieba's
general dictionary lacks, so they are not cut apart either.

Segmentation runs lazily, only around hits that need it, on a window of
``WINDOW`` characters each side (clipped to the clause): real prose has few such
hits, so the engine's speed is not affected. The segmenter is ``rjieba``, the
Rust port of jieba, with its own instance (so words added here do not leak into
other users of the module), built on first use. Measured on a busy shared
machine, the first one-line check that needs it took 1.7 s and 58 MB more than one
that does not, against 4.1 s and 72 MB with jieba's Python tokenizer (the import
of rjieba builds its own global instance too, hence two dictionaries in memory).
Its cuts are jieba's:
with the same words added, all 1,069 distinct windows around boundary hits in the
laws corpus and in the tests are cut identically (``test_segment.py`` keeps a
check). A key's weight is ``max(KEY_FREQUENCY, suggest_freq(key))``, which for a
word jieba already knows is its own frequency plus one, so a known word is never
made lighter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

USER_DICT = Path(__file__).resolve().parent / "data" / "segment" / "userdict.txt"
WINDOW = 12
# Measured on the labelled sentences of tests/test_real_prose.py: at 20, 落地 wins in
# 山林座落地; at 200, 落在 wins in 座落在; 500 to 3000 get every sentence right (at 2000
# and above 按装 beats 按/装修, which the allow list covers anyway). We take 1000.
KEY_FREQUENCY = 1000
# The neighbourhood stops at these: jieba never joins across them anyway, and a
# shorter window is faster.
_STOPS = frozenset("，。、；：！？,.;:!?\n\r“”\"‘’'《》（）()【】[] \t\u3000")

_lock = threading.Lock()
_segmenter: Any = None
_added: set[str] = set()


def _get_segmenter() -> Any:
    global _segmenter
    with _lock:
        if _segmenter is None:
            import rjieba

            segmenter = rjieba.Jieba()
            if USER_DICT.is_file():
                for line in USER_DICT.read_text(encoding="utf-8").splitlines():
                    word, _, freq = line.strip().partition(" ")
                    if word:
                        segmenter.add_word(word, int(freq or KEY_FREQUENCY), None)
            _segmenter = segmenter
        return _segmenter


def add_keys(keys: Iterable[str]) -> None:
    """Make sure each boundary key is a word of the segmenter (see the module docstring)."""
    new = [k for k in keys if k not in _added]
    if not new:
        return
    segmenter = _get_segmenter()
    with _lock:
        for key in new:
            segmenter.add_word(key, max(KEY_FREQUENCY, segmenter.suggest_freq(key)), None)
            _added.add(key)
        _boundaries.cache_clear()  # a new word can change how a window is cut


def aligned(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts and ends on word boundaries of ``text``."""
    lo = start
    while lo > 0 and start - lo < WINDOW and text[lo - 1] not in _STOPS:
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < WINDOW and text[hi] not in _STOPS:
        hi += 1
    boundaries = _boundaries(text[lo:hi])
    return start - lo in boundaries and end - lo in boundaries


@lru_cache(maxsize=8192)
def _boundaries(window: str) -> frozenset[int]:
    """Offsets in ``window`` where a word starts or ends (cached: texts repeat phrases)."""
    offsets = [0]
    for token in _get_segmenter().cut(window, False):
        offsets.append(offsets[-1] + len(token))
    return frozenset(offsets)
