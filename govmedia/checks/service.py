"""What the rest of govmedia calls: a cached engine, checks, highlighting and stored findings.

The engine is built from the built-in lists plus the enabled database entries
and the leader table. It is cached per process and rebuilt when the version
changes: saving or deleting an entry bumps the in-process version at once (via
signals), and a fingerprint of the tables (row count and latest change) makes
other processes notice on their next call.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils.html import escape

from govmedia.checks import variants
from govmedia.checks.engine import CheckReport, Engine
from govmedia.checks.findings import SEVERITY_RANK, Finding
from govmedia.checks.importguard import GuardResult, ImportGuard
from govmedia.checks.lists import ListEntry, load_builtin_lists
from govmedia.checks.rules.links import LinkChecker

__all__ = [
    "CheckReport",
    "Engine",
    "check_content",
    "get_engine",
    "highlight_html",
    "record_findings",
]

_lock = threading.Lock()
_version = 0
_engines: dict[bool, tuple[Any, Engine]] = {}
# One checker per process, so its result cache outlives engine rebuilds.
_link_checker: LinkChecker | None = None


def bump_version() -> None:
    global _version
    with _lock:
        _version += 1


def forbidden_hosts() -> list[str]:
    return list(settings.GOVMEDIA_CHECKS_FORBIDDEN_HOSTS)


def link_timeout() -> float:
    return float(settings.GOVMEDIA_CHECKS_LINK_TIMEOUT)


def cache_dir() -> Path:
    configured = settings.GOVMEDIA_CHECKS_CACHE_DIR
    if configured:
        return Path(configured)
    return Path(settings.DATA_DIR) / "cache" / "checks"


def _fingerprint() -> tuple[Any, ...]:
    from govmedia.checks.models import Official, WordListEntry

    words = WordListEntry.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    officials = Official.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (words["n"], words["last"], officials["n"], officials["last"])


def database_entries() -> list[ListEntry]:
    from govmedia.checks.models import WordListEntry

    entries = []
    for row in WordListEntry.objects.filter(enabled=True).order_by("id"):
        try:
            entries.append(row.to_entry())
        except ValueError:
            continue  # a row the admin form let through but the engine cannot use
    return [e for e in entries if len(e.key) >= 2]


def database_leaders() -> list:
    from govmedia.checks.models import Official

    return [o.to_leader() for o in Official.objects.all()]


def typo_finder():
    """The statistical typo finder when GOVMEDIA_CHECKS_TYPO_MODEL is on.

    Its model is loaded once per process (``typos.model.load_model``).
    """
    if not settings.GOVMEDIA_CHECKS_TYPO_MODEL:
        return None
    from govmedia.checks.typos.finder import TypoFinder

    return TypoFinder()


def get_engine(*, links: bool = False) -> Engine:
    """The engine for the built-in lists plus the database's entries and leaders, cached."""
    global _link_checker
    key = (
        _version,
        _fingerprint(),
        tuple(forbidden_hosts()),
        link_timeout(),
        settings.GOVMEDIA_CHECKS_TYPO_MODEL,
    )
    cached = _engines.get(links)
    if cached and cached[0] == key:
        return cached[1]
    builtin, _ = load_builtin_lists(cache_dir=cache_dir())
    variants.set_cache_dir(cache_dir())
    checker = None
    if links:
        with _lock:
            if _link_checker is None or _link_checker.timeout != link_timeout():
                _link_checker = LinkChecker(timeout=link_timeout())
            checker = _link_checker
    engine = Engine(
        builtin + database_entries(),
        database_leaders(),
        forbidden_hosts=forbidden_hosts(),
        link_checker=checker,
        typo_finder=typo_finder(),
    )
    with _lock:
        _engines[links] = (key, engine)
    return engine


def check_content(
    text_or_html: str, *, html: bool, links: bool = False, document_date: date | None = None
) -> CheckReport:
    """Check a text (or the visible text of HTML); offsets refer to ``report.text``.

    ``document_date`` is the item's 成文日期: a name outdated only after it is not flagged.
    """
    return get_engine(links=links).check(text_or_html, html=html, document_date=document_date)


def highlight_html(report: CheckReport) -> str:
    """Escaped HTML of the visible text with every finding wrapped in a ``<mark>``.

    Findings may overlap; the text is cut at every finding boundary and each piece
    is marked with the most severe finding covering it, so the HTML stays well
    nested. Line breaks become ``<br>``.
    """
    text = report.text
    findings = sorted(
        (f for f in report.findings if 0 <= f.start < f.end <= len(text)), key=lambda f: f.start
    )
    cuts = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b]).replace("\n", "<br>")
        covering = [f for f in findings if f.start <= a and b <= f.end]
        if covering:
            top = min(covering, key=lambda f: SEVERITY_RANK.get(f.severity, 9))
            title = f"{top.category}: {top.suggestion}"
            out.append(
                f'<mark class="finding finding--{escape(top.severity)}" title="{escape(title)}">{piece}</mark>'
            )
        else:
            out.append(piece)
    return "".join(out)


