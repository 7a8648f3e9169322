"""The handling actions' rules that the forms do not show: publicity, outcomes, lateness, scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from govmedia.desk import access, actions, stats
from govmedia.desk.models import EventKind, Outcome, OutcomeReason, Status
from govmedia.desk.tests.handling import disclosure, new_message
from govmedia.devtools.testing import make_user
from govmedia.orgs.models import Department, DepartmentKind, Role


def test_a_late_answer_counts_its_working_days_and_is_not_on_time(people):
    # A 咨询 received Friday 26 September 2025 is due Tuesday 30 September (28 Sep is a
    # make-up workday); answered Thursday 9 October, after the holiday: 4 working days.
    message = new_message(people.education, received_on=date(2025, 9, 26))
    assert message.due_on == date(2025, 9, 30)
    actions.do_answer_message(message, people.editor, "已答复。", on=date(2025, 10, 9))
    assert message.handling_days == 4
    assert message.on_time is False
    # The statistics count it on the day given as the answer's, in October.
    assert message.answered_on == date(2025, 10, 9)
    report = stats.compute(stats.Period(date(2025, 9, 1), date(2025, 10, 31)))
    assert report.months == [("2025-09", 1, 0), ("2025-10", 0, 1)]
    assert report.total.days == {4: 1} and report.total.on_time == 0


def test_an_answer_is_public_only_when_the_submitter_and_the_law_allow(people):
    declined = new_message(people.education, wants_public=False)
    actions.do_answer_message(declined, people.editor, "已答复。", is_public=True)
    assert declined.is_public is False

    own_data = disclosure(people.education)
    actions.do_answer_message(
        own_data, people.editor, "予以公开。", outcome=Outcome.DISCLOSED, personal=True
    )
    assert own_data.is_public is False

    request = disclosure(people.education)
    actions.do_answer_message(
        request, people.editor, "予以公开，见附件。", outcome=Outcome.DISCLOSED, fee="0"
    )
    assert request.is_public is True
    assert request.outcome == Outcome.DISCLOSED


def test_awaiting_correction_the_only_answer_is_the_lapsed_request(people):
    request = disclosure(people.education, received_on=date(2025, 9, 26))
    actions.do_request_correction_message(request, people.editor, "请补充", on=date(2025, 9, 29))
    with pytest.raises(ValidationError, match="逾期不补正"):
        actions.do_answer_message(
            request, people.editor, "不予公开。", outcome=Outcome.NOT_DISCLOSED,
            outcome_reason=OutcomeReason.INTERNAL,
        )  # fmt: skip
    actions.do_answer_message(
        request, people.editor, "申请人逾期未补正，视为放弃申请。", outcome=Outcome.OTHER,
        outcome_reason=OutcomeReason.NO_CORRECTION,
    )  # fmt: skip
    assert request.status == Status.ANSWERED and request.on_time


def test_other_kinds_take_no_outcome_and_only_requests_take_a_correction_notice(people):
    message = new_message(people.education)
    with pytest.raises(ValidationError, match="只适用于依申请公开"):
        actions.do_answer_message(message, people.editor, "已答复。", outcome=Outcome.DISCLOSED)
    with pytest.raises(ValidationError, match="不能发出补正通知"):
        actions.do_request_correction_message(message, people.editor, "请补充")


def test_a_departments_staff_handle_the_messages_of_those_under_it_not_the_reverse(client, people):
    township = Department.objects.create(
        name="示例市某镇教育办",
        kind=DepartmentKind.TOWN,
        parent=people.education,
        code="11000000MB00000046",
    )
    clerk = make_user("clerk", "孙办事员", township, Role.EDITOR)
    below = new_message(township, title="镇中心小学午餐问题")
    above = new_message(people.education, title="全市招生政策")
    assert access.can_handle(people.editor, below)
    assert not access.can_handle(clerk, above)
    client.force_login(clerk)
    assert client.get(reverse("desk_message", args=[above.pk])).status_code == 404
    assert client.get(reverse("desk_message", args=[below.pk])).status_code == 200


def test_every_staff_action_is_in_the_site_history(client, people):
    message = new_message(people.education)
    actions.do_note_message(message, people.editor, "已电话联系学校核实")
    actions.do_answer_message(message, people.editor, "已答复。")
    assert set(ModelLogEntry.objects.for_instance(message).values_list("action", flat=True)) == {
        "govmedia.desk.note",
        "govmedia.desk.answer",
    }
    client.force_login(people.admin)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "答复：办理中 → 已答复" in history
    assert "记录办理情况：办理中 → 办理中" in history
    # The note is the staff's: not on the public timeline.
    assert not message.events.get(kind=EventKind.NOTE).public


def test_a_supervisor_may_act_anywhere_an_outsider_nowhere(people):
    message = new_message(people.education)
    with pytest.raises(PermissionDenied):
        actions.do_note_message(message, people.other_editor, "试图记录")
    actions.do_note_message(message, people.supervisor, "请尽快答复")
    assert access.allowed_actions(people.other_editor, message) == []
