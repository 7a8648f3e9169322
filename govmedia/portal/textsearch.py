"""Chinese full-text search: segmentation, term counting, snippets and highlighting.

Plain Python with no Django import, so the indexer, the search view, the
management command and the tests share one implementation.

Text is segmented in jieba's precise mode and each word is indexed together
with every shorter dictionary word inside it (政府信息公开 → 政府, 信息, 公开,
政府信息, 信息公开, 政府信息公开), so a query for a part of a long term still
finds it. This is jieba's search mode (``cut_for_search``) extended to inner
words of any length: jieba's own stops at three characters, so 营商环境 inside
优化营商环境 would be lost. Queries are segmented in precise mode. HMM discovery of new
words is switched off on both sides: it guesses differently depending on the
surrounding text, and a query must split the way the indexed text did.
Unknown words (personal names, new coinages) fall apart into single
characters on both sides and still match with AND semantics.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import jieba

USER_DICT = Path(__file__).resolve().parent / "data" / "userdict.txt"

# Tokens too common to help a search; they are neither indexed nor searched.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 等 之 其 对 于 为 将 把 被 也 就 都 而 并 且 以 由 从 向 按 个 有 这 那 我 你 他".split()
)
MAX_TERM_LENGTH = 40
SNIPPET_LENGTH = 120

_tokenizer: jieba.Tokenizer | None = None
_lock = threading.Lock()
# A token is worth indexing when it holds at least one letter, digit or CJK character.
_WORDLIKE = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def tokenizer() -> jieba.Tokenizer:
    """jieba with our user dictionary of government terms, loaded once per process."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(USER_DICT))
                _tokenizer = tok
    return _tokenizer


def is_loaded() -> bool:
    """Whether this process has loaded the segmenter and its dictionary already."""
    return _tokenizer is not None


def normalize(text: str) -> str:
    """Fold full-width ASCII to half-width and Latin to lower case, keeping the length.

    Keeping one output character per input character lets a match found in the
    normalised text be marked at the same position in the original.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif code == 0x3000:
            ch = " "
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def _keep(token: str) -> bool:
    return (
        bool(token)
        and token not in STOPWORDS
        and len(token) <= MAX_TERM_LENGTH
        and bool(_WORDLIKE.search(token))
    )


def search_words(text: str) -> list[str]:
    """Precise-mode words of ``text``, each preceded by the dictionary words inside it."""
    tok = tokenizer()
    freq = tok.FREQ
    out: list[str] = []
    for word in tok.cut(text, HMM=False):
        n = len(word)
        for size in range(2, n):
            for i in range(n - size + 1):
                sub = word[i : i + size]
                if freq.get(sub):
                    out.append(sub)
        out.append(word)
    return out


def index_terms(text: str) -> Counter[str]:
    """How often each search-mode term occurs in ``text``."""
    if not text:
        return Counter()
    words = search_words(normalize(text))
    return Counter(w.strip() for w in words if _keep(w.strip()))


def query_terms(query: str) -> list[str]:
    """The precise-mode terms of a query, de-duplicated in order; all must match (AND)."""
    words = tokenizer().cut(normalize(query), HMM=False)
    return _unique(w.strip() for w in words if _keep(w.strip()))


def loose_query_terms(query: str) -> list[str]:
    """Search-mode terms of a query, for the OR fallback when the AND search finds nothing."""
    words = search_words(normalize(query))
    return _unique(w.strip() for w in words if _keep(w.strip()))


def _unique(words: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for w in words:
        seen.setdefault(w, None)
    return list(seen)


_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|tr|table|blockquote)>|<br\s*/?>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """Visible text of a rich-text fragment, with block ends turned into spaces."""
    if not markup:
        return ""
    text = _BLOCK_END.sub(" ", markup)
    text = _TAG.sub("", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans where any term occurs in ``text``, longest terms first."""
    folded = normalize(text)
    spans: list[tuple[int, int]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        if not term:
            continue
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: Iterable[str]) -> str:
    """``text`` HTML-escaped, with every occurrence of a term wrapped in ``<mark>``."""
    parts: list[str] = []
    pos = 0
    for start, end in _match_spans(text, terms):
        parts.append(html.escape(text[pos:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def snippet_source(summary: str, body: str) -> str:
    """The text a search snippet is cut from: the summary, then the body, said once.

    A summary is often the body's first sentence or paragraph (cut short): then
    the body alone, so the snippet does not repeat it.
    """
    summary = _SPACE.sub(" ", summary).strip()
    body = _SPACE.sub(" ", body).strip()
    if not summary:
        return body
    if normalize(summary).rstrip("…. ") in normalize(body):
        return body
    return f"{summary} {body}" if body else summary


def snippet(text: str, terms: Iterable[str], length: int = SNIPPET_LENGTH) -> str:
    """A highlighted, escaped excerpt of about ``length`` characters around the first match."""
    terms = list(terms)
    spans = _match_spans(text, terms)
    if len(text) <= length:
        return highlight(text, terms)
    start = 0
    if spans:
        # Show a little context before the first match, never past the end.
        start = max(0, min(spans[0][0] - length // 4, len(text) - length))
    end = start + length
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return html.escape(prefix) + highlight(text[start:end], terms) + html.escape(suffix)
