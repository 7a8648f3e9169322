"""The public side of the desk: file a message, follow it with its code, read the answers.

Plain function views: read, validate, call the action, render. Everything
public goes through `desk/masking.py`; templates escape every text, so a
script typed into a message is shown as text.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govmedia.core.logins import client_address
from govmedia.core.params import QueryParams
from govmedia.core.uploads import FORM_OVERHEAD_BYTES, MB, body_limit
from govmedia.desk import actions, ratelimit
from govmedia.desk.models import Attachment, Kind, Message, Status
from govmedia.desk.public_actions import do_rate_message
from govmedia.desk.public_forms import (
    DisclosureForm,
    MessageForm,
    RatingForm,
    TrackForm,
    attachment_rules_text,
    client_key_for,
    new_form_token,
    query_code_for,
)
from govmedia.desk.publicview import (
    entries,
    public_answers,
    public_count,
    public_message,
    track_view,
)

logger = logging.getLogger(__name__)

# The address of each kind's form (/hudong/xiexin/<slug>/), and what its page says.
KIND_SLUGS = {
    "zixun": Kind.CONSULT,
    "tousu": Kind.COMPLAINT,
    "jianyi": Kind.SUGGESTION,
    "qiuzhu": Kind.HELP,
    "zhaocuo": Kind.ERROR,
    "yisqgk": Kind.DISCLOSURE,
}
SLUG_OF = {kind: slug for slug, kind in KIND_SLUGS.items()}
KIND_INTROS = {
    Kind.CONSULT: "对政策、办事流程等有疑问，可以向有关单位咨询。",
    Kind.COMPLAINT: "对行政机关及其工作人员的作为或不作为进行投诉。",
    Kind.SUGGESTION: "对政府工作提出意见和建议。",
    Kind.HELP: "遇到困难需要政府部门帮助解决。",
    Kind.ERROR: "发现本网站的错别字、错误信息、无法打开的链接等，请告诉我们。",
    Kind.DISCLOSURE: "依据《中华人民共和国政府信息公开条例》，申请获取主动公开以外的政府信息。",
}
PAGE_SIZE = 20
COUNTS_SECONDS = 600
RECENT_ON_INDEX = 8


def _kinds() -> list[dict]:
    return [
        {"slug": SLUG_OF[kind], "kind": kind, "label": kind.label, "intro": KIND_INTROS[kind]}
        for kind in Kind
    ]


def _upload_limit() -> int:
    return (
        settings.GOVMEDIA_DESK_MAX_FILES * settings.GOVMEDIA_DESK_MAX_FILE_MB * MB
        + FORM_OVERHEAD_BYTES
    )


def _too_large(request: HttpRequest) -> HttpResponse:
    # The body was refused unread (core/uploads.py): nothing of it can be shown again.
    return render(
        request,
        "desk/public/too_large.html",
        {"rules": attachment_rules_text(), "back": request.path},
        status=413,
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    counts = year_counts(year)
    recent = entries(public_answers(Message.objects.all())[:RECENT_ON_INDEX])
    return render(
        request,
        "desk/public/index.html",
        {
            "kinds": _kinds(),
            "recent": recent,
            "counts": counts,
            "year": year,
            "desk_section": "index",
        },
    )


def year_counts(year: int) -> dict[str, int]:
    """This year's figures on the index, computed at most every COUNTS_SECONDS."""
    key = f"desk:year-counts:{year}"
    counts = cache.get(key)
    if counts is None:
        start = timezone.make_aware(datetime(year, 1, 1))
        counts = Message.objects.filter(received_at__gte=start).aggregate(
            received=Count("id", filter=~Q(status__in=[Status.MODERATION, Status.REJECTED])),
            answered=Count("id", filter=Q(status__in=[Status.ANSWERED, Status.CLOSED])),
            disclosure=Count("id", filter=Q(kind=Kind.DISCLOSURE)),
        )
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


def _form_class(kind: str) -> type[MessageForm]:
    return DisclosureForm if kind == Kind.DISCLOSURE else MessageForm


def _item(item_id) -> object | None:
    from govmedia.publishing.models import ItemPage

    if not item_id:
        return None
    return ItemPage.objects.live().filter(pk=item_id).select_related("department").first()


def _form_page(request, kind, form, item, *, status=200, refusal: str = "") -> HttpResponse:
    return render(
        request,
        "desk/public/form.html",
        {
            "kind": kind,
            "kind_label": Kind(kind).label,
            "intro": KIND_INTROS[kind],
            "form": form,
            "item": item,
            "refusal": refusal,
            "desk_section": "disclosure" if kind == Kind.DISCLOSURE else "",
            "max_file_bytes": settings.GOVMEDIA_DESK_MAX_FILE_MB * MB,
            "max_files": settings.GOVMEDIA_DESK_MAX_FILES,
            "file_types": ",".join("." + t for t in settings.GOVMEDIA_DESK_FILE_TYPES),
        },
        status=status,
    )


