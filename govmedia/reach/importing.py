"""Storing a parsed platform export (exports.py) for one channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from govmedia.core.audit import NOTHING, log_state_change
from govmedia.orgs.models import Channel
from govmedia.reach import scoring
from govmedia.reach.exports import ParsedExport
from govmedia.reach.models import PeriodKind, Source, StatKind
from govmedia.reach.store import record_account_day, record_post_stat, upsert_post


@dataclass
class ImportResult:
    posts: int = 0
    days: int = 0


IMPORTED = "reach.import"


@transaction.atomic
def do_import_export(
    user, channel: Channel, parsed: ParsedExport, day: date, *, source_name: str = ""
) -> ImportResult:
    """Store an export's good rows for `channel` and write one audit entry on the channel."""
    result = ImportResult()
    tz = timezone.get_current_timezone()
    touched: set[date] = set()
    for row in parsed.posts:
        published = row.published.replace(tzinfo=tz) if row.published else None
        time_known = bool(published and (published.hour or published.minute))
        post = upsert_post(
            channel,
            row.external_id,
            title=row.title,
            url=row.url,
            published_at=published,
            is_headline=row.is_headline,
            time_known=time_known,
        )
        record_post_stat(post, day, StatKind.TOTAL, row.figures, Source.IMPORT)
        if published:
            touched.add(published.date())
        result.posts += 1
    for row in parsed.days:
        record_account_day(channel, row.day, row.figures, Source.IMPORT)
        touched.add(row.day)
        result.days += 1
    months = {d.replace(day=1) for d in touched}
    for month in months:
        scoring.compute(channel, PeriodKind.MONTH, month)
    log_state_change(
        channel,
        IMPORTED,
        before=NOTHING,
        after=f"作品 {result.posts} 条，账号日数据 {result.days} 天",
        user=user,
        file=source_name,
        export=parsed.export,
        bad_rows=len(parsed.errors),
    )
    return result
