"""``govmedia check-eval laws``: false alarms of the list rules on real official prose.

Runs the engine with the built-in lists (privacy, format and links off: they have
their own sections) over every ``.txt`` of a folder of laws and regulations
(default ``../shared/corpora/laws`` next to the repository). Each file's date is
read from its name (``…(2020-09-24).txt``), else from the latest date in the
adoption and revision history at its head or of its entry into force (自…起施行),
and passed as the document date, so a
name that became outdated after the text was written is not counted. The corpus is
carefully edited official prose: nearly every finding is a false alarm.

Prints findings per 10,000 characters by category and by severity, and the most
frequent finding texts with one example each. Goals: no blocking finding, and at
most 0.05 typo and expression findings per 10,000 characters.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import IO

from ..engine import Engine
from ..findings import BLOCKING, CATEGORIES, EXPRESSION, SEVERITIES, TYPO, Finding
from ..lists import load_builtin_lists
from . import Goal, report_goals

NAME = "laws"
HELP = (
    "false alarms of the list rules on real laws and regulations: findings per "
    "10,000 characters by category and severity"
)

_REPO = Path(__file__).resolve().parents[3]


def default_corpus() -> Path:
    """``../shared/corpora/laws`` beside the repository (or beside a folder above it,
    for a git worktree kept one level deeper)."""
    for folder in _REPO.parents:
        candidate = folder / "shared" / "corpora" / "laws"
        if candidate.is_dir():
            return candidate
    return _REPO.parent / "shared" / "corpora" / "laws"


PER = 10_000
MAX_BLOCKING = 0
MAX_TYPO_EXPRESSION_PER_10K = 0.05

_DATE_IN_NAME = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)")
_DATE_IN_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_IN_FORCE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行")
# The adoption and revision history heads the text; its latest date is the version's.
HEADER_CHARACTERS = 400


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of .txt files (default: ../shared/corpora/laws next to the repository)",
    )
    parser.add_argument(
        "--top", type=int, default=25, metavar="N", help="show the N most frequent finding texts"
    )
    parser.add_argument(
        "--limit", type=int, default=0, metavar="N", help="read only the first N files (0: all)"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="progress indicator on stderr (default: on)",
    )


def date_from_name(name: str) -> date | None:
    """The version date written in a corpus file name, or None."""
    m = _DATE_IN_NAME.search(name)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def date_from_text(text: str) -> date | None:
    """The latest date of the adoption and revision history at the head of a text, or
    of its entry into force (自…起施行)."""
    found = []
    for m in [*_DATE_IN_TEXT.finditer(text, 0, HEADER_CHARACTERS), *_IN_FORCE.finditer(text)]:
        try:
            found.append(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            continue
    return max(found, default=None)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    corpus: Path = args.corpus or default_corpus()
    if not corpus.is_dir():
        print(f"check-eval laws: {corpus}: no such folder", file=sys.stderr)
        return 2
    files = sorted(corpus.glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"check-eval laws: {corpus}: no .txt files", file=sys.stderr)
        return 2
    entries, _errors = load_builtin_lists()
    engine = Engine(entries, privacy=False, formatting=False)

    characters = 0
    dated = 0
    findings: list[tuple[str, Finding, str]] = []  # (file name, finding, context)
    started = time.perf_counter()
    progress = _Progress(len(files), enabled=args.progress)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        when = date_from_name(path.name) or date_from_text(text)
        dated += when is not None
        characters += len(text)
        report = engine.check(text, document_date=when)
        for f in report.findings:
            context = text[max(0, f.start - 8) : f.end + 8].replace("\n", " ")
            findings.append((path.name, f, context))
        progress.step(characters)
    progress.close()
    elapsed = time.perf_counter() - started
    _print_figures(out, files=len(files), dated=dated, characters=characters, elapsed=elapsed)
    _print_tables(out, [f for _, f, _ in findings], characters)
    _print_top(out, findings, args.top)
    per = PER / max(characters, 1)
    blocking = sum(1 for _, f, _ in findings if f.severity == BLOCKING)
    typo_expression = sum(1 for _, f, _ in findings if f.category in (TYPO, EXPRESSION))
    return report_goals(
        [
            Goal("blocking findings", blocking, MAX_BLOCKING),
            Goal(
                "typo+expression per 10k characters",
                round(typo_expression * per, 4),
                MAX_TYPO_EXPRESSION_PER_10K,
            ),
        ],
        out,
    )


class _Progress:
    """A one-line counter on stderr, redrawn at most a few times a second."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled
        self.last = 0.0

    def step(self, characters: int) -> None:
        self.done += 1
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.5 or self.done == self.total):
            self.last = now
            print(
                f"\rlaws: {self.done}/{self.total} files, {characters / 1e6:.1f}M characters",
                end="",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def _print_figures(
    out: IO[str], *, files: int, dated: int, characters: int, elapsed: float
) -> None:
    print(
        f"laws: {files} files ({dated} dated by name or header), {characters:,} characters, "
        f"{elapsed:.1f} s ({characters / max(elapsed, 1e-9) / 1e6:.2f} M characters/s)",
        file=out,
    )


def _print_tables(out: IO[str], findings: list[Finding], characters: int) -> None:
    per = PER / max(characters, 1)
    cells = Counter((f.category, f.severity) for f in findings)
    print(f"findings per {PER:,} characters (count in brackets):", file=out)
    print(f"  {'category':<12}" + "".join(f"{s:>18}" for s in (*SEVERITIES, "all")), file=out)
    for category in CATEGORIES:
        row = [cells[(category, s)] for s in SEVERITIES]
        if not any(row):
            continue
        cols = [*row, sum(row)]
        print(
            f"  {category:<12}" + "".join(f"{c * per:>11.4f} ({c:>4})" for c in cols),
            file=out,
        )
    total = len(findings)
    print(f"  {'all':<12}{'':>54}{total * per:>11.4f} ({total:>4})", file=out)


def _print_top(out: IO[str], findings: list[tuple[str, Finding, str]], top: int) -> None:
    if top <= 0 or not findings:
        return
    counts = Counter((f.category, f.text) for _, f, _ in findings)
    example: dict[tuple[str, str], tuple[str, str]] = {}
    for name, f, context in findings:
        example.setdefault((f.category, f.text), (name, context))
    print(f"most frequent findings (top {top}):", file=out)
    for (category, text), n in counts.most_common(top):
        name, context = example[(category, text)]
        print(f"  {n:>5}  {category:<10} {text}  …{context}…  [{name[:40]}]", file=out)
