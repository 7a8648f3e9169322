"""What the reviewer and the editor see of an item's review, wherever they work on it.

`review_notes()` gathers, for the item's current run of the procedure, what
must travel with the item from step to step: blocking findings a reviewer
let through at the automatic check (with the reason), the last 退回修改
comment, and what the editor can do when the check holds the item. The
editor's panel (`CheckReportPanel`) and every task's action dialog show it,
so nobody signs off an overridden finding without seeing it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wagtail.admin.panels import Panel
from wagtail.models import TaskState, WorkflowState

OVERRIDE_PREFIX = "放行理由："

OUTCOME_LABELS = {
    TaskState.STATUS_APPROVED: "通过",
    TaskState.STATUS_REJECTED: "退回修改",
    TaskState.STATUS_IN_PROGRESS: "办理中",
    TaskState.STATUS_CANCELLED: "已取消",
    TaskState.STATUS_SKIPPED: "已跳过",
}


def _person(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def latest_check_state(item):
    from govmedia.publishing.models.workflow import ContentCheckTaskState

    if not item or not item.pk:
        return None
    return (
        ContentCheckTaskState.objects.filter(workflow_state__object_id=str(item.pk))
        .order_by("-started_at")
        .first()
    )


@dataclass
class StepNote:
    """One finished (or current) step of the item's review, as a line of its history."""

    step: str
    outcome: str
    by: str
    at: datetime | None
    comment: str


@dataclass
class ReviewNotes:
    workflow_state: WorkflowState
    check_state: Any = None
    # Blocking findings of the latest check, as dicts of the engine's Finding.
    blocking: list[dict] = field(default_factory=list)
    held_by_check: bool = False
    overridden: bool = False
    override_by: str = ""
    override_at: datetime | None = None
    override_reason: str = ""
    returned: StepNote | None = None
    needs_changes: bool = False
    history: list[StepNote] = field(default_factory=list)

    @property
    def has_something_to_say(self) -> bool:
        return self.held_by_check or self.overridden or self.returned is not None


def _current_workflow_state(item) -> WorkflowState | None:
    if not item or not item.pk:
        return None
    return WorkflowState.objects.for_instance(item).active().order_by("-created_at").first()


def _step_note(state: TaskState) -> StepNote:
    specific = state.specific
    outcome = OUTCOME_LABELS.get(state.status, state.status)
    comment = state.comment or ""
    if getattr(specific, "blocking_count", None) is not None and state.status == "approved":
        if state.finished_by_id is None:
            outcome = "自动通过"
        elif specific.blocking_count:
            outcome = "说明理由后放行"
            comment = comment.removeprefix(OVERRIDE_PREFIX)
    return StepNote(
        step=state.task.name,
        outcome=outcome,
        by=_person(state.finished_by) if state.finished_at else "",
        at=state.finished_at or state.started_at,
        comment=comment,
    )


def review_notes(item) -> ReviewNotes | None:
    """What the current run of the procedure has to say about `item`, or None outside it."""
    from govmedia.publishing.models.workflow import ContentCheckTaskState

    workflow_state = _current_workflow_state(item)
    if workflow_state is None:
        return None
    states = list(
        TaskState.objects.filter(workflow_state=workflow_state)
        .select_related("task", "finished_by")
        .order_by("started_at", "pk")
    )
    notes = ReviewNotes(
        workflow_state=workflow_state,
        needs_changes=workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES,
        history=[_step_note(state) for state in states],
    )
    checks = list(
        ContentCheckTaskState.objects.filter(workflow_state=workflow_state)
        .select_related("finished_by")
        .order_by("started_at", "pk")
    )
    if checks:
        check = checks[-1]
        notes.check_state = check
        notes.blocking = [
            f for f in (check.report or {}).get("findings", []) if f.get("severity") == "blocking"
        ]
        if check.blocking_count and check.status == TaskState.STATUS_APPROVED:
            notes.overridden = True
            notes.override_by = _person(check.finished_by)
            notes.override_at = check.finished_at
            notes.override_reason = (check.comment or "").removeprefix(OVERRIDE_PREFIX)
        notes.held_by_check = (
            check.blocking_count > 0
            and check.status == TaskState.STATUS_IN_PROGRESS
            and workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
        )
    rejected = [s for s in states if s.status == TaskState.STATUS_REJECTED]
    if rejected:
        notes.returned = _step_note(rejected[-1])
    return notes


