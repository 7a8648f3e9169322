"""The supervisor's dashboard, the drill-down to the evidence, the ranking, notices and the report.

Every view asks permissions.py what the user may see (``visible_departments``,
``can_see``): a supervisor sees all departments, a department's people their
own department only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.inspection import actions, judge
from govmedia.inspection import report as reports
from govmedia.inspection.models import (
    Alert,
    ChannelResult,
    ColumnType,
    DepartmentResult,
    InspectionRound,
    Notice,
    State,
    WatchedChannel,
)
from govmedia.inspection.permissions import can_see, visible_departments
from govmedia.orgs.permissions import is_supervisor

STATE_COLOURS = {State.HEALTHY: "#2e7d32", State.WARNED: "#ef6c00", State.VETOED: "#c62828"}


def _round(request) -> InspectionRound | None:
    rounds = InspectionRound.objects.filter(status=InspectionRound.Status.DONE)
    wanted = request.GET.get("round")
    if wanted and wanted.isdigit():
        return rounds.filter(pk=int(wanted)).first()
    return rounds.first()


def _monthly_trend(visible: set[int] | None) -> dict[str, list]:
    """Per month: the mean department score of its last round, and the departments by state."""
    last_of_month: dict[str, InspectionRound] = {}
    for round_ in InspectionRound.objects.filter(status=InspectionRound.Status.DONE).order_by(
        "period_end"
    ):
        last_of_month[f"{round_.period_end:%Y-%m}"] = round_
    months = sorted(last_of_month)[-12:]
    results = DepartmentResult.objects.filter(round__in=[last_of_month[m] for m in months])
    if visible is not None:
        results = results.filter(department_id__in=visible)
    by_round: dict[int, list[DepartmentResult]] = defaultdict(list)
    for result in results.only("round_id", "score", "state"):
        by_round[result.round_id].append(result)
    trend: dict[str, list] = {
        "months": months,
        "mean": [],
        "healthy": [],
        "warned": [],
        "vetoed": [],
    }
    for month in months:
        rows = by_round.get(last_of_month[month].pk, [])
        trend["mean"].append(round(sum(r.score for r in rows) / len(rows), 1) if rows else None)
        states = Counter(r.state for r in rows)
        for state in ("healthy", "warned", "vetoed"):
            trend[state].append(states.get(state, 0))
    return trend


def dashboard(request):
    visible = visible_departments(request.user)
    if visible is not None and not visible:
        raise PermissionDenied
    round_ = _round(request)
    results = []
    common: Counter[str] = Counter()
    if round_ is not None:
        qs = DepartmentResult.objects.filter(round=round_).select_related("department")
        if visible is not None:
            qs = qs.filter(department_id__in=visible)
        results = list(qs)
        for result in results:
            for code in {
                p["code"]
                for p in result.problems
                if p.get("veto") or p.get("deduction") or p.get("warning")
            }:
                common[judge.LABELS.get(code, code)] += 1
    alerts = Alert.objects.filter(seen=False).select_related("watched__channel__department")
    if visible is not None:
        alerts = alerts.filter(watched__channel__department_id__in=visible)
    states = Counter(r.state for r in results)
    charts = {
        "trend": _monthly_trend(visible),
        "common": [[label, count] for label, count in common.most_common(10)],
        "states": [
            {
                "name": str(label),
                "value": states.get(value, 0),
                "itemStyle": {"color": STATE_COLOURS[value]},
            }
            for value, label in State.choices
        ],
    }
    return render(
        request,
        "inspection/dashboard.html",
        {
            "round": round_,
            "rounds": InspectionRound.objects.filter(status=InspectionRound.Status.DONE)[:30],
            "results": results,
            "colours": STATE_COLOURS,
            "charts": charts,
            "alerts": alerts[:20],
            "supervisor": visible is None,
            "common": common.most_common(10),
        },
    )


@require_POST
def run_now(request):
    if not is_supervisor(request.user):
        raise PermissionDenied
    from govmedia.inspection.service import SHANGHAI, run_round

    day = timezone.localdate(timezone.now(), SHANGHAI) - timedelta(days=1)
    round_ = run_round(day)
    messages.success(
        request,
        f"已完成 {day:%Y-%m-%d} 的巡检：{round_.channels} 个渠道，{round_.departments} 个机构。",
    )
    return redirect("inspection_dashboard")


@require_POST
def alert_seen(request, alert_id: int):
    alert = get_object_or_404(Alert.objects.select_related("watched__channel"), pk=alert_id)
    if not can_see(request.user, alert.watched.channel.department_id):
        raise PermissionDenied
    Alert.objects.filter(pk=alert.pk).update(seen=True)
    return redirect("inspection_dashboard")


def department(request, department_id: int):
    if not can_see(request.user, department_id):
        raise PermissionDenied
    round_ = _round(request)
    result = get_object_or_404(
        DepartmentResult.objects.select_related("department"),
        round=round_,
        department_id=department_id,
    )
    channels = ChannelResult.objects.filter(
        round=round_, department_id=department_id
    ).select_related("watched__channel", "watched__source")
    history = (
        DepartmentResult.objects.filter(department_id=department_id)
        .select_related("round")
        .order_by("round__period_end")
    )
    own = [p for p in result.problems if not p.get("channel_id")]
    return render(
        request,
        "inspection/department.html",
        {
            "round": round_,
            "result": result,
            "channels": channels,
            "own_problems": own,
            "colours": STATE_COLOURS,
            "charts": {
                "days": [f"{r.round.period_end:%Y-%m-%d}" for r in history][-60:],
                "scores": [r.score for r in history][-60:],
            },
            "notices": Notice.objects.filter(department_id=department_id)[:10],
        },
    )


def channel(request, watched_id: int):
    watched = get_object_or_404(
        WatchedChannel.objects.select_related("channel__department", "source"), pk=watched_id
    )
    if not can_see(request.user, watched.channel.department_id):
        raise PermissionDenied
    results = (
        ChannelResult.objects.filter(watched=watched)
        .select_related("round")
        .order_by("-round__period_end")
    )
    latest = results.first()
    return render(
        request,
        "inspection/channel.html",
        {"watched": watched, "result": latest, "history": results[:30], "colours": STATE_COLOURS},
    )


def ranking(request):
    visible = visible_departments(request.user)
    if visible is not None and not visible:
        raise PermissionDenied
    round_ = _round(request)
    results = DepartmentResult.objects.none()
    if round_ is not None:
        results = DepartmentResult.objects.filter(round=round_).select_related("department")
        if visible is not None:
            results = results.filter(department_id__in=visible)
    return render(
        request,
        "inspection/ranking.html",
        {
            "round": round_,
            "results": results,
            "colours": STATE_COLOURS,
            "rounds": InspectionRound.objects.filter(status="done")[:30],
        },
    )


def notices(request):
    visible = visible_departments(request.user)
    if visible is not None and not visible:
        raise PermissionDenied
    qs = Notice.objects.select_related("department", "round")
    if visible is not None:
        qs = qs.filter(department_id__in=visible)
    status = request.GET.get("status", "")
    if status in Notice.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "inspection/notices.html",
        {"notices": qs[:200], "statuses": Notice.Status.choices, "status": status},
    )


class WatchForm(forms.Form):
    channel = forms.ModelChoiceField(label="渠道", queryset=None)
    column_type = forms.ChoiceField(
        label="栏目类型",
        required=False,
        choices=[("", "按名称自动判断")] + list(ColumnType.choices),
    )

    def __init__(self, *args, **kwargs):
        from govmedia.orgs.models import Channel

        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(
            status="active", watch__isnull=True
        ).select_related("department")


def watch(request):
    """Put a channel under inspection: its Source is made from its address (a feed, or a
    column page with guessed selectors)."""
    if not is_supervisor(request.user):
        raise PermissionDenied
    from govmedia.inspection.setup import watch_channel
    from govmedia.sources.readers import ReadError

    form = WatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data["channel"]
        try:
            watched, note = watch_channel(channel, column_type=form.cleaned_data["column_type"])
        except ReadError as exc:
            form.add_error("channel", f"无法读取该渠道的网址：{exc.message_zh}")
        else:
            messages.success(request, f"已将“{channel.name}”纳入巡检。{note}")
            return redirect("inspection_channel", watched_id=watched.pk)
    return render(request, "inspection/watch.html", {"form": form})


class RectifyForm(forms.Form):
    note = forms.CharField(
        label="整改说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


def notice(request, notice_id: int):
    item = get_object_or_404(
        Notice.objects.select_related("department", "round", "rectified_by"), pk=notice_id
    )
    if not can_see(request.user, item.department_id):
        raise PermissionDenied
    form = RectifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_mark_rectified(item.pk, request.user, form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "已标记为已整改，下一次巡检将复查。")
        return redirect("inspection_notice", notice_id=item.pk)
    for problem in item.problems:
        problem["evidence_text"] = reports.evidence_text(problem)
    return render(
        request,
        "inspection/notice.html",
        {
            "notice": item,
            "form": form,
            "can_rectify": item.status in (Notice.Status.OPEN, Notice.Status.REOPENED),
        },
    )


def report(request):
    visible = visible_departments(request.user)
    if visible is not None and not visible:
        raise PermissionDenied
    today = timezone.localdate()
    period = request.GET.get("period") or f"{today:%Y-%m}"
    try:
        built = reports.build(period, visible)
    except ValueError as exc:
        messages.error(request, str(exc))
        built, period = reports.build(f"{today:%Y-%m}", visible), f"{today:%Y-%m}"
    fmt = request.GET.get("format")
    name = f"inspection-report-{period}"
    if fmt == "xlsx":
        response = HttpResponse(
            reports.to_xlsx(built),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(reports.to_pdf(built), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if fmt:
        raise Http404
    for row in built.rows:
        for problem in row.problems:
            problem["evidence_text"] = reports.evidence_text(problem)
    return render(
        request,
        "inspection/report.html",
        {"report": built, "period": period, "colours": STATE_COLOURS},
    )
