"""Scheduled publishing by the worker's scheduler, and the findings kept on published items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from govmedia.checks.models import ContentFinding
from govmedia.core import scheduler
from govmedia.publishing import actions
from govmedia.publishing.dashboard import overdue_scheduled
from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db


def _approve(people, item) -> None:
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    actions.do_workflow_action(people.approver, item, "approve")


def test_it_publishes_an_approved_item_when_its_time_comes_and_notes_a_late_one(people):
    item = draft_item(people.education, people.editor)
    item.go_live_at = timezone.now() + timedelta(hours=1)
    item.save_revision(user=people.editor)
    _approve(people, item)
    item.refresh_from_db()
    assert not item.live and not overdue_scheduled().exists()

    # The worker was down past the scheduled time: the home panel shows it waiting.
    later = timezone.now() + timedelta(hours=2)
    assert overdue_scheduled(now=later).exists()

    # Let the clock pass the scheduled time: the revision's own copy and its approval.
    past = timezone.now() - timedelta(hours=1)
    revision = item.get_latest_revision()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    scheduler.run_job_now("publish_scheduled")
    item.refresh_from_db()
    assert item.live
    late = PageLogEntry.objects.get(page=item, action="govmedia.published_late")
    assert late.data["minutes_late"] >= 59


def test_it_keeps_findings_of_published_items_for_inspection(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = published_item(people, body="<p>请各学校按装消防设施，联系人手机13812345678。</p>")
    findings = ContentFinding.objects.filter(page=item, state=ContentFinding.State.OPEN)
    assert {"typo", "privacy"} <= set(findings.values_list("category", flat=True))
