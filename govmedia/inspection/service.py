"""An inspection round: gather the facts in a few aggregate queries, judge, score, store.

``run_round(period_end)`` judges every enabled watched channel as of the end
of `period_end` (Asia/Shanghai). The database does the counting: one grouped
query gives each source's number of entries, dated entries and latest
publication date; one the posts per day of the rhythm window; one the probe
failures of the week; evidence (the latest entries, the failed probes) is
read only for channels that have a problem, a few rows each, through a
window function. Nothing loads the entries one by one, so 1,000 channels
with 200,000 entries take seconds (docs/performance.md, "Inspection").

A round for a day that was already judged replaces its results. After the
results: rectification notices for the departments with problems
(notices.py), the confirmation of earlier notices, and alerts for channels
nearing a veto (alerts.py).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from govmedia.inspection import judge, rhythm, scoring
from govmedia.inspection.models import (
    ChannelResult,
    ColumnType,
    DepartmentProfile,
    DepartmentResult,
    InspectionRound,
    Rule,
    WatchedChannel,
)

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
RHYTHM_DAYS = 30  # the rhythm window: the month ending with the period
EVIDENCE_ENTRIES = 3
EVIDENCE_PROBES = 5

Progress = Callable[[str, int, int], None]  # (step, done, total)


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), dtime.min, SHANGHAI)


def _no_progress(step: str, done: int, total: int) -> None:
    pass


# --- gathering ---------------------------------------------------------------------


def _entry_stats(source_ids: list[int], end: datetime, window_start: datetime) -> dict[int, dict]:
    from govmedia.sources.models import Entry

    rows = (
        Entry.objects.filter(source_id__in=source_ids)
        .filter(Q(published_at__lt=end) | Q(published_at__isnull=True, first_seen_at__lt=end))
        .values("source_id")
        .annotate(
            entries=Count("id"),
            dated=Count("published_at"),
            latest=Max("published_at"),
            before=Max("published_at", filter=Q(published_at__lt=window_start)),
        )
    )
    return {row["source_id"]: row for row in rows}


def _entry_days(source_ids: list[int], end: datetime, window_start: datetime) -> dict[int, dict]:
    from govmedia.sources.models import Entry

    days: dict[int, dict[date, int]] = defaultdict(dict)
    rows = (
        Entry.objects.filter(
            source_id__in=source_ids, published_at__gte=window_start, published_at__lt=end
        )
        .annotate(day=TruncDate("published_at", tzinfo=SHANGHAI))
        .values("source_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        days[row["source_id"]][row["day"]] = row["n"]
    return days


def _probe_stats(source_ids: list[int], end: datetime, days: int) -> dict[int, dict]:
    from govmedia.sources.models import Probe

    rows = (
        Probe.objects.filter(
            source_id__in=source_ids, at__gte=end - timedelta(days=days), at__lt=end
        )
        .values("source_id")
        .annotate(total=Count("id"), failed=Count("id", filter=Q(ok=False)))
    )
    return {row["source_id"]: row for row in rows}


def _latest_entries(source_ids: list[int], end: datetime) -> dict[int, list[dict]]:
    """The newest few entries of each source, as evidence (dated first, then undated)."""
    from govmedia.sources.models import Entry

    if not source_ids:
        return {}
    ranked = (
        Entry.objects.filter(source_id__in=source_ids)
        .filter(Q(published_at__lt=end) | Q(published_at__isnull=True))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("source_id")],
                order_by=[F("published_at").desc(nulls_last=True), F("id").desc()],
            )
        )
        .filter(rank__lte=EVIDENCE_ENTRIES)
        .values("source_id", "title", "url", "published_at", "date_text")
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for row in ranked:
        published = row["published_at"]
        found[row["source_id"]].append(
            {
                "title": row["title"],
                "url": row["url"],
                "published": published.astimezone(SHANGHAI).strftime("%Y-%m-%d")
                if published
                else "",
                "date_text": row["date_text"],
            }
        )
    return found


def _failed_probes(source_ids: list[int], end: datetime, days: int) -> dict[int, list[dict]]:
    from govmedia.sources.models import Probe

    if not source_ids:
        return {}
    ranked = (
        Probe.objects.filter(
            source_id__in=source_ids, ok=False, at__gte=end - timedelta(days=days), at__lt=end
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("source_id")], order_by=[F("at").desc()])
        )
        .filter(rank__lte=EVIDENCE_PROBES)
        .values("source_id", "at", "status_code", "error")
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for row in ranked:
        found[row["source_id"]].append(
            {
                "at": row["at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "status_code": row["status_code"],
                "error": row["error"],
            }
        )
    return found


def _own_items(department_ids: list[int], end: datetime, window_start: datetime):
    """Our own portal's live items per (department, category): counts, latest, per day."""
    from govmedia.publishing.models import ItemPage

    items = ItemPage.objects.live().filter(
        department_id__in=department_ids, first_published_at__lt=end
    )
    stats = {
        (row["department_id"], row["category_id"]): row
        for row in items.values("department_id", "category_id")
        .annotate(entries=Count("id"), latest=Max("first_published_at"))
        .order_by()
    }
    days: dict[tuple[int, int], dict[date, int]] = defaultdict(dict)
    for row in (
        items.filter(first_published_at__gte=window_start)
        .annotate(day=TruncDate("first_published_at", tzinfo=SHANGHAI))
        .values("department_id", "category_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    ):
        days[(row["department_id"], row["category_id"])][row["day"]] = row["n"]
    return stats, days


def _open_messages(department_ids: list[int], today: date, older_than: int) -> dict[int, list]:
    """Desk messages still open and older than the limit, per department: (label, age)."""
    from govmedia.desk.models import OPEN_STATUSES, Message

    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    rows = Message.objects.filter(
        department_id__in=department_ids,
        status__in=OPEN_STATUSES,
        answered_at__isnull=True,
        received_on__lt=today - timedelta(days=older_than),
    ).values_list("department_id", "number", "pk", "received_on")
    for department_id, number, pk, received_on in rows:
        found[department_id].append(
            (f"留言 {number or pk}（{received_on:%Y-%m-%d} 收到）", (today - received_on).days)
        )
    return found


def _unanswered_entries(source_ids: list[int], end: datetime, older_than: int) -> dict[int, list]:
    """An interaction column's own messages marked unanswered by its reader (extra.answered)."""
    from govmedia.sources.models import Entry

    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if not source_ids:
        return found
    rows = Entry.objects.filter(
        source_id__in=source_ids,
        extra__answered=False,
        published_at__lt=end - timedelta(days=older_than),
    ).values_list("source_id", "title", "published_at")
    for source_id, title, published in rows:
        found[source_id].append((title or "（无标题留言）", (end - published).days))
    return found


def _findings(department_ids: list[int]) -> dict[int, list[dict]]:
    """Open serious and ordinary content findings in each department's live items."""
    from govmedia.checks.models import ContentFinding

    found: dict[int, list[dict]] = defaultdict(list)
    rows = ContentFinding.objects.filter(
        state=ContentFinding.State.OPEN,
        severity__in=["blocking", "warning"],
        page__live=True,
        page__itempage__department_id__in=department_ids,
    ).values(
        "severity",
        "category",
        "text",
        "rule",
        "page__title",
        "page__url_path",
        "page__itempage__department_id",
    )
    for row in rows:
        found[row["page__itempage__department_id"]].append(
            {
                "severity": row["severity"],
                "category": row["category"],
                "text": row["text"],
                "rule": row["rule"],
                "title": row["page__title"],
            }
        )
    return found


# --- the round ---------------------------------------------------------------------


def run_round(period_end: date, *, progress: Progress = _no_progress) -> InspectionRound:
    """Judge every enabled watched channel as of the end of `period_end`; see the module docstring."""
    started = time.monotonic()
    now = timezone.now()
    round_, _ = InspectionRound.objects.update_or_create(
        period_end=period_end,
        defaults={"status": InspectionRound.Status.RUNNING, "started_at": now, "error": ""},
    )
    try:
        with transaction.atomic():
            _judge_all(round_, period_end, progress)
            round_.status = InspectionRound.Status.DONE
            round_.finished_at = timezone.now()
            round_.seconds = round(time.monotonic() - started, 3)
            round_.save()
    except Exception as exc:
        logger.exception("inspection round for %s failed", period_end)
        InspectionRound.objects.filter(pk=round_.pk).update(
            status=InspectionRound.Status.FAILED, error=f"{exc.__class__.__name__}: {exc}"
        )
        raise
    from govmedia.inspection import alerts, notices

    notices.follow_up(round_)
    alerts.send_alerts(round_)
    return round_


def scheduled_round() -> None:
    """The periodic job: judge yesterday, the last day that ended."""
    run_round(timezone.localdate(timezone.now(), SHANGHAI) - timedelta(days=1))


def _judge_all(round_: InspectionRound, today: date, progress: Progress) -> None:
    judging = _Judging(round_, today, progress)
    judging.gather()
    judging.judge_channels()
    judging.attach_evidence()
    judging.store_channels()
    judging.store_departments()


class _Judging:
    """One round's steps, in order: gather, judge, evidence, store channels, store departments."""

    def __init__(self, round_: InspectionRound, today: date, progress: Progress) -> None:
        self.round = round_
        self.today = today
        self.progress = progress
        self.rules = Rule.current()
        self.end = end_of(today)
        self.window_start = self.end - timedelta(days=RHYTHM_DAYS)
        self.probe_days = self.rules.days("probe_window_days")

    def gather(self) -> None:
        """Everything the judging needs, in grouped queries (see the module docstring)."""
        self.progress("gather", 0, 1)
        end, window_start = self.end, self.window_start
        self.watched = list(
            WatchedChannel.objects.filter(enabled=True, channel__status="active").select_related(
                "channel", "channel__department", "source"
            )
        )
        watched = self.watched
        source_ids = sorted({w.source_id for w in watched if w.source_id and not w.own_items})
        self.department_ids = sorted({w.channel.department_id for w in watched})
        self.stats = _entry_stats(source_ids, end, window_start)
        self.days = _entry_days(source_ids, end, window_start)
        self.probes = _probe_stats(source_ids, end, self.probe_days)
        self.own_stats, self.own_days = _own_items(
            sorted({w.channel.department_id for w in watched if w.own_items}), end, window_start
        )
        unanswered_days = self.rules.days("unanswered_days")
        self.messages = _open_messages(self.department_ids, self.today, unanswered_days)
        interaction_sources = [
            w.source_id for w in watched if w.column_type == ColumnType.INTERACTION and w.source_id
        ]
        self.channel_messages = _unanswered_entries(interaction_sources, end, unanswered_days)
        self.findings = _findings(self.department_ids)
        self.services = dict(
            DepartmentProfile.objects.values_list("department_id", "has_external_services")
        )
        # Desk messages go to the department's first interaction channel, if it has one.
        self.interaction_of: dict[int, int] = {}
        for w in watched:
            if w.column_type == ColumnType.INTERACTION:
                self.interaction_of.setdefault(w.channel.department_id, w.pk)
        self.progress("gather", 1, 1)

    def _own_item_counts(self, w: WatchedChannel):
        """(entries, latest, posts per day) of our own portal's items for an own_items channel."""

        def matches(dept: int, cat: int) -> bool:
            return dept == w.channel.department_id and (
                not w.own_category_id or cat == w.own_category_id
            )

        rows = [row for (dept, cat), row in self.own_stats.items() if matches(dept, cat)]
        entries = sum(r["entries"] for r in rows)
        latest = max((r["latest"] for r in rows if r["latest"]), default=None)
        counts: dict[date, int] = defaultdict(int)
        for (dept, cat), per_day in self.own_days.items():
            if matches(dept, cat):
                for day, n in per_day.items():
                    counts[day] += n
        return entries, latest, counts

    @staticmethod
    def _read_error(w: WatchedChannel) -> str:
        source = w.source
        if source is None or w.own_items or source.status != "error" or not source.last_error:
            return ""
        if not source.last_ok_at:
            return source.last_error
        return f"{source.last_error}（最近一次成功读取：{source.last_ok_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"

    def facts(self, w: WatchedChannel) -> judge.ChannelFacts:
        channel = w.channel
        before = None
        probe: dict[str, Any] = {}
        if w.own_items:
            entries, latest, counts = self._own_item_counts(w)
            dated = entries
        else:
            row = self.stats.get(w.source_id, {})
            entries, dated = row.get("entries", 0), row.get("dated", 0)
            latest, before = row.get("latest"), row.get("before")
            counts = self.days.get(w.source_id, {})
            probe = self.probes.get(w.source_id, {})
        open_days = list(self.channel_messages.get(w.source_id, [])) if w.source_id else []
        if self.interaction_of.get(channel.department_id) == w.pk:
            open_days += self.messages.get(channel.department_id, [])
        self.day_counts[w.pk] = counts
        self.before_of[w.pk] = before
        return judge.ChannelFacts(
            channel_id=w.pk,
            name=channel.name,
            column_type=w.column_type,
            should_update=w.should_update,
            update_every_days=channel.update_every_days,
            has_source=bool(w.source_id) or w.own_items,
            entries=entries,
            dated_entries=dated,
            # In Shanghai time: the day of an update is the day people there saw it.
            latest_published=latest.astimezone(SHANGHAI) if latest else None,
            probes=probe.get("total", 0),
            probes_failed=probe.get("failed", 0),
            open_message_days=open_days,
            read_error=self._read_error(w),
        )

    def judge_channels(self) -> None:
        self.day_counts: dict[int, dict[date, int]] = {}
        self.before_of: dict[int, datetime | None] = {}
        self.facts_of = {w.pk: self.facts(w) for w in self.watched}
        self.problems_of = {
            pk: judge.judge_channel(facts, self.today, self.rules)
            for pk, facts in self.facts_of.items()
        }

    def attach_evidence(self) -> None:
        """The latest entries and failed probes, read only for channels with a problem."""
        by_pk = {w.pk: w for w in self.watched}
        needs_entries = sorted(
            {
                by_pk[pk].source_id
                for pk, ps in self.problems_of.items()
                if ps and by_pk[pk].source_id and not by_pk[pk].own_items
            }
        )
        unavailable = (judge.UNAVAILABLE, judge.UNAVAILABLE_SOME)
        needs_probes = sorted(
            {
                by_pk[pk].source_id
                for pk, ps in self.problems_of.items()
                if any(p.code in unavailable for p in ps)
            }
        )
        evidence = _latest_entries(needs_entries, self.end)
        probe_evidence = _failed_probes(needs_probes, self.end, self.probe_days)
        for pk, problems in self.problems_of.items():
            source_id = by_pk[pk].source_id
            for problem in problems:
                if problem.code in unavailable:
                    problem.evidence = probe_evidence.get(source_id, [])
                elif not problem.evidence and problem.code not in (
                    judge.UNANSWERED,
                    judge.READ_ERROR,
                ):
                    problem.evidence = evidence.get(source_id, [])

    def _rhythm(self, w: WatchedChannel) -> rhythm.Rhythm:
        facts = self.facts_of[w.pk]
        before = self.before_of[w.pk]
        every = (
            facts.update_every_days
            if w.column_type in (ColumnType.OTHER, ColumnType.INTERACTION)
            else judge.stale_limit(facts, self.rules)
        )
        return rhythm.rhythm(
            [day for day, n in self.day_counts[w.pk].items() for _ in range(n)],
            (self.window_start + timedelta(hours=1)).astimezone(SHANGHAI).date(),
            self.today,
            every,
            last_before=before.astimezone(SHANGHAI).date() if before else None,
        )

    def store_channels(self) -> None:
        ChannelResult.objects.filter(round=self.round).delete()
        pass_score = self.rules["pass_score"]
        results = []
        self.per_department: dict[int, dict[int, list[judge.Problem]]] = defaultdict(dict)
        total = len(self.watched)
        for index, w in enumerate(self.watched):
            problems = self.problems_of[w.pk]
            has_services = self.services.get(w.channel.department_id, True)
            score = scoring.channel_score(
                problems, has_services=has_services, pass_score=pass_score
            )
            self.per_department[w.channel.department_id][w.pk] = problems
            results.append(
                ChannelResult(
                    round=self.round,
                    watched=w,
                    department_id=w.channel.department_id,
                    score=score.score,
                    state=score.state,
                    latest_at=self.facts_of[w.pk].latest_published,
                    entries=self.facts_of[w.pk].entries,
                    problems=[p.as_dict() for p in problems],
                    rhythm=self._rhythm(w).as_dict(),
                )
            )
            if index % 100 == 0:
                self.progress("judge", index, total)
        self.progress("judge", total, total)
        ChannelResult.objects.bulk_create(results, batch_size=500)
        self.round.channels = len(results)

    def store_departments(self) -> None:
        from govmedia.orgs.models import Department

        DepartmentResult.objects.filter(round=self.round).delete()
        pass_score = self.rules["pass_score"]
        names = dict(
            Department.objects.filter(pk__in=self.department_ids).values_list("pk", "name")
        )
        results = []
        for department_id, channel_problems in self.per_department.items():
            own = judge.judge_department(
                channel_problems,
                self.rules,
                findings=self.findings.get(department_id, []),
                open_message_days=self.messages.get(department_id, []),
                has_interaction_channel=department_id in self.interaction_of,
            )
            has_services = self.services.get(department_id, True)
            score = scoring.department_score(
                own,
                list(channel_problems.values()),
                has_services=has_services,
                pass_score=pass_score,
            )
            everything = own + [p for ps in channel_problems.values() for p in ps]
            results.append(
                DepartmentResult(
                    round=self.round,
                    department_id=department_id,
                    score=score.score,
                    deduction=score.deduction,
                    state=score.state,
                    passed=score.passed,
                    has_external_services=has_services,
                    channels=len(channel_problems),
                    problems=[p.as_dict() for p in everything],
                )
            )
        results.sort(
            key=lambda r: scoring.ranking_key(
                r.state == scoring.VETOED, r.score, names.get(r.department_id, "")
            )
        )
        for rank, result in enumerate(results, start=1):
            result.rank = rank
        DepartmentResult.objects.bulk_create(results, batch_size=500)
        measured_spread = rhythm.spread(r.score for r in results)
        self.round.departments = len(results)
        self.round.spread = measured_spread.as_dict() if measured_spread else {}


def latest_round() -> InspectionRound | None:
    return InspectionRound.objects.filter(status=InspectionRound.Status.DONE).first()


def problem_summary(problems: list[dict[str, Any]]) -> str:
    return "；".join(f"{p.get('channel') or ''}{p['label']}" for p in problems)
