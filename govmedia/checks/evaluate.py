"""Precision and recall of the engine on a labelled set.

The set is JSON Lines. An optional first object ``{"config": {...}}`` gives the
leader table (``leaders``: name, title, organisation, start, end), the
reference date (``as_of``) and ``forbidden_hosts``. Every other line is a
passage: ``{"id", "text", "html": bool, "expect": [{"category", "text"}]}``;
an expected finding is located at the first occurrence of its text (or at
``start`` when given). A finding counts as true when an expected finding of
the same category overlaps it; an expected finding counts as found when a
finding of its category overlaps it. Passages with no expectations are
look-alikes: anything found there is a false positive.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .engine import Engine
from .findings import CATEGORIES, Finding
from .lists import ListEntry, load_builtin_lists
from .rules.leaders import Leader

DEFAULT_EVAL_FILE = Path(__file__).resolve().parent / "data" / "eval" / "eval.jsonl"


class EvaluationFileError(Exception):
    pass


@dataclass
class CategoryScore:
    true_positives: int = 0
    false_positives: int = 0
    expected: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


@dataclass
class Evaluation:
    scores: dict[str, CategoryScore] = field(default_factory=dict)
    passages: int = 0
    mistakes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passages": self.passages,
            "categories": {
                c: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "true_positives": s.true_positives,
                    "false_positives": s.false_positives,
                    "expected": s.expected,
                    "found": s.found,
                }
                for c, s in self.scores.items()
            },
            "mistakes": self.mistakes,
        }

    def table(self) -> str:
        lines = [
            f"{'category':<11} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'expected':>8}"
        ]
        for c, s in self.scores.items():
            lines.append(
                f"{c:<11} {s.precision:>9.3f} {s.recall:>7.3f} {s.true_positives:>4} "
                f"{s.false_positives:>4} {s.expected:>8}"
            )
        return "\n".join(lines)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def read_eval_file(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    config: dict[str, Any] = {}
    passages: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationFileError(f"{path}: cannot read evaluation file ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationFileError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise EvaluationFileError(f"{path}:{number}: expected a JSON object")
        if "config" in obj:
            config = obj["config"]
        elif isinstance(obj.get("text"), str):
            passages.append(obj)
        else:
            raise EvaluationFileError(f"{path}:{number}: a passage needs a 'text' string")
    return config, passages


def engine_for(config: dict[str, Any], entries: Sequence[ListEntry] | None = None) -> Engine:
    if entries is None:
        entries, _ = load_builtin_lists()
    leaders = [
        Leader(
            name=row["name"],
            title=row["title"],
            organisation=row.get("organisation", ""),
            start=_date(row.get("start")),
            end=_date(row.get("end")),
        )
        for row in config.get("leaders", [])
    ]
    return Engine(
        entries,
        leaders,
        forbidden_hosts=config.get("forbidden_hosts", []),
        today=_date(config.get("as_of")),
    )


def evaluate(
    path: Path = DEFAULT_EVAL_FILE, *, entries: Sequence[ListEntry] | None = None
) -> Evaluation:
    config, passages = read_eval_file(path)
    engine = engine_for(config, entries)
    result = Evaluation(scores={c: CategoryScore() for c in CATEGORIES}, passages=len(passages))
    for passage in passages:
        report = engine.check(passage["text"], html=bool(passage.get("html")))
        gold: list[tuple[str, int, int]] = []
        for exp in passage.get("expect", []):
            start = exp.get("start")
            if start is None:
                start = report.text.find(exp["text"])
                if start < 0:
                    raise EvaluationFileError(
                        f"{passage.get('id')}: expected text {exp['text']!r} not in the passage"
                    )
            gold.append((exp["category"], start, start + len(exp["text"])))
        _score(result, passage.get("id", "?"), report.findings, gold)
    return result


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score(
    result: Evaluation, pid: str, findings: list[Finding], gold: list[tuple[str, int, int]]
) -> None:
    for category, start, end in gold:
        score = result.scores.setdefault(category, CategoryScore())
        score.expected += 1
        if any(
            f.category == category and _overlaps((f.start, f.end), (start, end)) for f in findings
        ):
            score.found += 1
        else:
            result.mistakes.append(f"{pid}: missed {category} at {start}-{end}")
    for f in findings:
        score = result.scores.setdefault(f.category, CategoryScore())
        if any(c == f.category and _overlaps((f.start, f.end), (s, e)) for c, s, e in gold):
            score.true_positives += 1
        else:
            score.false_positives += 1
            result.mistakes.append(f"{pid}: false {f.category} {f.text!r} ({f.rule})")
