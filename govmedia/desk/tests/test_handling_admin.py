"""The 政民互动 admin through HTTP: who sees which message, and the action forms."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from govmedia.desk import actions
from govmedia.desk.models import EventKind, Message, Outcome, OutcomeReason, Status
from govmedia.desk.tests.handling import disclosure, new_message


@pytest.fixture
def consult(people):
    return new_message(people.education)


def page(message: Message) -> str:
    return reverse("desk_message", args=[message.pk])


def test_another_departments_editor_neither_sees_nor_acts_on_a_message(client, people, consult):
    client.force_login(people.other_editor)
    assert client.get(page(consult)).status_code == 404
    response = client.post(page(consult), {"action": "answer", "answer-text": "已处理"})
    assert response.status_code == 404
    consult.refresh_from_db()
    assert consult.status == Status.HANDLING and consult.answer == ""
    assert consult.title not in client.get(reverse("desk_todo")).content.decode()
    assert consult.title not in client.get(reverse("desk_all")).content.decode()


def test_the_departments_editor_answers_through_the_form(client, people, consult):
    client.force_login(people.editor)
    body = client.get(page(consult)).content.decode()
    assert consult.title in body and "答复" in body and "期限计算" in body
    response = client.post(
        page(consult),
        {
            "action": "answer",
            "answer-text": "今年小学报名时间为5月10日至20日。",
            "answer-is_public": "on",
        },
    )
    assert response.status_code == 302
    consult.refresh_from_db()
    assert consult.status == Status.ANSWERED
    assert consult.answered_by == people.editor
    assert consult.is_public and consult.on_time and consult.handling_days == 0
    event = consult.events.get(kind=EventKind.ANSWERED)
    assert event.public and "5月10日" in event.text
    entry = ModelLogEntry.objects.get(action="govmedia.desk.answer")
    assert entry.user == people.editor
    assert (entry.data["from"], entry.data["to"]) == ("办理中", "已答复")
    # Answered: no second answer is offered, and a forged one is refused.
    body = client.get(page(consult)).content.decode()
    assert 'value="answer"' not in body
    client.post(page(consult), {"action": "answer", "answer-text": "第二次答复"})
    consult.refresh_from_db()
    assert consult.answer == "今年小学报名时间为5月10日至20日。"


def test_a_refused_answer_keeps_what_was_typed(client, people):
    request = disclosure(people.education)
    client.force_login(people.editor)
    typed = "经查，该文件属于内部管理信息，决定不予公开。<script>alert(1)</script>"
    response = client.post(
        page(request),
        {
            "action": "answer",
            "answer-text": typed,
            "answer-outcome": Outcome.NOT_DISCLOSED,
            "answer-outcome_reason": "",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "“不予公开”须选择相应的理由。" in body
    assert "经查，该文件属于内部管理信息，决定不予公开。&lt;script&gt;" in body
    assert "<script>alert(1)" not in body
    request.refresh_from_db()
    assert request.status == Status.HANDLING

    # A reason of another outcome is refused too; the right one is taken.
    response = client.post(
        page(request),
        {
            "action": "answer",
            "answer-text": typed,
            "answer-outcome": Outcome.NOT_DISCLOSED,
            "answer-outcome_reason": OutcomeReason.NOT_HELD,
        },
    )
    assert response.status_code == 400
    response = client.post(
        page(request),
        {
            "action": "answer",
            "answer-text": "不予公开。",
            "answer-outcome": Outcome.NOT_DISCLOSED,
            "answer-outcome_reason": OutcomeReason.INTERNAL,
            "answer-fee": "10",
        },
    )
    assert response.status_code == 400
    assert "只有予以公开或部分公开的申请才能收取信息处理费。" in response.content.decode()
    response = client.post(
        page(request),
        {
            "action": "answer",
            "answer-text": "不予公开。",
            "answer-outcome": Outcome.NOT_DISCLOSED,
            "answer-outcome_reason": OutcomeReason.INTERNAL,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.outcome, request.outcome_reason) == (Outcome.NOT_DISCLOSED, "internal")


def test_a_transfer_needs_a_reason_the_submitter_does_not_see(client, people, consult):
    client.force_login(people.editor)
    response = client.post(
        page(consult),
        {"action": "transfer", "transfer-department": people.transport.pk, "transfer-reason": ""},
    )
    assert response.status_code == 400
    assert "请填写转办理由。" in response.content.decode()
    response = client.post(
        page(consult),
        {
            "action": "transfer",
            "transfer-department": people.transport.pk,
            "transfer-reason": "属于公交线路问题，由交通运输局办理",
        },
    )
    assert response.status_code == 302
    consult.refresh_from_db()
    assert consult.department == people.transport
    event = consult.events.get(kind=EventKind.TRANSFERRED)
    assert event.public and "交通运输局" in event.text and "公交线路" not in event.text
    # Now it is the other department's: the first editor has lost it, the other has it.
    assert client.get(page(consult)).status_code == 404
    client.force_login(people.other_editor)
    assert client.get(page(consult)).status_code == 200


def test_the_supervisor_sees_the_overdue_list_and_editors_do_not(client, people):
    late = new_message(people.education, received_on=date(2025, 11, 3), title="逾期的咨询")
    client.force_login(people.editor)
    assert client.get(reverse("desk_overdue")).status_code == 403
    assert client.get(reverse("desk_moderation")).status_code == 403
    todo = client.get(reverse("desk_todo")).content.decode()
    assert "逾期的咨询" in todo and "已超期" in todo
    client.force_login(people.supervisor)
    body = client.get(reverse("desk_overdue")).content.decode()
    assert "逾期的咨询" in body and "示例市教育局" in body
    assert late.pk in [m.pk for m in client.get(reverse("desk_overdue")).context["page"]]


def test_moderation_approves_into_handling_or_rejects(client, people):
    held = new_message(people.education)
    Message.objects.filter(pk=held.pk).update(
        status=Status.MODERATION, department=None, due_on=None, moderation_reason="广告"
    )
    client.force_login(people.editor)
    assert client.post(page(held), {"action": "approve"}).status_code == 404
    client.force_login(people.supervisor)
    assert held.title in client.get(reverse("desk_moderation")).content.decode()
    assert client.post(page(held), {"action": "approve"}).status_code == 302
    held.refresh_from_db()
    assert held.status == Status.RECEIVED  # no rule matched: waits for dispatch
    assert held.due_on is not None
    response = client.post(
        page(held), {"action": "dispatch", "dispatch-department": people.education.pk}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Status.HANDLING and held.department == people.education


def test_all_messages_filter_and_export(client, people, consult):
    disclosure(people.education, title="申请公开校车采购合同")
    client.force_login(people.editor)
    response = client.get(reverse("desk_all"), {"kind": "disclosure"})
    titles = [m.title for m in response.context["page"]]
    assert titles == ["申请公开校车采购合同"]
    export = client.get(reverse("desk_all"), {"kind": "disclosure", "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("受理编号", "类型", "标题")
    assert [row[2] for row in rows[1:]] == ["申请公开校车采购合同"]


def test_an_extension_form_refused_keeps_the_reason(client, people):
    request = disclosure(people.education)
    client.force_login(people.editor)
    response = client.post(
        page(request), {"action": "extend", "extend-days": "20", "extend-reason": "需要逐项核实"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写批准人" in body and "需要逐项核实" in body
    assert not request.events.filter(kind=EventKind.EXTENDED).exists()


def test_a_bad_rating_opens_a_follow_up_before_closing(client, people, consult):
    actions.do_answer_message(consult, people.editor, "已答复。")
    consult.rating = 1
    consult.save(update_fields=["rating"])
    assert actions.open_follow_up(consult, today=date(2025, 9, 26))
    assert consult.follow_up_due == date(2025, 10, 10)  # 5 working days: 28-30 Sep, 9-10 Oct
    client.force_login(people.editor)
    body = client.get(page(consult)).content.decode()
    assert 'value="follow_up"' in body and 'value="close"' not in body
    client.post(
        page(consult), {"action": "follow_up", "follow_up-text": "已电话回访，解释了报名安排"}
    )
    consult.refresh_from_db()
    assert consult.followed_up_at is not None
    assert client.post(page(consult), {"action": "close"}).status_code == 302
    consult.refresh_from_db()
    assert consult.status == Status.CLOSED


def test_an_error_report_answered_as_corrected_links_the_items_revision(client, people):
    from govmedia.publishing.tests.factories import draft_item

    item = draft_item(people.education, people.editor)
    report = new_message(
        kind="error", item_id=item.pk, title="文中日期有误", body="应为9月1日，文中写成了9月31日。"
    )
    assert report.department == people.education  # routed to the item's department
    client.force_login(people.editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
    assert "本信息的留言 (1)" in edit
    listed = client.get(reverse("desk_all"), {"item": item.pk}).context["page"]
    assert [m.pk for m in listed] == [report.pk]
    assert "已更正" in client.get(page(report)).content.decode()
    response = client.post(
        page(report),
        {"action": "answer", "answer-text": "感谢指正，已更正。", "answer-corrected": "on"},
    )
    assert response.status_code == 302
    data = report.events.get(kind=EventKind.ANSWERED).data
    assert data["corrected"] and data["item_id"] == item.pk
    assert data["revision_id"] == item.latest_revision_id
    # Another department's editor sees no such link on an item they can open.
    client.force_login(people.other_editor)
    assert (
        "本信息的留言"
        not in client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
    )


def test_the_menu_shows_each_person_what_they_may_open(client, people):
    # The sidebar is rendered from JSON props: look for the menu's addresses.
    client.force_login(people.editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("desk_todo") in home and reverse("desk_overdue") not in home
    client.force_login(people.supervisor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("desk_overdue") in home and reverse("desk_moderation") in home
    assert reverse("desk_rules:index") in home


def test_supervisors_keep_the_routing_rules_and_a_new_message_follows_them(client, people):
    from govmedia.desk.models import RoutingRule

    client.force_login(people.editor)
    assert client.get(reverse("desk_rules:index")).status_code in (302, 403)
    client.force_login(people.supervisor)
    response = client.post(
        reverse("desk_rules:add"),
        {
            "name": "公交线路",
            "kinds": ["consult", "complaint"],
            "keywords": "公交\n地铁",
            "places": "",
            "department": people.transport.pk,
            "order": 1,
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.department, rule.kinds) == (people.transport, "consult,complaint")
    assert "咨询、投诉" in client.get(reverse("desk_rules:index")).content.decode()
    message = new_message(title="公交末班车", body="请问10路公交车末班车几点？")
    assert message.department == people.transport and message.status == Status.HANDLING


def test_the_message_page_explains_the_deadline_day_by_day(client, people):
    message = new_message(people.education, received_on=date(2025, 9, 26))
    client.force_login(people.editor)
    body = client.get(page(message)).content.decode()
    assert "答复期限：2025年09月30日" in body
    assert "计入：2025年9月28日（周日），调休上班（周日）" in body


def test_a_rejected_message_is_kept_never_public_and_the_reason_is_required(client, people):
    held = new_message(people.education, title="办证刻章")
    Message.objects.filter(pk=held.pk).update(status=Status.MODERATION, department=None)
    client.force_login(people.supervisor)
    response = client.post(page(held), {"action": "reject", "reject-reason": ""})
    assert response.status_code == 400 and "请填写理由。" in response.content.decode()
    assert client.post(page(held), {"action": "reject", "reject-reason": "广告"}).status_code == 302
    held.refresh_from_db()
    assert held.status == Status.REJECTED and not held.is_public
    response = client.get(page(held))
    assert "广告" in response.content.decode()
    assert [form.action for form in response.context["forms"]] == ["note"]  # nothing else to do


def test_a_supervisor_dispatches_by_the_rules_run_again(client, people):
    from govmedia.desk.models import RoutingRule

    waiting = new_message(title="地铁站出口", body="地铁站出口照明不足")
    assert waiting.status == Status.RECEIVED and waiting.department is None
    RoutingRule.objects.create(name="地铁", keywords="地铁", department=people.transport)
    client.force_login(people.supervisor)
    assert (
        client.post(page(waiting), {"action": "dispatch", "dispatch-department": ""}).status_code
        == 302
    )
    waiting.refresh_from_db()
    assert waiting.department == people.transport
    event = waiting.events.get(kind=EventKind.DISPATCHED)
    assert event.public and event.data["rule"] is True
