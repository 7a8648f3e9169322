"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2), JSON only, under /open311/v2/.

So that existing 12345-style and FixMyStreet-style clients can file and follow
messages: `services.json`, `services/{code}.json`, `requests.json` (GET and
POST) and `requests/{id}.json`. Each kind of message but 依申请公开 is one
service (a disclosure request needs identity fields Open311 does not carry;
it is filed through the portal or the JSON API). docs/desk-api.md lists the
mapping of fields and what is left out.

- A request is validated as the portal form's (`desk/validation.py`) and
  stored by `do_submit_message`; its id is the message's 受理编号, and the
  answer's `service_notice` carries the query code, the one time it is shown.
- GET answers never hold personal data: no name, phone, e-mail or postal
  address; the description and the answer are masked (`desk/masking.py`), and
  left empty for a message whose submitter did not agree to publication.
- Errors are Open311's: a JSON list of `{"code", "description"}` with the
  HTTP status in `code`. XML (`.xml`) is refused with 400 in that shape.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from govmedia.desk import ratelimit
from govmedia.desk.actions import Submission, add_event, do_submit_message
from govmedia.desk.masking import mask_free_text
from govmedia.desk.models import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    Kind,
    Message,
    MessageEvent,
    Status,
)
from govmedia.desk.policy import deadline_days
from govmedia.desk.validation import bound_form, form_errors

# service_code -> kind. The codes are the kinds' own names, stable for clients.
SERVICE_CODES: dict[str, str] = {
    "consult": Kind.CONSULT,
    "complaint": Kind.COMPLAINT,
    "suggestion": Kind.SUGGESTION,
    "help": Kind.HELP,
    "error": Kind.ERROR,
}
DESCRIPTIONS = {
    Kind.CONSULT: "就政策、办事等向政府部门提问",
    Kind.COMPLAINT: "对政府部门及其工作人员的投诉",
    Kind.SUGGESTION: "对政府工作的意见和建议",
    Kind.HELP: "生活中遇到困难，请求政府部门帮助",
    Kind.ERROR: "报告政府网站上的错误（错别字、链接失效、信息过时等）",
}
KEYWORDS = {
    Kind.CONSULT: "咨询,政策,办事",
    Kind.COMPLAINT: "投诉,举报",
    Kind.SUGGESTION: "建议,意见",
    Kind.HELP: "求助,困难",
    Kind.ERROR: "找错,纠错,网站",
}
GROUP = "政民互动"
# GeoReport v2: without filters, requests of the last 90 days, at most 1,000.
DEFAULT_WINDOW_DAYS = 90
MAX_RESULTS = 1000
TITLE_CHARS = 30
CLOSED_STATUSES = (Status.ANSWERED, Status.CLOSED)
# Never listed: spam held in moderation or refused there, and disclosure requests.
HIDDEN_STATUSES = (Status.MODERATION, Status.REJECTED)


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def error(status: int, description: str) -> HttpResponse:
    """Open311's error answer: a list of {code, description}."""
    return _json([{"code": status, "description": description}], status)


def _errors(status: int, descriptions: list[str]) -> HttpResponse:
    return _json([{"code": status, "description": d} for d in descriptions], status)


def _format_ok(fmt: str) -> HttpResponse | None:
    if fmt == "json":
        return None
    return error(400, "仅支持 JSON 格式（.json），不提供 XML。")


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _service(code: str, kind: str) -> dict[str, Any]:
    return {
        "service_code": code,
        "service_name": str(Kind(kind).label),
        "description": f"{DESCRIPTIONS[kind]}（{deadline_days(kind)}个工作日内答复）",
        "metadata": False,
        "type": "realtime",
        "keywords": KEYWORDS[kind],
        "group": GROUP,
    }


def _only(request: HttpRequest, *methods: str) -> HttpResponse | None:
    if request.method in methods or (request.method == "HEAD" and "GET" in methods):
        return None
    response = error(405, "该地址不支持此请求方法。")
    response["Allow"] = ", ".join(methods)
    return response


