"""How common a word is in real prose: the data behind the guard for imported lists.

Two sources, both offline:

* ``data/common-ngrams.txt.gz`` (about 2 MB): the strings of two to four Chinese
  characters that occur at least ``MIN_COUNT`` times, and of five to eight at
  least ``MIN_COUNT_LONG`` times, in the *build half* of the laws corpus
  (``../shared/corpora/laws``, the files whose name hashes to an even number;
  about 8.3 million Chinese characters), with their counts. Built by
  ``python -m govmedia.checks.commonwords CORPUS_DIR`` (about a minute; the
  corpus is read, never copied). The other half of the corpus is left for measuring the
  guard (``govmedia check-eval lists``), so the measurement is not done on the
  text the table was built from.
* the word frequencies of the dictionary shipped with jieba (``dict.txt``),
  for general language.

No Django import.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import sys
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .variants import _jieba_frequencies

TABLE_PATH = Path(__file__).resolve().parent / "data" / "common-ngrams.txt.gz"
MIN_COUNT = 5
MIN_COUNT_LONG = 20  # for five characters and more: long strings are rarely list entries
LONG = 5
MAX_N = 8
_CJK_RUN_RE = re.compile("[\u4e00-\u9fff]{2,}")


def in_build_half(name: str) -> bool:
    """Whether a corpus file (by name) belongs to the half the table is built from."""
    return hashlib.sha1(name.encode()).digest()[0] % 2 == 0


class CorpusFrequencies:
    """Occurrences per million characters of a string in the build half of the corpus."""

    def __init__(self, counts: dict[str, str], chars: int) -> None:
        self._counts = counts  # kept as text: converting 500,000 numbers costs more than lookups
        self.chars = chars

    def __len__(self) -> int:
        return len(self._counts)

    def per_million(self, gram: str) -> float:
        count = self._counts.get(gram)
        return round(int(count) * 1e6 / self.chars, 3) if count else 0.0


@lru_cache(maxsize=1)
def corpus_frequencies() -> CorpusFrequencies:
    """The shipped table (empty if missing); loaded once per process."""
    if not TABLE_PATH.is_file():
        return CorpusFrequencies({}, 1)
    with gzip.open(TABLE_PATH, "rt", encoding="utf-8") as fh:
        header = fh.readline()
        chars = int(re.search(r"chars=(\d+)", header).group(1))  # type: ignore[union-attr]
        counts = dict(line.rstrip("\n").split("\t", 1) for line in fh)
    return CorpusFrequencies(counts, chars)


def jieba_frequency(word: str) -> int:
    return _jieba_frequencies().get(word, 0)


def build_table(texts: Iterable[str]) -> tuple[dict[str, int], int]:
    """Counts of n-grams (2..MAX_N) seen at least MIN_COUNT times, and the characters read.

    Apriori pruning: an n-gram is counted only when both its (n-1)-grams are frequent,
    so memory stays bounded by the frequent grams, not by all of them.
    """
    runs = [run for text in texts for run in _CJK_RUN_RE.findall(text)]
    chars = sum(map(len, runs))
    frequent: dict[str, int] = {}
    previous: set[str] | None = None
    for n in range(2, MAX_N + 1):
        counts: Counter[str] = Counter()
        for run in runs:
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                if previous is None or (gram[:-1] in previous and gram[1:] in previous):
                    counts[gram] += 1
        least = MIN_COUNT_LONG if n >= LONG else MIN_COUNT
        kept = {g: c for g, c in counts.items() if c >= least}
        if not kept:
            break
        frequent.update(kept)
        previous = set(kept)
        print(f"{n}-grams: {len(kept)} kept", file=sys.stderr)
    return frequent, chars


def write_table(counts: dict[str, int], chars: int, files: int) -> None:
    TABLE_PATH.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(TABLE_PATH, "wb", mtime=0) as raw:
        raw.write(
            (
                f"# chars={chars} files={files} min_count={MIN_COUNT} "
                f"min_count_long={MIN_COUNT_LONG}: n-gram counts in the build half of the "
                "laws corpus\n"
            ).encode()
        )
        raw.write("".join(f"{g}\t{c}\n" for g, c in sorted(counts.items())).encode())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m govmedia.checks.commonwords CORPUS_DIR", file=sys.stderr)
        return 2
    files = sorted(p for p in Path(args[0]).glob("*.txt") if in_build_half(p.name))
    counts, chars = build_table(p.read_text(encoding="utf-8") for p in files)
    write_table(counts, chars, len(files))
    print(f"{len(counts)} n-grams from {len(files)} files -> {TABLE_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
