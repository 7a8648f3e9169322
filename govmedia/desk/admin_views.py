"""The 政民互动 admin: the lists staff work from and the message page with its action forms.

Every view starts from `access.messages_for(user)`: a message outside it is a
404, so nobody learns of another department's messages. The lists for
supervisors and moderators answer 403 to others.
"""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from govmedia.desk import access, actions, queries
from govmedia.desk.forms import ACTION_FORMS, MessageFilterForm
from govmedia.desk.models import Message, Status
from govmedia.orgs.models import Department

PER_PAGE = 50
LIST_TEMPLATE = "desk/admin/list.html"


def forbidden(request, text: str) -> TemplateResponse:
    return TemplateResponse(request, "desk/admin/forbidden.html", {"message": text}, status=403)


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))


def _listed(queryset):
    return queryset.select_related("department")


def _render_list(request, title: str, queryset, **extra) -> TemplateResponse:
    page = _page(request, _listed(queryset))
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        LIST_TEMPLATE,
        {
            "title": title,
            "page": page,
            "today": timezone.localdate(),
            "query": query.urlencode(),
            **extra,
        },
    )


def todo(request):
    """待办: the open messages of the person's departments (all, for a supervisor), nearest deadline first."""
    mine = access.messages_for(request.user)
    return _render_list(
        request,
        "待办留言",
        queries.todo(mine),
        intro="本单位办理中的留言，按答复期限排列；红色为已超期，“暂定”表示该年度节假日安排尚未录入。",
        follow_ups=queries.follow_ups_due(mine).select_related("department")[:50],
        follow_ups_title="待回访",
    )


def overdue(request):
    """超期督办: overdue open messages, counted per department, for supervisors."""
    if not access.can_supervise(request.user):
        return forbidden(request, "超期督办列表仅供监管员查看。")
    late = queries.overdue(Message.objects.all())
    per_department = (
        late.order_by()
        .values("department_id", "department__name")
        .annotate(count=Count("id"), escalated=Count("id", filter=Q(escalated_at__isnull=False)))
        .order_by("-count")
    )
    department_id = request.GET.get("department")
    if department_id and department_id.isdigit():
        late = late.filter(department_id=int(department_id))
    return _render_list(
        request,
        "超期督办",
        late,
        intro="超过答复期限仍未答复的留言，以及超过回访期限仍未回访的差评留言。后台任务在超期后自动转入督办并记录。",
        per_department=per_department,
        follow_ups=queries.follow_ups_overdue(Message.objects.all()).select_related("department")[
            :200
        ],
        follow_ups_title="回访超期",
        selected_department=department_id or "",
    )


def moderation(request):
    """待审核: messages the content check held back (spam, advertisements)."""
    if not access.can_moderate(request.user):
        return forbidden(request, "您没有审核留言的权限。")
    return _render_list(
        request,
        "待审核留言",
        queries.moderation_queue(access.messages_for(request.user)),
        intro="内容检查命中广告、违禁等内容的留言，审核通过后进入分派和办理，不予受理的不会公开。",
        show_reason=True,
    )


def all_messages(request):
    """全部留言: filterable, paginated, exportable to .xlsx."""
    visible = access.messages_for(request.user)
    departments = Department.objects.filter(is_active=True).order_by("order", "id")
    if not access.can_supervise(request.user):
        departments = departments.filter(pk__in=access.handled_department_ids(request.user))
    form = MessageFilterForm(request.GET or None, departments=departments)
    if form.is_bound and form.is_valid():
        visible = form.filter(visible)
    if request.GET.get("export") == "xlsx":
        return _export(visible.select_related("department"))
    return _render_list(request, "全部留言", visible, filter_form=form, exportable=True)


EXPORT_COLUMNS = (
    ("受理编号", lambda m: m.number or ""),
    ("类型", lambda m: m.get_kind_display()),
    ("标题", lambda m: m.title),
    ("状态", lambda m: m.get_status_display()),
    ("承办单位", lambda m: str(m.department or "")),
    ("收到日期", lambda m: m.received_on),
    ("答复期限", lambda m: m.due_on),
    ("期限暂定", lambda m: "是" if m.due_provisional else ""),
    (
        "答复时间",
        lambda m: timezone.localtime(m.answered_at).replace(tzinfo=None) if m.answered_at else None,
    ),
    ("办理用时（工作日）", lambda m: m.handling_days),
    ("按期答复", lambda m: {True: "是", False: "否"}.get(m.on_time, "")),
    ("处理结果", lambda m: m.get_outcome_display()),
    ("评价", lambda m: m.get_rating_display() if m.rating else ""),
    ("督办", lambda m: "是" if m.escalated_at else ""),
)


def _export(queryset) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("留言")
    sheet.append([label for label, _ in EXPORT_COLUMNS])
    for message in queryset.iterator(chunk_size=2000):
        sheet.append([value(message) for _, value in EXPORT_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="messages-{date.today():%Y%m%d}.xlsx"'
    return response


def message_page(request, message_id: int):
    """One message: every field, attachments, the full timeline, the clock, and the forms allowed now."""
    message = get_object_or_404(
        access.messages_for(request.user).select_related("department", "item", "answered_by"),
        pk=message_id,
    )
    allowed = access.allowed_actions(request.user, message)
    bound = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTION_FORMS:
            return forbidden(request, "未知的操作。")
        if action not in allowed:
            # Say why: not this person's to do (403), or not in this state (back to the page).
            if not access.may(request.user, message, action):
                return forbidden(request, "您没有对该留言进行此项操作的权限。")
            flash.error(
                request,
                f"该留言当前为“{message.get_status_display()}”，不能{actions.ACTION_LABELS[action]}。",
            )
            return redirect("desk_message", message.pk)
        bound = ACTION_FORMS[action](request.POST, message=message)
        if bound.is_valid():
            try:
                bound.run(request.user)
            except PermissionDenied as exc:
                return forbidden(request, str(exc) or "您没有权限。")
            except ValidationError as exc:
                bound.add_error(None, exc)
            else:
                flash.success(request, f"已{actions.ACTION_LABELS[action]}。")
                return redirect("desk_message", message.pk)
    forms = [
        bound if bound is not None and bound.action == name else ACTION_FORMS[name](message=message)
        for name in allowed
    ]
    state = actions.clock_state(message) if message.status in _CLOCK_SHOWN else None
    days = _day_by_day(message, state)
    return TemplateResponse(
        request,
        "desk/admin/message.html",
        {
            "message": message,
            "events": message.events.select_related("user", "department"),
            "attachments": message.attachments.all(),
            "clock": state,
            "day_by_day": days,
            "forms": forms,
            "failed": bound.action if bound is not None else "",
            "today": timezone.localdate(),
            "overdue": message.is_open and message.due_on and message.due_on < timezone.localdate(),
        },
        status=400 if bound is not None else 200,
    )


def _day_by_day(message: Message, state) -> list[str]:
    """The calendar's own explanation of the deadline: which days were skipped, and why."""
    if state is None or state.due is None:
        return []
    from govmedia.desk.policy import deadline_days

    start = state.restarted_on or message.received_on
    total = deadline_days(message.kind) + state.extended_days + state.consultation_days
    return actions.calendar().explain(start, total)


_CLOCK_SHOWN = (
    Status.RECEIVED,
    Status.HANDLING,
    Status.AWAITING_CORRECTION,
    Status.CONSULTING,
    Status.ANSWERED,
    Status.CLOSED,
)
