"""The six-stage procedure, driven by the demo-style people through the real actions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import PageLogEntry

from govmedia.publishing import actions
from govmedia.publishing.models import (
    ArchiveKind,
    ArchiveRecord,
    Delivery,
    DeliveryStatus,
    ItemPage,
)
from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db


def test_it_takes_an_item_through_review_sign_off_and_publication(
    people, client, django_capture_on_commit_callbacks
):
    item = draft_item(people.education, people.editor)
    assert item.index_number.startswith(people.education.code_compact + "/")

    actions.do_submit_item(people.editor, item)
    item.refresh_from_db()
    assert (
        item.current_workflow_task.specific.__class__.__name__ == "ReviewTask"
    )  # the check passed on its own

    actions.do_workflow_action(
        people.reviewer, item, "approve", content_ok=True, secrecy_ok=True, comment="同意"
    )
    item.refresh_from_db()
    assert item.current_workflow_task.specific.__class__.__name__ == "ApprovalTask"
    assert not item.live

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_workflow_action(people.approver, item, "approve")
    item = ItemPage.objects.get(pk=item.pk)
    assert item.live
    assert item.publish_date is not None

    record = ArchiveRecord.objects.get(page_id=item.pk)
    assert record.kind == ArchiveKind.PUBLISH and record.actor == "张领导"
    assert Delivery.objects.get(page_id=item.pk, publisher="portal").status == DeliveryStatus.SENT

    response = client.get(item.url)
    assert response.status_code == 200
    assert "秋季学期开学准备" in response.content.decode()


def test_it_stops_an_item_with_a_blocking_finding_until_a_reviewer_overrides_with_a_reason(people):
    body = "<p>补贴名单：张三，身份证号11010519491231002X，补贴金额500元。</p>"
    item = draft_item(people.education, people.editor, body=body)
    actions.do_submit_item(people.editor, item)
    item.refresh_from_db()
    state = item.current_workflow_task_state.specific
    assert state.blocking_count >= 1
    assert item.current_workflow_task.specific.__class__.__name__ == "ContentCheckTask"

    with pytest.raises(ValidationError):
        actions.do_workflow_action(people.reviewer, item, "override", comment="")
    actions.do_workflow_action(
        people.reviewer, item, "override", comment="名单经本人书面同意公开。"
    )
    item.refresh_from_db()
    assert item.current_workflow_task.specific.__class__.__name__ == "ReviewTask"
    state.refresh_from_db()
    assert "名单经本人书面同意公开" in state.comment


def test_it_does_not_let_a_reviewer_approve_their_own_item(people):
    from govmedia.orgs.models import Membership, Role

    Membership.objects.create(user=people.reviewer, department=people.education, role=Role.EDITOR)
    item = draft_item(people.education, people.reviewer)
    actions.do_submit_item(people.reviewer, item)
    with pytest.raises(PermissionDenied):
        actions.do_workflow_action(
            people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
        )


def test_it_requires_both_content_and_confidentiality_review(people):
    item = draft_item(people.education, people.editor)
    actions.do_submit_item(people.editor, item)
    with pytest.raises(ValidationError):
        actions.do_workflow_action(
            people.reviewer, item, "approve", content_ok=True, secrecy_ok=False
        )


def test_it_keeps_another_departments_editor_out(people):
    item = draft_item(people.education, people.editor)
    with pytest.raises(PermissionDenied):
        actions.do_submit_item(people.other_editor, item)
    actions.do_submit_item(people.editor, item)
    with pytest.raises(PermissionDenied):
        actions.do_workflow_action(
            people.other_editor, item, "approve", content_ok=True, secrecy_ok=True
        )


def test_it_sends_a_rejected_item_back_and_restarts_the_check_on_resubmission(people):
    item = draft_item(people.education, people.editor)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "reject", comment="请补充咨询电话。")
    item.refresh_from_db()
    assert item.current_workflow_state.status == "needs_changes"
    item.body = str(item.body) + "<p>咨询电话：0571-87654321。</p>"
    item.save_revision(user=people.editor)
    actions.do_submit_item(people.editor, item)
    item.refresh_from_db()
    assert item.current_workflow_state.status == "in_progress"


def test_it_files_a_correction_with_its_reason_and_keeps_the_first_text(people):
    item = published_item(people)
    item.body = "<p>更正后的正文：开学准备工作请于8月31日前完成。</p>"
    item.correction_note = ""
    with pytest.raises(ValidationError):
        item.save_revision(user=people.editor)
    item.correction_note = "开学准备截止日期有误，更正为8月31日。"
    item.save_revision(user=people.editor)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    actions.do_workflow_action(people.approver, item, "approve")

    records = list(ArchiveRecord.objects.filter(page_id=item.pk).order_by("seq"))
    assert [r.kind for r in records] == [ArchiveKind.PUBLISH, ArchiveKind.CORRECTION]
    assert "9月1日" in records[0].payload["body"]
    assert records[1].note == "开学准备截止日期有误，更正为8月31日。"
    assert PageLogEntry.objects.filter(page=item, action="govmedia.correct").exists()


def test_it_withdraws_only_with_a_reason_and_archives_the_withdrawal(people, client):
    item = published_item(people)
    with pytest.raises(ValidationError):
        actions.do_withdraw_item(people.approver, item, "  ")
    with pytest.raises(PermissionDenied):
        actions.do_withdraw_item(people.editor, item, "想撤")
    actions.do_withdraw_item(people.approver, item, "内容已被新文件替代。")
    item.refresh_from_db()
    assert not item.live
    last = ArchiveRecord.objects.filter(page_id=item.pk).order_by("-seq").first()
    assert last.kind == ArchiveKind.WITHDRAWAL and last.note == "【其他】内容已被新文件替代。"
    assert last.actor == "张领导"
    assert client.get(item.url_path.replace("/home-portal", "")).status_code == 410


def test_it_numbers_items_per_department_and_year_without_gaps(people):
    first = draft_item(people.education, people.editor, title="第一条")
    second = draft_item(people.education, people.editor, title="第二条")
    other = draft_item(people.transport, people.other_editor, title="交通第一条")
    assert first.index_number.endswith("-00001") and second.index_number.endswith("-00002")
    assert other.index_number.endswith("-00001")
    assert first.url_path.endswith(f"/{first.slug}/")
