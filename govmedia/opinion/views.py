"""The 舆情监测 admin pages: short views that fetch with `access`, call an action, render."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.opinion import access, actions, report
from govmedia.opinion.access import assignable_departments, can_analyse, may_use
from govmedia.opinion.models import Alert, Incident, Level, PostRecord, ReleaseKind
from govmedia.orgs.models import Department

_scoped_events = access.events_for
_scoped_incidents = access.incidents_for


def _require(user) -> None:
    if not may_use(user):
        raise PermissionDenied


def _words(texts: list[str], limit: int = 30) -> list[tuple[str, int]]:
    import jieba

    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in jieba.lcut(text) if len(w) >= 2 and not w.isdigit())
    return counts.most_common(limit)


def dashboard(request):
    _require(request.user)
    now = timezone.now()
    events = list(_scoped_events(request.user).filter(last_seen__gte=now - timedelta(days=3))[:20])
    since = now - timedelta(hours=24)
    spark = {}
    for row in (
        access.posts_for(request.user, PostRecord.objects.filter(event__in=events, at__gte=since))
        .annotate(hour=TruncHour("at"))
        .values("event_id", "hour")
        .annotate(n=Count("pk"))
    ):
        spark.setdefault(row["event_id"], {})[row["hour"]] = row["n"]
    hours = [
        (since + timedelta(hours=i)).replace(minute=0, second=0, microsecond=0) for i in range(25)
    ]
    posts = access.posts_for(
        request.user, PostRecord.objects.filter(event__in=events, at__gte=since)
    )
    sentiment = dict(
        posts.values_list("sentiment").annotate(n=Count("pk")).values_list("sentiment", "n")
    )
    words = _words(list(posts.values_list("text", flat=True)[:3000]))
    incidents = list(_scoped_incidents(request.user).filter(closed_at__isnull=True)[:20])
    charts = {
        "spark": {str(e.pk): [spark.get(e.pk, {}).get(h, 0) for h in hours] for e in events},
        "sentiment": [
            {"name": {"negative": "负面", "positive": "正面"}.get(k, "中性"), "value": v}
            for k, v in sentiment.items()
        ],
        "words": [{"name": w, "value": n} for w, n in words],
    }
    alerts = Alert.objects.filter(event__in=events).select_related("event")[:20]
    return render(
        request,
        "opinion/dashboard.html",
        {
            "events": events,
            "incidents": incidents,
            "charts": charts,
            "alerts": alerts,
            "now": now,
        },
    )


def event_list(request):
    _require(request.user)
    events = _scoped_events(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(title__contains=query)
    return render(request, "opinion/events.html", {"events": events[:200], "q": query})


def event(request, event_id: int):
    _require(request.user)
    item = get_object_or_404(_scoped_events(request.user), pk=event_id)
    shown = access.posts_for(request.user, item.posts.all())
    posts = list(shown.select_related("duplicate_of", "claim").order_by("at")[:500])
    by_key = {(p.channel, p.key): p for p in posts}
    chain = [(p, by_key.get((p.channel, p.parent_key))) for p in posts]
    return render(
        request,
        "opinion/event.html",
        {
            "event": item,
            "chain": chain,
            "alerts": item.alerts.select_related("claim", "plan"),
            "duplicates": [p for p in posts if p.duplicate_of_id],
            "departments": assignable_departments(request.user),
            "levels": Level.choices,
            "incidents": item.incidents.all(),
        },
    )


@require_POST
def open_incident(request, alert_id: int):
    _require(request.user)
    # Only an alert about an event the user sees (another department's is not found).
    alert = get_object_or_404(
        Alert.objects.select_related("event", "plan").filter(
            event__in=_scoped_events(request.user).values("pk")
        ),
        pk=alert_id,
    )
    department = None
    if request.POST.get("department"):
        department = get_object_or_404(Department, pk=request.POST["department"])
    try:
        incident = actions.do_open_incident(
            request.user,
            alert,
            department=department,
            level=request.POST.get("level") or Level.IV,
            kind=request.POST.get("kind") or "other",
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("opinion_event", alert.event_id)
    return redirect("opinion_incident", incident.pk)


def incident_list(request):
    _require(request.user)
    return render(
        request,
        "opinion/incidents.html",
        {
            "incidents": _scoped_incidents(request.user)[:200],
            "now": timezone.now(),
        },
    )


def incident(request, incident_id: int):
    _require(request.user)
    item = get_object_or_404(_scoped_incidents(request.user), pk=incident_id)
    if request.method == "POST":
        if not can_analyse(request.user, item.department_id):
            raise PermissionDenied
        kind = request.POST.get("release")
        if kind in ReleaseKind.values:
            for name in ("facts", "measures", "place"):
                if name in request.POST:
                    setattr(item, name, request.POST[name].strip())
            item.save(update_fields=["facts", "measures", "place"])
            try:
                release = actions.do_draft_release(request.user, item, kind)
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
                return redirect("opinion_incident", item.pk)
            messages.success(request, f"已起草并提交“{release.item.title}”（紧急）。")
            return redirect("wagtailadmin_pages:edit", release.item_id)
        if request.POST.get("attach") or request.POST.get("detach"):
            return _change_events(request, item)
        if request.POST.get("close"):
            actions.do_close_incident(request.user, item)
        return redirect("opinion_incident", item.pk)
    return render(
        request,
        "opinion/incident.html",
        {
            "incident": item,
            "marks": item.marks(),
            "releases": item.releases.select_related("item"),
            "kinds": ReleaseKind.choices,
            "may_act": can_analyse(request.user, item.department_id),
            "events": item.events.order_by("first_seen"),
            "candidates": _candidate_events(request.user, item),
        },
    )


def _candidate_events(user, incident: Incident):
    """Recent events the user sees that this incident does not hold yet, hottest first."""
    since = timezone.now() - timedelta(days=7)
    return (
        _scoped_events(user)
        .filter(last_seen__gte=since)
        .exclude(pk__in=incident.events.values("pk"))
        .order_by("-heat")[:50]
    )


def _change_events(request, incident: Incident):
    """合并事件 / 移出: events the user may see, attached to or taken off the incident."""
    visible = _scoped_events(request.user)
    try:
        if request.POST.get("attach"):
            ids = [int(v) for v in request.POST.getlist("events") if v.isdigit()]
            chosen = list(visible.filter(pk__in=ids))
            if len(chosen) != len(set(ids)):
                raise Http404
            actions.do_attach_events(request.user, incident, chosen)
            messages.success(
                request, f"已合并 {len(chosen)} 个舆情事件，计时起点按最早首帖重新确定。"
            )
        else:
            event = get_object_or_404(visible, pk=request.POST.get("detach"))
            actions.do_detach_event(request.user, incident, event)
            messages.success(request, f"已移出“{event.title}”。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("opinion_incident", incident.pk)


def incident_report(request, incident_id: int):
    _require(request.user)
    item = get_object_or_404(_scoped_incidents(request.user), pk=incident_id)
    built = report.build(item)
    fmt = request.GET.get("format")
    name = f"incident-{item.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            report.to_xlsx(built),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(report.to_pdf(built), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if fmt:
        raise Http404
    return render(request, "opinion/report.html", {"report": built, "incident": item})


def import_table(request):
    """导入帖子表格: a .csv/.xlsx export read by sources' tabular reader, its bad rows listed."""
    from govmedia.opinion.ingest import from_table, read_posts_table
    from govmedia.sources.readers.base import ReadError

    _require(request.user)
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith((".csv", ".xlsx")):
            messages.error(request, "请选择 .csv 或 .xlsx 文件。")
        else:
            try:
                rows = read_posts_table(upload.read(), upload.name)
            except ReadError as error:
                messages.error(request, error.message_zh)
            else:
                result = from_table(upload.name, rows)
    return render(request, "opinion/import.html", {"result": result})
