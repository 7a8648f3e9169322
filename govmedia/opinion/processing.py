"""The worker's side of the pipeline: pending posts through `Pipeline.process`, results into rows.

One pipeline object lives per worker process (its sliding window is its
state: near-duplicate buckets, event centroids, rates); a fresh process warms
it with the window's processed posts before taking new ones. Each chunk is
one transaction; a chunk that raises is taken post by post, so one bad post
is marked 处理失败 with its error and the others go on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from govmedia.opinion import pipeline as core
from govmedia.opinion.models import (
    Alert,
    AlertReason,
    Claim,
    Event,
    MonitoringPlan,
    PostRecord,
    PostStatus,
    Verdict,
)
from govmedia.opinion.plans import expression_error
from govmedia.opinion.posts import Post

logger = logging.getLogger(__name__)

_state: dict[str, object] = {}  # this process's pipeline; see the module docstring


def build_config() -> core.Config:
    plans = list(MonitoringPlan.objects.filter(enabled=True).select_related("department"))
    names: list[str] = []
    for plan in plans:
        names.extend(plan.watched_names())
    claims = [
        core.Claim(
            id=str(c.pk),
            text=c.text,
            verdict=c.get_verdict_display(),
            date=c.date.isoformat(),
            rebuttal_url=c.rebuttal_url,
        )
        for c in Claim.objects.exclude(verdict=Verdict.TRUE)
    ]
    return core.Config(
        batch_size=settings.GOVMEDIA_OPINION_CHUNK,
        # With REDIS_URL, the near-duplicate buckets and the keys' events are shared by the
        # workers (docs/opinion.md "Shared state").
        redis_url=settings.REDIS_URL,
        sentiment_model_dir=settings.GOVMEDIA_OPINION_SENTIMENT_MODEL_DIR,
        watched_names=sorted(set(names)),
        claims=claims,
        # A plan saved around the form (an import, the shell) with a bad expression is left
        # out rather than stopping every tick.
        schemes={str(p.pk): p.expression for p in plans if not expression_error(p.expression)},
    )


def _rules(config: core.Config) -> tuple:
    return (
        tuple(config.watched_names),
        tuple((c.id, c.text) for c in config.claims),
        tuple(sorted(config.schemes.items())),
    )


def _to_post(record: PostRecord) -> Post:
    return Post(
        key=f"{record.channel}|{record.key}",
        source=record.platform or record.origin,
        text=record.text,
        at=record.at,
        author=record.author,
        parent_key=f"{record.channel}|{record.parent_key}" if record.parent_key else "",
        engagement=record.engagement,
        url=record.url,
    )


def get_pipeline() -> core.Pipeline:
    config = build_config()
    pipe = _state.get("pipeline")
    if isinstance(pipe, core.Pipeline) and _state.get("rules") == _rules(config):
        return pipe
    # New process, or plans or the 辟谣库 changed in the admin (the pipeline compiles its
    # rules once): a new pipeline, its window rebuilt from the posts already processed.
    pipe = core.Pipeline(config)
    _state["rules"] = _rules(config)
    since = timezone.now() - timedelta(hours=config.window_hours)
    warm = PostRecord.objects.filter(status=PostStatus.DONE, at__gte=since).order_by("at")
    pipe.process(_to_post(r) for r in warm.iterator(chunk_size=2000))
    _state["pipeline"] = pipe
    return pipe


def reset() -> None:
    """Forget this process's pipeline (tests; a changed configuration)."""
    _state.clear()


def process_pending(max_chunks: int = 50) -> dict[str, int]:
    """Run the pending posts through the pipeline, chunk by chunk; returns counts."""
    pipe = get_pipeline()
    size = settings.GOVMEDIA_OPINION_CHUNK
    done = failed = 0
    touched: set[int] = set()
    for _ in range(max_chunks):
        records = list(
            PostRecord.objects.filter(status=PostStatus.PENDING).order_by("at", "pk")[:size]
        )
        if not records:
            break
        try:
            outcomes = pipe.process([_to_post(r) for r in records])
            pairs = list(zip(records, outcomes, strict=True))
        except Exception:
            logger.exception("opinion chunk failed; taking its posts one by one")
            pairs = []
            for record in records:
                try:
                    pairs.extend(zip([record], pipe.process([_to_post(record)]), strict=True))
                except Exception as error:
                    PostRecord.objects.filter(pk=record.pk).update(
                        status=PostStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
                    )
                    failed += 1
        touched |= _apply(pairs)
        done += len(pairs)
    _refresh_events(touched)
    return {"processed": done, "failed": failed, "events": len(touched)}


