"""The citizen desk's JSON API under /api/v1/desk/ (docs/desk-api.md).

File a message (any kind; a client's `Idempotency-Key` makes a resend land on
the first message), follow it with its number and query code, read the
answered messages that are public (personal data masked), and list the kinds.
Validation is the portal form's (`desk/validation.py`); a refused submission
is a 422 in the API's one error shape, with the reasons by field.
"""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Annotated, Literal

from django.db.models import Q
from django.http import Http404, HttpResponse
from ninja import Field, Header, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as Answer
from pydantic import AfterValidator

from govmedia.core.api_errors import ErrorDetail, error_body, error_responses
from govmedia.desk import ratelimit
from govmedia.desk.actions import Submission, do_submit_message
from govmedia.desk.masking import mask_free_text, mask_name
from govmedia.desk.models import (
    Channel,
    Kind,
    Message,
    Rating,
    Status,
)
from govmedia.desk.policy import deadline_days
from govmedia.desk.publicview import public_answers
from govmedia.desk.validation import bound_form, form_errors
from govmedia.publishing.api import MAX_ID, MAX_PAGE_SIZE, ItemPagination, _no_nul

router = Router(tags=["desk"])

INVALID_SUBMISSION = "invalid_submission"
RATE_LIMITED = "rate_limited"
KIND_CODES = tuple(Kind.values)
KindCode = Literal["consult", "complaint", "suggestion", "help", "error", "disclosure"]
Text = Annotated[str, AfterValidator(_no_nul)]
# The statuses a submitter sees while a message is in moderation: it is simply received.
PUBLIC_STATUS = {Status.MODERATION: Status.RECEIVED}


class FieldErrorDetail(ErrorDetail):
    # Present for a refused submission (invalid_submission); absent for a body of
    # the wrong shape or type (invalid_request), answered by the API's own handler.
    fields: dict[str, list[str]] | None = None


class FieldErrorOut(Schema):
    """The API's error shape, with the reasons by field of a refused submission."""

    error: FieldErrorDetail


class MessageIn(Schema):
    kind: KindCode = Field(
        ...,
        description="consult 咨询, complaint 投诉, suggestion 建议, help 求助, error 找错, disclosure 依申请公开",
    )
    title: Text = Field(..., max_length=120)
    body: Text = Field(..., max_length=20000)
    name: Text = Field(..., max_length=100, description="姓名或名称")
    phone: Text = Field("", max_length=30)
    email: Text = Field("", max_length=254)
    address: Text = Field("", max_length=200)
    applicant_type: Literal["", "person", "organisation"] = Field(
        "", description="依申请公开：申请人类型"
    )
    organisation_kind: Literal["", "business", "research", "charity", "legal", "other"] = Field(
        "",
        description="依申请公开，法人或其他组织：business 商业企业, research 科研机构, "
        "charity 社会公益组织, legal 法律服务机构, other 其他",
    )
    id_number: Text = Field(
        "", max_length=40, description="依申请公开：身份证件号码或统一社会信用代码"
    )
    contact_person: Text = Field("", max_length=60)
    delivery_form: Literal["", "paper", "electronic", "disc", "other"] = ""
    delivery_way: Literal["", "post", "email", "pick_up", "fax", "online"] = ""
    wants_public: bool = Field(True, description="同意答复后在门户公开（个人信息隐去）")
    notify_by: Literal["", "sms", "email"] = ""
    item: Text | None = Field(None, max_length=60, description="相关信息的索引号")
    place: Text = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class SubmittedOut(Schema):
    number: str
    query_code: str | None = Field(None, description="查询码：只在第一次提交的答复中出现一次")
    status: str
    status_display: str
    due_on: dt.date | None
    duplicate: bool


class EventOut(Schema):
    kind: str
    kind_display: str
    at: dt.datetime
    text: str


class StatusOut(Schema):
    number: str
    kind: str
    kind_display: str
    title: str
    status: str
    status_display: str
    department: str | None
    received_on: dt.date
    due_on: dt.date | None
    due_provisional: bool
    answered_at: dt.datetime | None
    answer: str
    outcome: str
    outcome_display: str
    rating: int | None
    timeline: list[EventOut]