@never_cache
@body_limit(_upload_limit, _too_large)
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    kind = KIND_SLUGS.get(slug)
    if kind is None:
        raise Http404
    form_class = _form_class(kind)
    if request.method != "POST":
        params = QueryParams(request)
        item = _item(params.whole_number("item", "相关信息"))
        initial = {"token": new_form_token(), "item": item.pk if item else None}
        if item is not None and kind == Kind.ERROR:
            initial["title"] = item.title
        return _form_page(request, kind, form_class(initial=initial, kind=kind), item)

    form = form_class(request.POST, request.FILES, kind=kind)
    item = _item(form.data.get("item") if str(form.data.get("item", "")).isdigit() else None)
    if not form.is_valid():
        return _form_page(request, kind, form, item, status=400)
    token = form.cleaned_data["token"]
    client_key = client_key_for(token)
    ip = client_address(request) or None
    first = Message.objects.filter(client_key=client_key).first()
    if first is None:
        refusal = ratelimit.submission_refusal(
            ip, form.cleaned_data.get("phone", ""), form.cleaned_data.get("email", "")
        )
        if refusal is not None:
            response = _form_page(request, kind, form, item, status=429, refusal=refusal.text)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        submitted = actions.do_submit_message(
            actions.Submission(
                **form.submission_fields(),
                item_id=item.pk if item else None,
                channel="web",
                client_key=client_key,
                query_code=query_code_for(token),
                submitter_ip=ip,
            )
        )
        message = submitted.message
        if not submitted.duplicate:
            _store_attachments(message, form.cleaned_data.get("attachments") or [])
    else:
        message = first
    return render(
        request,
        "desk/public/receipt.html",
        {
            "message": message,
            "kind_label": Kind(message.kind).label,
            "code": query_code_for(token),
            "slug": slug,
        },
    )


def _submit_rescue(request: HttpRequest, slug: str) -> HttpResponse:
    """The form refused by the CSRF check (core.views.csrf_failure): typed values back, nothing filed.

    The token is replaced: it names the submission and yields its query code,
    and a page planted by another site must not choose either.
    """
    kind = KIND_SLUGS.get(slug)
    if kind is None:
        raise Http404
    typed = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    typed["token"] = new_form_token()
    item = _item(typed.get("item") if str(typed.get("item", "")).isdigit() else None)
    form = _form_class(kind)(initial=typed, kind=kind)
    return _form_page(request, kind, form, item, status=403, refusal=EXPIRED_FORM)


submit.csrf_rescue = _submit_rescue  # type: ignore[attr-defined]

EXPIRED_FORM = (
    "页面停留时间过长或浏览器未保存 Cookie，本次未能提交。您填写的内容已保留在下方，"
    "请核对后重新提交；附件需要重新选择。"
)


def _store_attachments(message: Message, uploads) -> None:
    for upload in uploads:
        Attachment.objects.create(
            message=message,
            file=upload,
            name=(upload.name or "附件")[:200],
            size=upload.size or 0,
            content_type=(upload.content_type or "")[:100],
        )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """受理编号 + 查询码 -> the message's status, deadline, public timeline and answer."""
    if request.method != "POST":
        initial = {"number": request.GET.get("number", "")[:20]}
        return render(
            request,
            "desk/public/track.html",
            {"form": TrackForm(initial=initial), "desk_section": "track"},
        )
    return track_view(request, TrackForm(request.POST))


@never_cache
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    form = RatingForm(request.POST)
    ip = client_address(request)
    refusal = ratelimit.lookup_refusal(ip)
    if refusal is None and form.is_valid():
        message = Message.objects.filter(number=form.cleaned_data["number"]).first()
        if message is None or not message.check_query_code(form.cleaned_data["code"]):
            ratelimit.record_lookup_failure(ip)
            return track_view(request, TrackForm(request.POST))
        done = do_rate_message(
            message, form.cleaned_data["rating"], form.cleaned_data.get("comment", "")
        )
        return track_view(
            request,
            TrackForm(request.POST),
            notice="感谢您的评价！" if done else "该留言已经评价过，每件留言只能评价一次。",
        )
    return track_view(request, TrackForm(request.POST), rating_form=form)


@require_GET
def answers(request: HttpRequest) -> HttpResponse:
    """Answered public messages: search, filter by department, kind and year, 20 a page."""
    from govmedia.orgs.models import Department

    params = QueryParams(request)
    query = params.text("q", max_length=50)
    department_id = params.whole_number("department", "承办单位")
    kind = params.text("kind", max_length=20)
    if kind and kind not in Kind.values or kind == Kind.DISCLOSURE:
        params.ignored.append("类型")
        kind = ""
    year = params.year("year", "年份")
    messages = Message.objects.all()
    if query:
        messages = messages.filter(
            Q(title__contains=query) | Q(body__contains=query) | Q(answer__contains=query)
        )
    if department_id:
        messages = messages.filter(department_id=department_id)
    if kind:
        messages = messages.filter(kind=kind)
    if year:
        messages = messages.filter(answered_at__year=year)
    paginator = Paginator(public_answers(messages), PAGE_SIZE)
    if not (query or department_id or kind or year):
        paginator.count = public_count()  # spare a look-up of every public row's kind
    page_obj = paginator.get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    return render(
        request,
        "desk/public/answers.html",
        {
            "desk_section": "answers",
            "query": query,
            "department_id": department_id,
            "kind": kind,
            "year": year,
            "ignored_filters": params.ignored,
            "page_obj": page_obj,
            "results": entries(page_obj.object_list),
            "departments": Department.objects.filter(is_active=True).order_by("order", "name"),
            "kinds": [k for k in Kind if k != Kind.DISCLOSURE],
            "years": list(range(this_year, this_year - 6, -1)),
        },
    )


@require_GET
def answer_detail(request: HttpRequest, number: str) -> HttpResponse:
    message = public_message(number)
    return render(request, "desk/public/answer.html", {"entry": message})
