"""Word boundaries around a list hit, from jieba segmentation of its neighbourhood.

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
hits, so the engine's speed is not affected. jieba (pure Python) is used rather
than its Rust port ``rjieba``: it is called only on a few short windows, and its
results are the reference. The tokenizer is built on first use (about a second,
from jieba's own cache) and shared by every engine in the process.
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
_tokenizer: Any = None
_added: set[str] = set()


def _get_tokenizer() -> Any:
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            if USER_DICT.is_file():
                tokenizer.load_userdict(str(USER_DICT))
            _tokenizer = tokenizer
        return _tokenizer


def add_keys(keys: Iterable[str]) -> None:
    """Make sure each boundary key is a word of the segmenter (see the module docstring)."""
    new = [k for k in keys if k not in _added]
    if not new:
        return
    tokenizer = _get_tokenizer()
    with _lock:
        for key in new:
            freq = tokenizer.FREQ.get(key) or 0
            if freq < KEY_FREQUENCY:
                tokenizer.add_word(key, KEY_FREQUENCY)
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
    for token in _get_tokenizer().cut(window, HMM=False):
        offsets.append(offsets[-1] + len(token))
    return frozenset(offsets)