def blocking_rows(findings: list[dict]) -> list[dict]:
    from govmedia.checks.findings import CATEGORY_LABELS

    return [
        {
            "category": CATEGORY_LABELS.get(f.get("category"), f.get("category")),
            "text": f.get("text", ""),
            "suggestion": f.get("suggestion", ""),
        }
        for f in findings
    ]


class CheckReportPanel(Panel):
    """The editor's status panel: the review notes, the check's report and the step history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "publishing/admin/check_report_panel.html"

        def is_shown(self):
            return latest_check_state(self.instance) is not None

        def get_context_data(self, parent_context=None):
            from govmedia.checks.engine import CheckReport
            from govmedia.checks.findings import CATEGORY_LABELS, SEVERITY_LABELS, Finding
            from govmedia.checks.rules.format import FindingGroup, group_findings
            from govmedia.checks.service import highlight_html

            context = super().get_context_data(parent_context)
            notes = review_notes(self.instance)
            state = notes.check_state if notes and notes.check_state else None
            state = state or latest_check_state(self.instance)
            report = state.report or {}
            findings = [Finding(**f) for f in report.get("findings", [])]
            rows = []
            # A rule's format findings are one row with a count, not 1,100 rows of commas.
            for entry in group_findings(findings):
                first = entry.first if isinstance(entry, FindingGroup) else entry
                rows.append(
                    {
                        "finding": first,
                        "count": entry.count if isinstance(entry, FindingGroup) else 1,
                        "category": CATEGORY_LABELS.get(first.category, first.category),
                        "severity": SEVERITY_LABELS.get(first.severity, first.severity),
                    }
                )
            context.update(
                {
                    "state": state,
                    "notes": notes,
                    "item": self.instance,
                    "findings": rows,
                    "format_fix": format_fix_offer(self.instance, self.request),
                    "highlighted": highlight_html(
                        CheckReport(text=report.get("text", ""), findings=findings)
                    ),
                }
            )
            return context


def format_fix_offer(item, request) -> dict | None:
    """The 一键修正 button's count and address, for whoever may edit the item; else None.

    The same questions as `do_fix_item_format` asks; the count is of the latest
    draft's body, which is what the button corrects.
    """
    from django.urls import reverse

    from govmedia.checks.rules.format import fix_html

    if request is None or not item.permissions_for_user(request.user).can_edit():
        return None
    lock = item.get_lock()
    if lock is not None and lock.for_user(request.user):
        return None  # under review, scheduled or locked by someone: Wagtail's edit view refuses too
    _, count = fix_html(str(item.get_latest_revision_as_object().body or ""))
    if not count:
        return None
    return {"count": count, "url": reverse("publishing_fix_format", args=[item.pk])}


def renditions_to_sign_off(item) -> list[dict] | None:
    """At the approval step: the stored renditions of the revision to be signed off, with links.

    None when the item is not at an approval step or has no channel with a
    rendering publisher; the rows are made now if the step began before.
    """
    from govmedia.publishing.models.workflow import ApprovalTask
    from govmedia.publishing.publishers import PUBLISHERS
    from govmedia.publishing.renditions import ensure_renditions, preview_for, preview_url

    if item is None or not item.pk:
        return None
    task = item.current_workflow_task
    if task is None or not isinstance(task.specific, ApprovalTask):
        return None
    revision = item.get_latest_revision()
    if revision is None:
        return None
    rows = []
    for rendition in ensure_renditions(revision):
        publisher = PUBLISHERS.get(rendition.publisher)
        label = preview_for(publisher()).label if publisher else rendition.publisher
        rows.append({"rendition": rendition, "label": label, "url": preview_url(rendition)})
    return rows or None


class RenditionsPanel(Panel):
    """At the approval step: each channel's rendition, linked, signed off with the item."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "publishing/admin/renditions_panel.html"

        def is_shown(self):
            return bool(self._rows())

        def _rows(self):
            if not hasattr(self, "_cached_rows"):
                self._cached_rows = renditions_to_sign_off(self.instance)
            return self._cached_rows

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["rows"] = self._rows()
            return context