@csrf_exempt
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _only(request, "GET") or _format_ok(fmt)
    if refused:
        return refused
    return _json([_service(code, kind) for code, kind in SERVICE_CODES.items()])


@csrf_exempt
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    refused = _only(request, "GET") or _format_ok(fmt)
    if refused:
        return refused
    if code not in SERVICE_CODES:
        return error(404, f"没有服务代码 {code}。")
    # No service has extra attributes (metadata false): the definition lists none.
    return _json({"service_code": code, "attributes": []})


@csrf_exempt
def requests_(request: HttpRequest, fmt: str) -> HttpResponse:
    refused = _only(request, "GET", "POST") or _format_ok(fmt)
    if refused:
        return refused
    if request.method == "POST":
        return _create(request)
    return _list(request)


@csrf_exempt
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    refused = _only(request, "GET") or _format_ok(fmt)
    if refused:
        return refused
    message = _visible().filter(number=request_id).first()
    if message is None:
        return error(404, f"没有编号为 {request_id} 的诉求。")
    return _json([_request_out(message)])


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(404, "没有这个接口地址。")


def _float(value: str, name: str, problems: list[str]) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        problems.append(f"{name} 应为数字。")
        return None


def _create(request: HttpRequest) -> HttpResponse:
    data = request.POST
    code = data.get("service_code", "").strip()
    if not code:
        return error(400, "缺少 service_code。")
    if code not in SERVICE_CODES:
        return error(404, f"没有服务代码 {code}。")
    problems: list[str] = []
    lat = _float(data.get("lat", "").strip(), "lat", problems)
    long = _float(data.get("long", "").strip(), "long", problems)
    address = data.get("address_string", "").strip()
    if problems:
        return _errors(400, problems)
    if (lat is None or long is None) and not address and not data.get("address_id"):
        return error(400, "须提供位置：lat 和 long，或 address_string。")
    description = data.get("description", "").strip()
    name = " ".join(
        p for p in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if p
    ).strip()
    media_url = data.get("media_url", "").strip()
    key = request.headers.get("Idempotency-Key", "").strip()[:56]
    client_key = f"open311:{key}" if key else None
    if client_key:
        first = Message.objects.filter(client_key=client_key).first()
        if first is not None:
            return _json([_created(first, "")], 201)
    kind = SERVICE_CODES[code]
    form = bound_form(
        kind,
        {
            "title": _title(description),
            "body": description,
            "name": name or "匿名",
            "phone": data.get("phone", "").strip(),
            "email": data.get("email", "").strip(),
            "place": address,
            "wants_public": True,
        },
    )
    if not form.is_valid():
        names = {"body": "description", "title": "description", "place": "address_string"}
        return _errors(
            400,
            [f"{names.get(f, f)}：{t}" for f, texts in form_errors(form).items() for t in texts],
        )
    ip = request.META.get("REMOTE_ADDR") or None
    refusal = ratelimit.submission_refusal(
        ip, form.cleaned_data.get("phone", ""), form.cleaned_data.get("email", "")
    )
    if refusal is not None:
        response = error(429, refusal.text)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    submission = Submission(
        **{**form.submission_fields(), "place": address},
        latitude=lat,
        longitude=long,
        channel=Channel.OPEN311,
        client_key=client_key,
        submitter_ip=ip,
    )
    result = do_submit_message(submission)
    if media_url and not result.duplicate:
        add_event(result.message, EventKind.NOTE, text="Open311 附件链接", media_url=media_url)
    return _json([_created(result.message, result.query_code)], 201)


def _title(description: str) -> str:
    first = description.splitlines()[0] if description else ""
    return first[:TITLE_CHARS] + ("…" if len(first) > TITLE_CHARS else "")


