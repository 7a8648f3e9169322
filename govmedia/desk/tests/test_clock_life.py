"""A disclosure request's life through 补正, a third-party consultation and an extension.

Every deadline below was counted by hand on the State Council's 2025 schedule
(国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号):
国庆节、中秋节 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班.
A deadline counts from the day after (次日起算).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from govmedia.desk import actions
from govmedia.desk.models import EventKind, Status
from govmedia.desk.tests.handling import disclosure


@pytest.fixture
def request_0926(people):
    # Friday 26 September 2025. 20 working days from the 27th: the 28th (make-up
    # Sunday) 1, 29-30 Sep 2-3, 1-8 Oct off, 9-10 Oct 4-5, Sat 11 Oct (make-up)
    # 6, 13-17 Oct 7-11, 20-24 Oct 12-16, 27-30 Oct 17-20: due Thursday 30 October.
    return disclosure(people.education, received_on=date(2025, 9, 26))


def test_it_moves_the_deadline_right_at_each_step(people, request_0926):
    message = request_0926
    editor = people.editor
    assert message.status == Status.HANDLING
    assert message.due_on == date(2025, 10, 30)
    assert not message.due_provisional

    # 补正 on Sunday 28 September (a make-up workday): 1 working day after receipt,
    # within the 7 allowed. The clock stops.
    actions.do_request_correction_message(
        message, editor, "请写明所需信息的文件名称或文号", on=date(2025, 9, 28)
    )
    assert message.status == Status.AWAITING_CORRECTION
    assert message.due_on is None

    # The corrected request arrives Friday 10 October: 20 working days again from the
    # 11th: Sat 11 Oct (make-up) 1, 13-17 Oct 2-6, 20-24 Oct 7-11, 27-31 Oct 12-16,
    # 3-6 Nov 17-20: due Thursday 6 November.
    actions.do_receive_correction_message(message, editor, on=date(2025, 10, 10))
    assert message.status == Status.HANDLING
    assert message.due_on == date(2025, 11, 6)

    # A third party is consulted on Monday 13 October; while it lasts its days do
    # not count: on the 15th, 2 days (14, 15) are left out, so 22 from 10 Oct: 10 Nov.
    actions.do_start_consultation_message(message, editor, "某建设公司", on=date(2025, 10, 13))
    assert message.status == Status.CONSULTING
    assert actions.clock_state(message, today=date(2025, 10, 15)).due == date(2025, 11, 10)

    # It ends Monday 20 October: 14-17 and 20 Oct, 5 working days, do not count:
    # 25 from 10 Oct: 7, 10, 11, 12, 13 Nov after the 6th: due Thursday 13 November.
    actions.do_end_consultation_message(message, editor, "第三方不同意公开", on=date(2025, 10, 20))
    assert message.status == Status.HANDLING
    assert message.due_on == date(2025, 11, 13)

    # Extended by 20 on 21 October with the head of the office's approval: 45 from
    # 10 Oct: 14, 17-21, 24-28 Nov, 1-5, 8-11 Dec: due Thursday 11 December.
    actions.do_extend_message(
        message, editor, 20, "涉及多个项目，需要逐项核实", approved_by="公开办主任 刘某",
        on=date(2025, 10, 21),
    )  # fmt: skip
    assert message.due_on == date(2025, 12, 11)

    state = actions.clock_state(message)
    assert state.due == date(2025, 12, 11)
    assert state.extended_days == 20 and state.consultation_days == 5
    assert any("2025年10月10日收到补正" in line for line in state.lines)
    assert state.lines[-1] == "答复期限：2025年12月11日"

    # What the submitter sees: every step, with the extension's reason; the third party's name stays inside.
    public = list(message.events.filter(public=True).values_list("kind", "text"))
    kinds = [kind for kind, _ in public]
    assert kinds == [
        EventKind.RECEIVED,
        EventKind.DISPATCHED,
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
        EventKind.CONSULTATION_STARTED,
        EventKind.CONSULTATION_ENDED,
        EventKind.EXTENDED,
    ]
    assert "请写明所需信息的文件名称或文号" in dict(public)[EventKind.CORRECTION_REQUESTED]
    assert "涉及多个项目" in dict(public)[EventKind.EXTENDED]
    assert not any("某建设公司" in text for _, text in public)


def test_it_extends_only_once(people, request_0926):
    actions.do_extend_message(request_0926, people.approver, 10, "需要调取档案")
    with pytest.raises(ValidationError, match="不能延期答复"):
        actions.do_extend_message(request_0926, people.approver, 10, "还需要时间")


def test_it_extends_by_at_most_20_working_days_with_an_approval(people, request_0926):
    with pytest.raises(ValidationError, match="1 至 20"):
        actions.do_extend_message(request_0926, people.approver, 21, "需要调取档案")
    # An editor needs the head of the office's approval on record; the 分管领导 approves by acting.
    with pytest.raises(ValidationError, match="批准人"):
        actions.do_extend_message(request_0926, people.editor, 20, "需要调取档案")
    actions.do_extend_message(request_0926, people.approver, 20, "需要调取档案")
    assert request_0926.due_on == date(2025, 11, 27)  # 40 from 26 Sep: 30 Oct + 20


def test_it_refuses_a_correction_notice_after_seven_working_days(people, request_0926):
    # 26 Sep + 7 working days: 28, 29, 30 Sep, 9, 10, 11 (make-up), 13 Oct. The 14th is the 8th.
    with pytest.raises(ValidationError, match="已过 8 个工作日"):
        actions.do_request_correction_message(
            request_0926, people.editor, "请补充说明", on=date(2025, 10, 14)
        )
    actions.do_request_correction_message(
        request_0926, people.editor, "请补充说明", on=date(2025, 10, 13)
    )
    assert request_0926.status == Status.AWAITING_CORRECTION


def test_another_departments_editor_cannot_move_the_clock(people, request_0926):
    with pytest.raises(PermissionDenied):
        actions.do_extend_message(request_0926, people.other_editor, 5, "理由", approved_by="某")
    request_0926.refresh_from_db()
    assert request_0926.due_on == date(2025, 10, 30)
