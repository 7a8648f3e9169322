"""Rectification notices (整改通知): issued after a round, marked 已整改, confirmed by the next.

After each round, ``follow_up``:

1. checks every notice marked 已整改 before this round's day: if none of its
   problems is found again (same code on the same channel, or the same
   department-wide code) it becomes 已确认, otherwise 整改未通过 with what
   remains;
2. issues a notice to every department whose result has a veto or a
   deduction and that has no notice still open (待整改 or 整改未通过), with
   each problem and its evidence and a deadline `notice_workdays` working
   days away on the workdays calendar.

The department's own step, 已整改, is ``actions.do_mark_rectified``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from govmedia.inspection.models import DepartmentResult, InspectionRound, Notice, Rule


def _identity(problem: dict[str, Any]) -> tuple[str, Any]:
    return (problem["code"], problem.get("channel_id"))


def _actionable(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in problems if p.get("veto") or p.get("deduction")]


def follow_up(round_: InspectionRound) -> tuple[int, int]:
    """Confirm or reopen earlier notices, then issue new ones; (checked, issued)."""
    from govmedia.workdays.service import calendar

    results = {r.department_id: r for r in DepartmentResult.objects.filter(round=round_)}
    checked = 0
    with transaction.atomic():
        for notice in Notice.objects.select_for_update().filter(
            status=Notice.Status.RECTIFIED, rectified_at__date__lte=round_.period_end
        ):
            result = results.get(notice.department_id)
            if result is None:
                continue
            found = {_identity(p) for p in _actionable(result.problems)}
            remaining = [p for p in notice.problems if _identity(p) in found]
            notice.status = Notice.Status.REOPENED if remaining else Notice.Status.CONFIRMED
            notice.remaining = remaining
            notice.checked_round = round_
            notice.save(update_fields=["status", "remaining", "checked_round"])
            checked += 1

        open_departments = set(
            Notice.objects.filter(
                status__in=[Notice.Status.OPEN, Notice.Status.REOPENED]
            ).values_list("department_id", flat=True)
        )
        days = Rule.current().days("notice_workdays")
        issued_on = timezone.localdate()
        deadline = calendar().add_workdays(issued_on, days)
        new = [
            Notice(
                department_id=department_id,
                round=round_,
                issued_on=issued_on,
                deadline=deadline.day,
                deadline_provisional=deadline.provisional,
                problems=_actionable(result.problems),
            )
            for department_id, result in results.items()
            if _actionable(result.problems) and department_id not in open_departments
        ]
        Notice.objects.bulk_create(new, ignore_conflicts=True)
    return checked, len(new)