def _apply(pairs: list[tuple[PostRecord, core.Outcome]]) -> set[int]:
    if not pairs:
        return set()
    with transaction.atomic():
        keys = {o.event_id for _r, o in pairs}
        events = {e.key: e for e in Event.objects.filter(key__in=keys)}
        for record, outcome in pairs:
            if outcome.event_id not in events:
                events[outcome.event_id] = Event.objects.create(
                    key=outcome.event_id[:64],
                    title=record.text.strip()[:120] or "（无文字）",
                    first_seen=record.at,
                    last_seen=record.at,
                )
        by_post_key = {f"{r.channel}|{r.key}": r for r, _o in pairs}
        claim_ids = set(Claim.objects.values_list("pk", flat=True))
        for record, outcome in pairs:
            record.event = events[outcome.event_id]
            original = outcome.duplicate_of or outcome.near_duplicate_of
            record.duplicate_of = by_post_key.get(original) if original else None
            if original and record.duplicate_of is None:
                channel, _sep, key = original.partition("|")
                record.duplicate_of = PostRecord.objects.filter(channel=channel, key=key).first()
            record.sentiment = outcome.sentiment
            record.sentiment_score = outcome.sentiment_score
            claim = (
                int(outcome.rumour[0]) if outcome.rumour and outcome.rumour[0].isdigit() else None
            )
            record.claim_id = claim if claim in claim_ids else None
            record.status = PostStatus.DONE
            record.error = ""
        PostRecord.objects.bulk_update(
            [r for r, _o in pairs],
            ["event", "duplicate_of", "sentiment", "sentiment_score", "claim", "status", "error"],
            batch_size=500,
        )
        # Which plans each event meets, for the alert's recipients: a bound vendor's posts
        # count only for its plans (access.vendor_plan_ids).
        allowed = _vendor_plans({r.vendor_id for r, _o in pairs if r.vendor_id})
        plans_of: dict[int, set[int]] = defaultdict(set)
        for record, outcome in pairs:
            scope = allowed.get(record.vendor_id) if record.vendor_id else None
            for scheme in outcome.schemes:
                if scheme.isdigit() and (scope is None or int(scheme) in scope):
                    plans_of[record.event_id].add(int(scheme))
        for event_id, plan_ids in plans_of.items():
            departments = MonitoringPlan.objects.filter(pk__in=plan_ids).values_list(
                "department_id", flat=True
            )
            Event.objects.get(pk=event_id).departments.add(*departments)
    return {e.pk for e in events.values()}


def _refresh_events(event_ids: set[int]) -> None:
    for event in Event.objects.filter(pk__in=event_ids):
        stats = PostRecord.objects.filter(event=event).aggregate(
            n=Count("pk"),
            first=Min("at"),
            last=Max("at"),
            eng=Sum("engagement"),
            neg=Count("pk", filter=Q(sentiment="negative")),
        )
        event.size = stats["n"]
        event.first_seen, event.last_seen = stats["first"], stats["last"]
        event.negative_share = stats["neg"] / stats["n"] if stats["n"] else 0
        first = (
            PostRecord.objects.filter(event=event, duplicate_of__isnull=True).order_by("at").first()
        )
        if first:
            event.title = first.text.strip()[:120]
        if not event.heat:
            event.heat = stats["n"] + (stats["eng"] or 0) / 100
        event.save(
            update_fields=["size", "first_seen", "last_seen", "negative_share", "title", "heat"]
        )


# The pipeline's reason names (pipeline.py `alerts`), by prefix.
REASONS = {
    "heat": AlertReason.HEAT,
    "negative": AlertReason.NEGATIVE,
    "burst": AlertReason.BURST,
    "watched": AlertReason.NAME,
    "rumour": AlertReason.RUMOUR,
    "scheme": AlertReason.PLAN,
}


def _reason(name: str) -> str:
    return next(
        (code for prefix, code in REASONS.items() if name.startswith(prefix)), AlertReason.HEAT
    )


def raise_alerts(now: datetime | None = None) -> list[Alert]:
    """Alerts for what the pipeline's rules flag now, once per event and reason; sent after commit."""
    from govmedia.opinion.alerts import enqueue_send

    now = now or timezone.now()
    pipe = get_pipeline()
    candidates = pipe.alerts(now)
    new: list[Alert] = []
    for candidate in candidates:
        event = Event.objects.filter(key=candidate.event_id).first()
        if event is None:
            continue
        if candidate.heat:
            Event.objects.filter(pk=event.pk).update(heat=candidate.heat)
        for reason in candidate.reasons:
            code = _reason(reason)
            claim = None
            if code == AlertReason.RUMOUR and candidate.rumours:
                claim_id = candidate.rumours[0][0]
                claim = (
                    Claim.objects.filter(pk=int(claim_id)).first() if claim_id.isdigit() else None
                )
            plan = _plan_for(event)
            if plan is not None:
                event.departments.add(plan.department_id)
            detail = _detail(code, candidate, claim)
            with transaction.atomic():
                alert, created = Alert.objects.get_or_create(
                    event=event,
                    reason=code,
                    defaults={"detail": detail, "plan": plan, "claim": claim, "created_at": now},
                )
                if created:
                    enqueue_send(alert.pk)
                    new.append(alert)
    return new


def _vendor_plans(vendor_ids: set[int]) -> dict[int, set[int] | None]:
    """Each vendor's plans (None: not bound, every plan), by the one rule in access.py."""
    from govmedia.opinion.access import vendor_plan_ids
    from govmedia.opinion.models import Vendor

    return {v.pk: vendor_plan_ids(v) for v in Vendor.objects.filter(pk__in=vendor_ids)}


def _plan_for(event: Event) -> MonitoringPlan | None:
    departments = list(event.departments.values_list("pk", flat=True))
    plans = MonitoringPlan.objects.filter(enabled=True)
    if departments:
        return plans.filter(department__in=departments).first()
    # No plan met: any plan of the installation, unless every post of the event came from
    # vendors bound to some plans, which are then the only ones it may go to.
    if event.posts.filter(vendor__isnull=True).exists():
        return plans.first()
    scopes = _vendor_plans(set(event.posts.values_list("vendor_id", flat=True).distinct()))
    if not scopes or any(scope is None for scope in scopes.values()):
        return plans.first()
    return plans.filter(pk__in=set().union(*scopes.values())).first()


def _detail(code: str, candidate: core.AlertCandidate, claim: Claim | None) -> str:
    if code == AlertReason.RUMOUR and claim is not None:
        return f"与辟谣库条目“{claim.text[:40]}”相符（{claim.get_verdict_display()}）。"
    if code == AlertReason.NAME and candidate.watched:
        return "提及：" + "、".join(candidate.watched[:5])
    return f"{candidate.volume} 条帖子，热度 {candidate.heat:.1f}，负面占比 {candidate.negative_share:.0%}。"
