"""Shared by the public side's tests: form data that passes, and an answered message."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from govmedia.desk.actions import Submission, add_event, do_submit_message
from govmedia.desk.models import EventKind, Message, Status
from govmedia.desk.public_forms import new_form_token
from govmedia.publishing.models import DepartmentIndexPage, DisclosureCategory, ItemPage

PERSON_ID = "11010519491231002X"  # GB 11643's example, check character X
ORG_CODE = "11000000MB00000027"


def consult_data(**overrides) -> dict:
    data = {
        "token": new_form_token(),
        "title": "关于小学入学报名时间的咨询",
        "body": "请问今年小学一年级入学网上报名从哪天开始？需要准备哪些材料？",
        "name": "张三",
        "phone": "13812345678",
        "email": "zhangsan@example.com",
        "notify_by": "",
        "wants_public": "on",
    }
    data.update(overrides)
    return data


def disclosure_data(**overrides) -> dict:
    data = {
        "token": new_form_token(),
        "applicant_type": "person",
        "name": "李四",
        "id_number": PERSON_ID,
        "contact_person": "",
        "phone": "13912345678",
        "email": "lisi@example.com",
        "address": "示例市人民路1号",
        "title": "2025年示例市义务教育学校招生计划",
        "body": "示例市教育局2025年发布的义务教育阶段招生计划及学区划分文件（文号不详）。",
        "delivery_form": "electronic",
        "delivery_way": "email",
        "notify_by": "email",
    }
    data.update(overrides)
    return data


def submit(kind="consult", **fields) -> Message:
    defaults = {
        "title": "关于小学入学报名时间的咨询",
        "body": "请问报名从哪天开始？",
        "name": "张三",
        "phone": "13812345678",
    }
    defaults.update(fields)
    return do_submit_message(Submission(kind=kind, **defaults)).message


def answer(message: Message, text: str, *, public: bool = True, department=None) -> Message:
    """Answer as staff would (the handling side's action is not on this branch): fields and event."""
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        status=Status.ANSWERED,
        answer=text,
        answered_at=now,
        answered_on=timezone.localdate(now),
        handling_days=2,
        on_time=True,
        is_public=public,
        department=department or message.department,
    )
    message.refresh_from_db()
    add_event(message, EventKind.ANSWERED, public=True, text="已答复", at=now)
    return message


def publish_item(people, title="关于做好2026年秋季招生工作的通知") -> ItemPage:
    parent = DepartmentIndexPage.objects.get(department=people.education)
    item = ItemPage(
        title=title,
        category=DisclosureCategory.objects.order_by("order", "id").first(),
        body="<p>各学校：现将今年招生工作安排通知如下。</p>",
        owner=people.editor,
        live=False,
    )
    parent.add_child(instance=item)
    revision = item.save_revision(user=people.editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        revision.publish(user=people.approver, skip_permission_checks=True)
    return ItemPage.objects.get(pk=item.pk)


def answer_as_staff(people, message: Message, text: str, **options) -> Message:
    """Dispatch (by the supervisor) where needed, then answer through the handling action."""
    from govmedia.desk.actions import do_answer_message, do_dispatch_message

    with TestCase.captureOnCommitCallbacks(execute=True):
        if message.department_id is None:
            do_dispatch_message(message, people.supervisor, people.education)
        do_answer_message(message, people.editor, text, **options)
    message.refresh_from_db()
    return message