def _created(message: Message, code: str) -> dict[str, Any]:
    notice = (
        f"已受理，请在 {message.due_on:%Y-%m-%d} 前留意答复。" if message.due_on else "已受理。"
    )
    if code:
        notice += f"查询码：{code}（请妥善保存，凭受理编号和查询码在门户查询办理进度）。"
    return {"service_request_id": message.number, "service_notice": notice, "account_id": None}


def _visible():
    return (
        Message.objects.filter(kind__in=list(SERVICE_CODES.values()))
        .exclude(status__in=HIDDEN_STATUSES)
        .exclude(number__isnull=True)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=MessageEvent.objects.filter(
                    kind=EventKind.NOTE, data__has_key="media_url"
                ),
                to_attr="media_events",
            )
        )
    )


def _list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    qs = _visible()
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        # GeoReport v2: with service_request_id every other filter is ignored.
        messages = list(qs.filter(number__in=ids[:MAX_RESULTS]))
        return _json([_request_out(m) for m in messages])
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    unknown_codes = [c for c in codes if c not in SERVICE_CODES]
    if unknown_codes:
        return error(400, f"没有服务代码 {'、'.join(unknown_codes)}。")
    if codes:
        qs = qs.filter(kind__in=[SERVICE_CODES[c] for c in codes])
    statuses = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        return error(400, "status 只能是 open 或 closed。")
    if statuses == ["open"]:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif statuses == ["closed"]:
        qs = qs.filter(status__in=CLOSED_STATUSES)
    try:
        start = _when(params.get("start_date", ""), end=False)
        end = _when(params.get("end_date", ""), end=True)
    except ValueError:
        return error(
            400, "start_date、end_date 应为 ISO 8601 日期时间，如 2026-01-01T00:00:00+08:00。"
        )
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    if start is not None:
        qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lte=end)
    messages = list(qs.order_by("-received_at", "-id")[:MAX_RESULTS])
    return _json([_request_out(m) for m in messages])


def _when(value: str, *, end: bool) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    parsed = parse_datetime(
        value.replace(" ", "+")
    )  # a "+" left unescaped in a query arrives as " "
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        parsed = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _request_out(m: Message) -> dict[str, Any]:
    public_text = m.wants_public
    answered = m.status in CLOSED_STATUSES and m.answered_at is not None
    media = [e.data["media_url"] for e in getattr(m, "media_events", [])]
    code = next(c for c, k in SERVICE_CODES.items() if k == m.kind)
    expected = (
        timezone.make_aware(dt.datetime.combine(m.due_on, dt.time(23, 59, 59)))
        if m.due_on
        else None
    )
    return {
        "service_request_id": m.number,
        "status": "closed" if m.status in CLOSED_STATUSES else "open",
        "status_notes": mask_free_text(m.answer)
        if answered and public_text and m.is_public
        else "",
        "service_name": str(Kind(m.kind).label),
        "service_code": code,
        "description": mask_free_text(m.body) if public_text else "",
        "agency_responsible": m.department.name if m.department else "",
        "service_notice": "",
        "requested_datetime": _iso(m.received_at),
        "updated_datetime": _iso(m.updated_at),
        "expected_datetime": _iso(expected),
        "address": mask_free_text(m.place) if public_text else "",
        "address_id": None,
        "zipcode": None,
        "lat": m.latitude,
        "long": m.longitude,
        "media_url": media[0] if media and public_text else None,
    }


FMT = r"\.(?P<fmt>json|xml|[A-Za-z0-9]+)"
urlpatterns = [
    re_path(rf"^services{FMT}$", services, name="open311-services"),
    re_path(rf"^services/(?P<code>[^/]+?){FMT}$", service_definition, name="open311-service"),
    re_path(rf"^requests{FMT}$", requests_, name="open311-requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+?){FMT}$", request_detail, name="open311-request"),
    path("<path:rest>", unknown),
    path("", unknown),
]
