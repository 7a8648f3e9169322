"""Messages for the handling tests, made as intake makes them, received on a chosen day."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from govmedia.desk import actions
from govmedia.desk.models import Kind, Message


def new_message(
    department=None, *, kind: str = Kind.CONSULT, received_on: date | None = None, **fields
) -> Message:
    submission = actions.Submission(
        kind=kind,
        title=fields.pop("title", "关于学校招生政策的咨询"),
        body=fields.pop("body", "请问今年小学招生的报名时间是什么时候？"),
        name=fields.pop("name", "张三"),
        phone=fields.pop("phone", "13800000000"),
        department_id=department.pk if department is not None else None,
        **fields,
    )
    message = actions.do_submit_message(submission).message
    if received_on is not None:
        at = timezone.make_aware(datetime.combine(received_on, time(9, 30)))
        Message.objects.filter(pk=message.pk).update(received_on=received_on, received_at=at)
        message.refresh_from_db()
        actions.refresh_clock(message)
    return message


def disclosure(department, received_on: date | None = None, **fields) -> Message:
    fields.setdefault("title", "申请公开2025年学校建设项目资金安排")
    fields.setdefault("body", "申请公开示例市2025年中小学校建设项目的资金安排文件。")
    fields.setdefault("applicant_type", "person")
    fields.setdefault("id_number", "110101199003070000")
    fields.setdefault("delivery_form", "electronic")
    fields.setdefault("delivery_way", "email")
    return new_message(department, kind=Kind.DISCLOSURE, received_on=received_on, **fields)
