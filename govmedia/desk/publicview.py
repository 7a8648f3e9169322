"""What the public sees of a message: masked entries for the lists, the submitter's follow-up page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from govmedia.core.logins import client_address
from govmedia.desk import ratelimit
from govmedia.desk.masking import mask_free_text, mask_name
from govmedia.desk.models import Kind, Message, MessageEvent, Rating, Status
from govmedia.desk.public_actions import can_rate
from govmedia.desk.public_forms import RatingForm, TrackForm

ANSWERED_STATUSES = (Status.ANSWERED, Status.CLOSED)
WRONG_CODE = "受理编号或查询码不正确，请核对后重新输入。查询码不区分大小写。"


# Every kind but 依申请公开: a request's text concerns the applicant and is never shown.
PUBLIC_KINDS = tuple(kind for kind in Kind if kind != Kind.DISCLOSURE)


def public_answers(messages: QuerySet[Message]) -> QuerySet[Message]:
    """The answered messages the portal may show, newest answer first.

    Staff set `is_public` when they answer (with the submitter's consent); an
    answer stays public while a bad rating's follow-up reopens the message.
    `is_public__in=[True]` rather than `is_public=True`: Django writes the
    latter as a bare column test on SQLite, which no index serves; the
    equality lets the (is_public, answered_at) index give the rows already in
    order, so a page reads twenty rows, not every public one.
    """
    return (
        messages.filter(is_public__in=[True], answered_at__isnull=False, kind__in=PUBLIC_KINDS)
        .select_related("department")
        .order_by("-answered_at", "-id")
    )


def public_count() -> int:
    """How many public answers there are, counted on the index alone.

    All public rows (the (is_public, answered_at) index alone) minus the public
    依申请公开 requests (there should be none), instead of looking up every
    public row's kind. The second count says `is_public=True` on purpose: on
    SQLite that bare column test steers the planner to the kind index.
    """
    public = Message.objects.filter(is_public__in=[True], answered_at__isnull=False)
    requests = Message.objects.filter(
        kind=Kind.DISCLOSURE, is_public=True, answered_at__isnull=False
    )
    return public.count() - requests.count()


@dataclass
class PublicEntry:
    """One message as the public sees it: every personal datum masked."""

    number: str
    kind: str
    title: str
    body: str
    answer: str
    name: str
    department: str
    received_on: date
    answered_at: datetime | None
    handling_days: int | None
    rating: str
    events: list[MessageEvent]

    @classmethod
    def of(cls, message: Message, *, events: bool = False) -> PublicEntry:
        names = (message.name, message.contact_person)
        return cls(
            number=message.number or "",
            kind=message.get_kind_display(),
            title=mask_free_text(message.title, names),
            body=mask_free_text(message.body, names),
            answer=mask_free_text(message.answer, names),
            name=mask_name(message.name),
            department=str(message.department) if message.department_id else "",
            received_on=message.received_on,
            answered_at=message.answered_at,
            handling_days=message.handling_days,
            rating=Rating(message.rating).label if message.rating else "",
            events=list(message.events.filter(public=True)) if events else [],
        )


def entries(messages) -> list[PublicEntry]:
    return [PublicEntry.of(m) for m in messages]


def public_message(number: str) -> PublicEntry:
    message = public_answers(Message.objects.filter(number=number)).first()
    if message is None:
        raise Http404
    entry = PublicEntry.of(message, events=True)
    for event in entry.events:
        event.text = mask_free_text(event.text, (message.name, message.contact_person))
    return entry


def item_answers(item_id: int, limit: int = 20) -> list[PublicEntry]:
    return entries(public_answers(Message.objects.filter(item_id=item_id))[:limit])


def track_view(
    request: HttpRequest,
    form: TrackForm,
    *,
    notice: str = "",
    rating_form: RatingForm | None = None,
) -> HttpResponse:
    """The follow-up page for a number and a query code, or the form with why not."""
    ip = client_address(request)
    context: dict = {"form": form, "notice": notice, "desk_section": "track"}
    refusal = ratelimit.lookup_refusal(ip)
    if refusal is not None:
        context["refusal"] = refusal.text
        response = render(request, "desk/public/track.html", context, status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    if not form.is_valid():
        return render(request, "desk/public/track.html", context, status=400)
    message = (
        Message.objects.filter(number=form.cleaned_data["number"])
        .select_related("department")
        .first()
    )
    if message is None or not message.check_query_code(form.cleaned_data["code"]):
        ratelimit.record_lookup_failure(ip)
        context["wrong"] = WRONG_CODE
        return render(request, "desk/public/track.html", context, status=400)
    if rating_form is None and can_rate(message):
        rating_form = RatingForm(
            initial={"number": message.number, "code": form.cleaned_data["code"]}
        )
    context.update(
        message=message,
        code=form.cleaned_data["code"],
        events=list(message.events.filter(public=True)),
        rating_form=rating_form if can_rate(message) else None,
        rating_label=Rating(message.rating).label if message.rating else "",
        answered=message.status in ANSWERED_STATUSES,
    )
    return render(request, "desk/public/track.html", context)