def _as_recorded(findings: list[Finding]) -> list[Finding]:
    """The findings kept per page: a format rule's findings as one row, its count in the suggestion.

    One row per rule, not 1,100 rows of half-width commas in 检查发现. Accepting
    that row accepts the rule's findings with that text, as accepting any one of
    them always did (the identity holds no position).
    """
    from dataclasses import replace

    from govmedia.checks.rules.format import FindingGroup, group_findings

    recorded = []
    for entry in group_findings(findings):
        if isinstance(entry, FindingGroup):
            first = entry.first
            if entry.count > 1:
                first = replace(first, suggestion=f"{first.suggestion}（本文共 {entry.count} 处）")
            recorded.append(first)
        else:
            recorded.append(entry)
    return recorded


def _identity(f: Finding) -> tuple[str, str, str]:
    return (f.category, f.rule, f.text[:500])


def record_findings(page, report: CheckReport) -> int:
    """Replace the page's open findings with the report's; return how many are open now.

    Accepted findings stay, and a new finding that was already accepted for this
    page (same category, rule and text) is not reopened. A format rule's findings
    are one row (`_as_recorded`). Open findings that no
    longer occur are marked fixed rather than deleted, so inspection can count
    corrections.
    """
    from govmedia.checks.models import ContentFinding

    revision_id = getattr(page, "latest_revision_id", None)
    with transaction.atomic():
        existing = list(ContentFinding.objects.select_for_update().filter(page=page))
        accepted = {f.identity for f in existing if f.state == ContentFinding.State.ACCEPTED}
        new = [f for f in _as_recorded(report.findings) if _identity(f) not in accepted]
        new_ids = {_identity(f) for f in new}
        still_open = [
            f.pk for f in existing if f.state == ContentFinding.State.OPEN and f.identity in new_ids
        ]
        ContentFinding.objects.filter(pk__in=still_open).delete()
        ContentFinding.objects.filter(page=page, state=ContentFinding.State.OPEN).update(
            state=ContentFinding.State.FIXED
        )
        ContentFinding.objects.bulk_create(
            ContentFinding(
                page=page,
                revision_id=revision_id,
                category=f.category,
                severity=f.severity,
                start=f.start,
                end=f.end,
                text=f.text[:500],
                suggestion=f.suggestion[:500],
                rule=f.rule[:200],
            )
            for f in new
        )
    return len(new)


WORDLIST_IMPORT = "govmedia.wordlist_import"


def guard_import(entries: Sequence[ListEntry]) -> GuardResult:
    """Demote the common words of an imported list (thresholds from settings)."""
    return ImportGuard(
        per_million=float(settings.GOVMEDIA_CHECKS_IMPORT_COMMON_PER_MILLION),
        jieba=int(settings.GOVMEDIA_CHECKS_IMPORT_COMMON_JIEBA),
    ).check(entries)


def import_entries(
    entries: Iterable[ListEntry],
    *,
    user=None,
    source: str = "",
    skipped: int = 0,
    disabled: Collection[tuple[str, str]] = (),
) -> tuple[int, int]:
    """Create or update database entries from parsed list rows; return (created, updated).

    The import is audited as one `govmedia.wordlist_import` entry (who, the
    file, the counts, the list's size before and after); `skipped` is the
    number of bad rows the caller left out. Entries whose (term, category) is in
    `disabled` (the guard's demotions) are saved disabled, for review.
    """
    disabled = set(disabled)
    from govmedia.checks.models import WordListEntry, WordListImport
    from govmedia.core.audit import log_state_change

    created = updated = 0
    with transaction.atomic():
        before = WordListEntry.objects.count()
        for e in entries:
            _, was_created = WordListEntry.objects.update_or_create(
                term=e.term,
                category=e.category,
                defaults={
                    "severity": e.severity,
                    "suggestion": e.suggestion,
                    "subcategory": e.subcategory,
                    "note": e.note,
                    "boundary": e.boundary,
                    "since": e.since,
                    "exceptions": "|".join(e.exceptions),
                    "source": source or e.source,
                    "enabled": (e.term, e.category) not in disabled,
                    "updated_by": user,
                },
            )
            if was_created:
                created += 1
            else:
                updated += 1
        after = WordListEntry.objects.count()
        record = WordListImport.objects.create(
            source=source[:100],
            imported_by=user,
            created=created,
            updated=updated,
            skipped=skipped,
            entries_before=before,
            entries_after=after,
        )
        log_state_change(
            record,
            WORDLIST_IMPORT,
            before=f"{before} 条",
            after=f"{after} 条",
            user=user,
            source=record.source,
            created=created,
            updated=updated,
            skipped=skipped,
        )
    return created, updated