class PublicMessageOut(Schema):
    number: str
    kind: str
    kind_display: str
    title: str
    body: str
    name: str
    department: str | None
    received_on: dt.date
    answered_on: dt.date | None
    answer: str
    on_time: bool | None
    rating: int | None
    rating_display: str


class PublicFilters(Schema):
    kind: KindCode | None = None
    department: int | None = Field(None, ge=1, le=MAX_ID, description="承办单位 id")
    q: Text | None = Field(None, max_length=50, description="标题或内容中的词")


class KindOut(Schema):
    code: str
    name: str
    deadline_workdays: int
    open311_service_code: str | None


class _Refused(Exception):
    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("refused")
        self.fields = fields


def _item_id(index_number: str | None) -> int | None:
    if not index_number:
        return None
    from govmedia.publishing.models import ItemPage

    item_id = (
        ItemPage.objects.live()
        .filter(index_number=index_number)
        .values_list("pk", flat=True)
        .first()
    )
    if item_id is None:
        raise _Refused({"item": ["没有该索引号的已发布信息。"]})
    return item_id


def refused_body(fields: dict[str, list[str]], message: str = "") -> dict:
    names = "、".join(fields)
    return {
        "error": {
            "code": INVALID_SUBMISSION,
            "message": message or f"提交的内容不符合要求，请检查：{names}。",
            "fields": fields,
        }
    }


@router.post(
    "/messages",
    response={
        200: SubmittedOut,
        201: SubmittedOut,
        422: FieldErrorOut,
        **error_responses(400, 429),
    },
    summary="File a message (咨询、投诉、建议、求助、找错、依申请公开)",
    description=(
        "201：新留言，答复中含受理编号和查询码（只出现这一次）。"
        "同一 Idempotency-Key 再次提交返回 200 和第一次的受理编号，不含查询码，不会重复受理。"
        "400 invalid_body：正文不是 JSON。422：内容不符合要求，error.fields 按字段列出原因。"
        "429 rate_limited：同一地址或联系方式提交过于频繁，Retry-After 头给出等待秒数。"
    ),
)
def submit(
    request,
    response: HttpResponse,
    payload: MessageIn,
    idempotency_key: Annotated[
        str | None,
        Header(
            None,
            alias="Idempotency-Key",
            max_length=64,
            description="客户端生成的唯一键，重发时相同",
        ),
    ] = None,
):
    if idempotency_key:
        first = Message.objects.filter(client_key=f"api:{idempotency_key}").first()
        if first is not None:
            return Answer(200, _submitted(first, "", duplicate=True))
    try:
        item_id = _item_id(payload.item)
    except _Refused as refused:
        return Answer(422, refused_body(refused.fields))
    form = bound_form(payload.kind, payload.dict(exclude={"kind", "item", "latitude", "longitude"}))
    if not form.is_valid():
        return Answer(422, refused_body(form_errors(form)))
    ip = request.META.get("REMOTE_ADDR") or None
    refusal = ratelimit.submission_refusal(
        ip, form.cleaned_data.get("phone", ""), form.cleaned_data.get("email", "")
    )
    if refusal is not None:
        response["Retry-After"] = str(refusal.retry_after)
        return Answer(429, error_body(RATE_LIMITED, refusal.text))
    fields = form.submission_fields()
    if payload.kind not in (Kind.COMPLAINT, Kind.HELP):
        fields["place"] = payload.place  # the form asks for a place only for these two
    submission = Submission(
        **fields,
        item_id=item_id,
        latitude=payload.latitude,
        longitude=payload.longitude,
        channel=Channel.API,
        client_key=f"api:{idempotency_key}" if idempotency_key else None,
        submitter_ip=ip,
    )
    result = do_submit_message(submission)
    return Answer(
        200 if result.duplicate else 201,
        _submitted(result.message, result.query_code, result.duplicate),
    )


