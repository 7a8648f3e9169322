"""The worker's side of the pipeline: pending posts through `Pipeline.process`, results into rows.

One pipeline object lives per worker process (its sliding window is its
state: near-duplicate buckets, event centroids, rates); a fresh process warms
it with the window's processed posts before taking new ones. Each chunk is
one transaction; a chunk that raises is taken post by post, so one bad post
is marked 处理失败 with its error and the others go on.
"""

from __future__ import annotations

import hashlib
import logging
import re
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
            id=str(c.pk), text=c.text, verdict=c.get_verdict_display(),
            date=c.date.isoformat(), rebuttal_url=c.rebuttal_url,
        )
        for c in Claim.objects.exclude(verdict=Verdict.TRUE)
    ]
    return core.Config(
        batch_size=settings.GOVMEDIA_OPINION_CHUNK,
        watched_names=sorted(set(names)),
        claims=claims,
        schemes={str(p.pk): p.expression for p in plans},
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
    if isinstance(pipe, core.Pipeline):
        # Plans and the 辟谣库 change in the admin: the rules follow, the window stays.
        pipe.config.watched_names = config.watched_names
        pipe.config.claims = config.claims
        pipe.config.schemes = config.schemes
        return pipe
    pipe = core.Pipeline(config)
    since = timezone.now() - timedelta(hours=config.window_hours)
    warm = PostRecord.objects.filter(status=PostStatus.DONE, at__gte=since).order_by("at")
    try:
        pipe.process(_to_post(r) for r in warm.iterator(chunk_size=2000))
    except NotImplementedError:
        pass
    _state["pipeline"] = pipe
    return pipe


def reset() -> None:
    """Forget this process's pipeline (tests; a changed configuration)."""
    _state.clear()


# --- While the pipeline's core is being written (h-oppipe), a minimal stand-in ---------
# grouping by repost chain and by the first characters of the text, so the app's loop can
# run end to end. It is used only when Pipeline.process raises NotImplementedError.


class _Interim:
    def __init__(self, config: core.Config) -> None:
        self.config = config
        self.event_of: dict[str, str] = {}

    def process(self, posts: list[Post]) -> list[core.Outcome]:
        outcomes = []
        for post in posts:
            text = "".join(ch for ch in post.text if ch.isalnum())
            event = self.event_of.get(post.parent_key) or (
                "e" + hashlib.sha1(text[:8].encode()).hexdigest()[:12]
            )
            self.event_of[post.key] = event
            rumour = None
            for claim in self.config.claims:
                a, b = set(_bigrams(claim.text)), set(_bigrams(post.text))
                if a and len(a & b) / len(a) >= 0.5:
                    rumour = (claim.id, len(a & b) / len(a))
            watched = [n for n in self.config.watched_names if n in post.text]
            schemes = [
                plan for plan, expression in self.config.schemes.items()
                if any(w in post.text for w in re.split(r"\s+(?:OR|AND)\s+|[()|+\s]", expression) if w and w not in {"NOT", "OR", "AND"})
            ]
            negative = any(w in post.text for w in ("事故", "爆炸", "死亡", "受伤", "愤怒", "谣言", "起火"))
            outcomes.append(
                core.Outcome(
                    key=post.key, event_id=event,
                    sentiment="negative" if negative else "neutral",
                    sentiment_score=-0.8 if negative else 0.0,
                    rumour=rumour, watched=watched, schemes=schemes,
                )
            )
        return outcomes


def _bigrams(text: str) -> list[str]:
    chars = [ch for ch in text if ch.isalnum()]
    return ["".join(chars[i : i + 2]) for i in range(len(chars) - 1)]


def _process(pipe: core.Pipeline, posts: list[Post]) -> list[core.Outcome]:
    try:
        return pipe.process(posts)
    except NotImplementedError:
        interim = _state.setdefault("interim", _Interim(pipe.config))
        assert isinstance(interim, _Interim)
        interim.config = pipe.config
        return interim.process(posts)


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
            outcomes = _process(pipe, [_to_post(r) for r in records])
            pairs = list(zip(records, outcomes, strict=True))
        except Exception:
            logger.exception("opinion chunk failed; taking its posts one by one")
            pairs = []
            for record in records:
                try:
                    pairs.extend(zip([record], _process(pipe, [_to_post(record)]), strict=True))
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
                    key=outcome.event_id[:64], title=record.text.strip()[:120] or "（无文字）",
                    first_seen=record.at, last_seen=record.at,
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
            claim = int(outcome.rumour[0]) if outcome.rumour and outcome.rumour[0].isdigit() else None
            record.claim_id = claim if claim in claim_ids else None
            record.status = PostStatus.DONE
            record.error = ""
        PostRecord.objects.bulk_update(
            [r for r, _o in pairs],
            ["event", "duplicate_of", "sentiment", "sentiment_score", "claim", "status", "error"],
            batch_size=500,
        )
        # Which plans each event meets, for the alert's recipients.
        plans_of: dict[int, set[int]] = defaultdict(set)
        for record, outcome in pairs:
            for scheme in outcome.schemes:
                if scheme.isdigit():
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
            n=Count("pk"), first=Min("at"), last=Max("at"), eng=Sum("engagement"),
            neg=Count("pk", filter=Q(sentiment="negative")),
        )
        event.size = stats["n"]
        event.first_seen, event.last_seen = stats["first"], stats["last"]
        event.negative_share = stats["neg"] / stats["n"] if stats["n"] else 0
        first = PostRecord.objects.filter(event=event, duplicate_of__isnull=True).order_by("at").first()
        if first:
            event.title = first.text.strip()[:120]
        if not event.heat:
            event.heat = stats["n"] + (stats["eng"] or 0) / 100
        event.save(update_fields=["size", "first_seen", "last_seen", "negative_share", "title", "heat"])


