"""Measurements of the content checks: ``govmedia check-eval SECTION``.

Each section is a module of this package with the same shape: ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args, out) -> int`` (0 when every goal is
met, 1 when one is missed, 2 for a usage or input error). ``sections.py`` lists
them. Sections read real text from outside the repository (``../shared/corpora``)
or generate their inputs; nothing here is copied into the package.

No Django import: the command runs without starting Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True, slots=True)
class Goal:
    """One target of a measurement, printed as met or missed."""

    name: str
    value: float
    limit: float
    at_least: bool = False  # True: value must be >= limit; False: value must be <= limit

    @property
    def met(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def line(self) -> str:
        sign = ">=" if self.at_least else "<="
        verdict = "met" if self.met else "MISSED"
        return f"goal {self.name}: {self.value:g} (target {sign} {self.limit:g}) {verdict}"


def report_goals(goals: list[Goal], out: IO[str]) -> int:
    """Prints each goal; returns the section's exit status."""
    for goal in goals:
        print(goal.line(), file=out)
    return 0 if all(g.met for g in goals) else 1
