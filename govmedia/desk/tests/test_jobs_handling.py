"""The desk's periodic jobs: escalation, reminders, consultations that run out, intake left unfinished."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from govmedia.core import scheduler
from govmedia.desk import actions, jobs
from govmedia.desk.models import EventKind, Message, Status
from govmedia.desk.tests.handling import disclosure, new_message


@pytest.fixture
def overdue_consult(people):
    # A 咨询 (3 working days) received Monday 3 November 2025: due Thursday 6 November.
    message = new_message(people.education, received_on=date(2025, 11, 3))
    assert message.due_on == date(2025, 11, 6)
    return message


def test_the_worker_escalates_an_overdue_message_once(people, overdue_consult):
    assert jobs.escalate_overdue(today=date(2025, 11, 6)) == "0 escalated"  # due today: not late
    assert jobs.escalate_overdue(today=date(2025, 11, 7)) == "1 escalated"
    assert jobs.escalate_overdue(today=date(2025, 11, 10)) == "0 escalated"

    overdue_consult.refresh_from_db()
    assert overdue_consult.escalated_at is not None
    events = overdue_consult.events.filter(kind=EventKind.ESCALATED)
    assert events.count() == 1
    assert not events.get().public
    assert "1 个工作日" in events.get().text
    entry = ModelLogEntry.objects.get(action=actions.AUDIT_ESCALATE)
    assert entry.user is None  # the system
    assert entry.data["to"] == "超期督办"


def test_the_scheduled_job_escalates_once_when_run_twice(people, overdue_consult):
    scheduler.run_job_now("desk_escalate_overdue")
    scheduler.run_job_now("desk_escalate_overdue")
    assert overdue_consult.events.filter(kind=EventKind.ESCALATED).count() == 1


def test_a_run_killed_mid_way_loses_no_escalation(people, overdue_consult, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(actions, "audit", crash)
    with pytest.raises(RuntimeError):
        jobs.escalate_overdue(today=date(2025, 11, 7))
    overdue_consult.refresh_from_db()
    assert overdue_consult.escalated_at is None  # the claim went back with the transaction
    assert not overdue_consult.events.filter(kind=EventKind.ESCALATED).exists()

    monkeypatch.undo()
    assert jobs.escalate_overdue(today=date(2025, 11, 7)) == "1 escalated"


def test_an_answered_message_or_a_stopped_clock_is_never_escalated(people, overdue_consult):
    actions.do_answer_message(overdue_consult, people.editor, "报名时间为每年5月。")
    waiting = disclosure(people.education, received_on=date(2025, 9, 26))
    actions.do_request_correction_message(waiting, people.editor, "请补充", on=date(2025, 9, 29))
    assert jobs.escalate_overdue(today=date(2026, 3, 1)) == "0 escalated"


def test_it_reminds_the_department_once_before_the_deadline(
    people, overdue_consult, django_capture_on_commit_callbacks
):
    people.editor.email = "editor@edu.example.gov.cn"
    people.editor.save(update_fields=["email"])
    # Due Thursday 6 November; REMIND_BEFORE_DAYS = 1: on the 4th it is 2 working days away.
    assert jobs.remind_due(today=date(2025, 11, 4)) == "0 reminded"
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes after the commit
        assert jobs.remind_due(today=date(2025, 11, 5)) == "1 reminded"
    assert jobs.remind_due(today=date(2025, 11, 5)) == "0 reminded"
    assert overdue_consult.events.filter(kind=EventKind.REMINDED).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["editor@edu.example.gov.cn"]
    assert "2025年11月06日" in mail.outbox[0].body


def test_it_ends_a_consultation_the_third_party_let_run_out(people):
    message = disclosure(people.education, received_on=date(2025, 10, 10))
    actions.do_start_consultation_message(message, people.editor, "某公司", on=date(2025, 10, 13))
    # 15 working days from Monday 13 October: 14-17, 20-24, 27-31 Oct, 3 Nov.
    assert jobs.expire_consultations(today=date(2025, 11, 3)) == "0 consultations ended"
    assert jobs.expire_consultations(today=date(2025, 11, 4)) == "1 consultations ended"
    assert jobs.expire_consultations(today=date(2025, 11, 4)) == "0 consultations ended"
    message.refresh_from_db()
    assert message.status == Status.HANDLING
    ended = message.events.get(kind=EventKind.CONSULTATION_ENDED)
    assert ended.on == date(2025, 11, 3) and ended.data["expired"]
    # Received Friday 10 October: 20 working days is 6 November (see test_clock_life);
    # 15 more not counted: 7, 10-14, 17-21, 24-27 November.
    assert message.due_on == date(2025, 11, 27)


def test_it_processes_a_message_whose_intake_stopped_after_storing_it(people):
    stored = timezone.now() - timedelta(minutes=5)
    message = Message.objects.create(
        kind="consult",
        title="咨询公交线路",
        body="请问10路公交车末班车几点？",
        name="李四",
        query_code_hash="x",
        received_at=stored,
        received_on=timezone.localdate(stored),
    )
    fresh = Message.objects.create(
        kind="consult",
        title="咨询公交线路",
        body="请问11路公交车末班车几点？",
        name="李四",
        query_code_hash="y",
        received_at=timezone.now(),
        received_on=timezone.localdate(),
    )
    assert jobs.reprocess_received() == "1 reprocessed, 0 failed"
    message.refresh_from_db()
    fresh.refresh_from_db()
    assert message.due_on is not None
    assert fresh.due_on is None  # still within intake's own minute
    assert jobs.reprocess_received() == "0 reprocessed, 0 failed"


def test_a_provisional_deadline_becomes_exact_once_its_year_is_entered(
    people, django_capture_on_commit_callbacks
):
    from govmedia.workdays import actions as workdays_actions
    from govmedia.workdays.schedule import HOLIDAY, Entry

    # Received Sunday 20 December 2026; 2027 is not in the calendar: 20 working days on
    # weekends alone are 21-25, 28-31 Dec, 1 Jan, 4-8 and 11-15 Jan: 15 January, 暂定.
    message = disclosure(people.education, received_on=date(2026, 12, 20))
    assert (message.due_on, message.due_provisional) == (date(2027, 1, 15), True)
    assert jobs.refresh_provisional() == "0 deadlines changed, 0 now exact"
    with django_capture_on_commit_callbacks(execute=True):  # calendar_changed, after commit
        workdays_actions.do_save_holiday_year(
            people.admin,
            year=2027,
            entries=[Entry(day=date(2027, 1, 1), name="元旦", kind=HOLIDAY)],
            announced_by="国办发明电〔2026〕1号",
        )
    message.refresh_from_db()
    # 1 January off: the 20th working day moves to Monday 18 January.
    assert (message.due_on, message.due_provisional) == (date(2027, 1, 18), False)
    assert "暂定" not in actions.clock_state(message).lines[-1]


def test_a_later_deadline_earns_a_new_reminder(people, overdue_consult):
    assert jobs.remind_due(today=date(2025, 11, 5)) == "1 reminded"
    actions.do_extend_message(overdue_consult, people.approver, 5, "需要会同学校核实")
    overdue_consult.refresh_from_db()
    assert overdue_consult.reminded_at is None
    assert overdue_consult.due_on == date(2025, 11, 13)
    assert jobs.remind_due(today=date(2025, 11, 12)) == "1 reminded"
    assert overdue_consult.events.filter(kind=EventKind.REMINDED).count() == 2


def test_a_follow_up_is_reminded_before_and_escalated_after_its_deadline(
    client, people, django_capture_on_commit_callbacks
):
    # A bad rating on Friday 26 September 2025: its 回访 is due Friday 10 October
    # (5 working days over the National Day holiday).
    message = new_message(people.education, received_on=date(2025, 9, 22))
    actions.do_answer_message(message, people.editor, "已答复。", on=date(2025, 9, 24))
    message.rating = 1
    message.save(update_fields=["rating"])
    assert actions.open_follow_up(message, today=date(2025, 9, 26))
    assert message.follow_up_due == date(2025, 10, 10)
    people.editor.email = "editor@example.invalid"
    people.editor.save(update_fields=["email"])

    assert jobs.remind_follow_ups(today=date(2025, 10, 8)) == "0 follow-ups reminded"
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.remind_follow_ups(today=date(2025, 10, 9)) == "1 follow-ups reminded"
    assert jobs.remind_follow_ups(today=date(2025, 10, 9)) == "0 follow-ups reminded"
    assert any("回访将于2025年10月10日到期" in m.body for m in mail.outbox)

    assert jobs.escalate_follow_ups(today=date(2025, 10, 10)) == "0 follow-ups escalated"
    assert jobs.escalate_follow_ups(today=date(2025, 10, 13)) == "1 follow-ups escalated"
    assert jobs.escalate_follow_ups(today=date(2025, 10, 14)) == "0 follow-ups escalated"
    escalation = message.events.get(kind=EventKind.ESCALATED)
    assert "差评回访已超过期限" in escalation.text and not escalation.public

    # The supervisors' 超期督办 page lists it under 回访超期 until it is done.
    client.force_login(people.supervisor)
    body = client.get("/admin/desk/overdue/").content.decode()
    assert "回访超期" in body and message.title in body
    actions.do_follow_up_message(message, people.editor, "已电话回访。")
    body = client.get("/admin/desk/overdue/").content.decode()
    assert "回访超期" not in body