REASONS = {
    "heat": AlertReason.HEAT,
    "negative": AlertReason.NEGATIVE,
    "burst": AlertReason.BURST,
    "watched": AlertReason.NAME,
    "name": AlertReason.NAME,
    "rumour": AlertReason.RUMOUR,
    "scheme": AlertReason.PLAN,
    "plan": AlertReason.PLAN,
}


def _interim_alerts(now: datetime) -> list[core.AlertCandidate]:
    out = []
    for event in Event.objects.filter(last_seen__gte=now - timedelta(hours=24)):
        posts = PostRecord.objects.filter(event=event)
        reasons = []
        if event.size >= 10:
            reasons.append("heat")
        rumours = list(posts.filter(claim__isnull=False).values_list("claim_id", flat=True)[:1])
        if rumours:
            reasons.append("rumour")
        if reasons:
            out.append(
                core.AlertCandidate(
                    event_id=event.key, reasons=reasons, heat=event.heat,
                    first_seen=event.first_seen, last_seen=event.last_seen, volume=event.size,
                    negative_share=event.negative_share, burst_z=0.0, watched=[],
                    rumours=[(str(c), 1.0) for c in rumours], sample_keys=[], top_terms=[],
                )
            )
    return out


def raise_alerts(now: datetime | None = None) -> list[Alert]:
    """Alerts for what the pipeline's rules flag now, once per event and reason; sent after commit."""
    from govmedia.opinion.alerts import enqueue_send

    now = now or timezone.now()
    pipe = get_pipeline()
    try:
        candidates = pipe.alerts(now)
    except NotImplementedError:
        candidates = _interim_alerts(now)
    new: list[Alert] = []
    for candidate in candidates:
        event = Event.objects.filter(key=candidate.event_id).first()
        if event is None:
            continue
        if candidate.heat:
            Event.objects.filter(pk=event.pk).update(heat=candidate.heat)
        for reason in candidate.reasons:
            code = REASONS.get(reason.split(":")[0], AlertReason.HEAT)
            claim = None
            if code == AlertReason.RUMOUR and candidate.rumours:
                claim_id = candidate.rumours[0][0]
                claim = Claim.objects.filter(pk=int(claim_id)).first() if claim_id.isdigit() else None
            plan = _plan_for(event)
            if plan is not None:
                event.departments.add(plan.department_id)
            detail = _detail(code, candidate, claim)
            with transaction.atomic():
                alert, created = Alert.objects.get_or_create(
                    event=event, reason=code,
                    defaults={"detail": detail, "plan": plan, "claim": claim, "created_at": now},
                )
                if created:
                    enqueue_send(alert.pk)
                    new.append(alert)
    return new


def _plan_for(event: Event) -> MonitoringPlan | None:
    departments = list(event.departments.values_list("pk", flat=True))
    plans = MonitoringPlan.objects.filter(enabled=True)
    return plans.filter(department__in=departments).first() if departments else plans.first()


def _detail(code: str, candidate: core.AlertCandidate, claim: Claim | None) -> str:
    if code == AlertReason.RUMOUR and claim is not None:
        return f"与辟谣库条目“{claim.text[:40]}”相符（{claim.get_verdict_display()}）。"
    if code == AlertReason.NAME and candidate.watched:
        return "提及：" + "、".join(candidate.watched[:5])
    return f"{candidate.volume} 条帖子，热度 {candidate.heat:.1f}，负面占比 {candidate.negative_share:.0%}。"
