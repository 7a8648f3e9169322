"""Scores from problems: vetoes, deductions on 100 points, the 75-point scale, the ranking.

The indicators fail a website or account on any single-veto item and score
the rest by deductions from 100, passing at 60. A department without
external services (无对外服务) is scored out of 75, the 25 points of the
service and interaction section left out, and the result scaled by 4/3 so
that every department ends on the same 100-point scale.

A department's score: 100 (or 75) minus the deductions of problems of the
department as a whole (its website's column counts, content findings,
unanswered messages) minus the *mean* deduction of its channels. Taking the
mean normalises for the number of channels: a department running twenty
accounts is not marked down twenty times for the same care a department with
two shows. The ranking puts every department without a veto before those
with one, then orders by score; docs/inspection.md and the ranking page say so.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govmedia.inspection.judge import SECTION_SERVICE, Problem

FULL = 100.0
WITHOUT_SERVICES = 75.0

HEALTHY = "healthy"
WARNED = "warned"
VETOED = "vetoed"


@dataclass(frozen=True)
class Score:
    score: float  # on the 100-point scale, after scaling
    deduction: float  # points taken, on the department's own base (100 or 75)
    vetoed: bool
    state: str  # HEALTHY, WARNED or VETOED
    passed: bool


def _counted(problems: Iterable[Problem], has_services: bool) -> list[Problem]:
    return [p for p in problems if has_services or p.section != SECTION_SERVICE]


def deduction(problems: Iterable[Problem], *, has_services: bool = True) -> float:
    return sum(p.deduction for p in _counted(problems, has_services))


def _state(problems: Sequence[Problem], vetoed: bool) -> str:
    if vetoed:
        return VETOED
    if any(p.deduction or p.warning for p in problems):
        return WARNED
    return HEALTHY


def _score(
    base: float, taken: float, vetoed: bool, problems: Sequence[Problem], pass_score: float
) -> Score:
    raw = max(0.0, base - taken)
    score = round(raw * FULL / base, 2)  # out of 75: times 4/3
    return Score(
        score, round(taken, 2), vetoed, _state(problems, vetoed), not vetoed and score >= pass_score
    )


def channel_score(
    problems: Sequence[Problem], *, has_services: bool = True, pass_score: float = 60
) -> Score:
    counted = _counted(problems, has_services)
    base = FULL if has_services else WITHOUT_SERVICES
    return _score(base, deduction(counted), any(p.veto for p in counted), counted, pass_score)


def department_score(
    own_problems: Sequence[Problem],
    channel_problems: Sequence[Sequence[Problem]],
    *,
    has_services: bool = True,
    pass_score: float = 60,
) -> Score:
    own = _counted(own_problems, has_services)
    per_channel = [_counted(ps, has_services) for ps in channel_problems]
    mean_channel = statistics.fmean(deduction(ps) for ps in per_channel) if per_channel else 0.0
    everything = own + [p for ps in per_channel for p in ps]
    base = FULL if has_services else WITHOUT_SERVICES
    vetoed = any(p.veto for p in everything)
    return _score(base, deduction(own) + mean_channel, vetoed, everything, pass_score)


def ranking_key(vetoed: bool, score: float, name: str) -> tuple[bool, float, str]:
    """Sort key: no veto first, then the higher score, then the name."""
    return (vetoed, -score, name)