def _submitted(message: Message, code: str, duplicate: bool) -> dict:
    status = PUBLIC_STATUS.get(message.status, message.status)
    return {
        "number": message.number,
        "query_code": code or None,
        "status": status,
        "status_display": str(Status(status).label),
        "due_on": message.due_on,
        "duplicate": duplicate,
    }


def find_with_code(number: str, code: str) -> Message:
    """The message with this number if the code is its own; else 404 (never saying which was wrong)."""
    message = Message.objects.select_related("department").filter(number=number).first()
    if message is None or not code or not message.check_query_code(code):
        raise Http404
    return message


@router.get(
    "/messages/{number}",
    response={200: StatusOut, **error_responses(404, 422, 429)},
    summary="A message's public status, with its query code",
    description=(
        "查询码放在请求头 X-Query-Code 或参数 code 中；编号或查询码不对一律 404。"
        "同一地址输错次数过多时 429 rate_limited。"
    ),
)
def message_status(
    request,
    number: Annotated[str, AfterValidator(_no_nul)],
    code: Annotated[str | None, Query(None, max_length=20, description="查询码")] = None,
    x_query_code: Annotated[str | None, Header(None, alias="X-Query-Code", max_length=20)] = None,
):
    ip = request.META.get("REMOTE_ADDR") or ""
    refusal = ratelimit.lookup_refusal(ip)
    if refusal is not None:
        return Answer(429, error_body(RATE_LIMITED, refusal.text))
    try:
        message = find_with_code(number, x_query_code or code or "")
    except Http404:
        ratelimit.record_lookup_failure(ip)
        raise
    status = PUBLIC_STATUS.get(message.status, message.status)
    return {
        "number": message.number,
        "kind": message.kind,
        "kind_display": message.get_kind_display(),
        "title": message.title,
        "status": status,
        "status_display": str(Status(status).label),
        "department": message.department.name if message.department else None,
        "received_on": message.received_on,
        "due_on": message.due_on,
        "due_provisional": message.due_provisional,
        "answered_at": message.answered_at,
        "answer": message.answer if message.answered_at else "",
        "outcome": message.outcome,
        "outcome_display": message.get_outcome_display() if message.outcome else "",
        "rating": message.rating,
        "timeline": [
            {"kind": e.kind, "kind_display": e.get_kind_display(), "at": e.at, "text": e.text}
            for e in message.events.filter(public=True).order_by("at", "id")
        ],
    }


@router.get(
    "/public",
    response={200: list[PublicMessageOut], **error_responses(422)},
    summary="Answered messages made public, newest answer first (personal data masked)",
)
@paginate(ItemPagination, page_size=20, max_page_size=MAX_PAGE_SIZE)
def public_list(request, filters: Query[PublicFilters]):
    qs = public_answers(Message.objects.filter(wants_public=True))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.q:
        qs = qs.filter(Q(title__contains=filters.q) | Q(body__contains=filters.q))
    return _PublicPage(qs)


class _PublicPage:
    """The queryset, sliced by the paginator, then masked row by row."""

    def __init__(self, qs) -> None:
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return [_public(m) for m in self.qs[index]]


def _public(m: Message) -> dict:
    return {
        "number": m.number,
        "kind": m.kind,
        "kind_display": m.get_kind_display(),
        "title": mask_free_text(m.title),
        "body": mask_free_text(m.body),
        "name": mask_name(m.name),
        "department": m.department.name if m.department else None,
        "received_on": m.received_on,
        "answered_on": m.answered_on,
        "answer": mask_free_text(m.answer),
        "on_time": m.on_time,
        "rating": m.rating,
        "rating_display": str(Rating(m.rating).label) if m.rating else "",
    }


@router.get(
    "/kinds", response={200: list[KindOut], **error_responses()}, summary="Kinds of message"
)
def kinds(request):
    from govmedia.desk.open311 import SERVICE_CODES

    codes = {kind: code for code, kind in SERVICE_CODES.items()}
    return [
        {
            "code": kind.value,
            "name": str(kind.label),
            "deadline_workdays": deadline_days(kind),
            "open311_service_code": codes.get(kind.value),
        }
        for kind in Kind
    ]
