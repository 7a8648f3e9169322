"""WCI and BCI of an account over a day, week (Monday to Sunday) or month, stored with their version."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.reach import indices
from govmedia.reach.models import AccountDay, IndexScore, PeriodKind, Post


def period_range(period: str, day: date) -> tuple[date, date]:
    """The first and last day of the day, week or month that contains `day`."""
    if period == PeriodKind.DAY:
        return day, day
    if period == PeriodKind.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == PeriodKind.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(f"unknown period {period!r}")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def posts_in(channel: Channel, start: date, end: date):
    low, high = _bounds(start, end)
    return Post.objects.filter(channel=channel, published_at__gte=low, published_at__lt=high)


def index_for(channel: Channel) -> str | None:
    return {ChannelKind.WECHAT: "WCI", ChannelKind.WEIBO: "BCI"}.get(channel.kind)


def compute(channel: Channel, period: str, day: date) -> IndexScore | None:
    """Compute and store the channel's index for the period containing `day` (None: no index)."""
    name = index_for(channel)
    if name is None:
        return None
    start, end = period_range(period, day)
    posts = list(posts_in(channel, start, end))
    if name == "WCI":
        d = indices.period_days(period, (end - start).days + 1)
        articles = [
            (indices.Figures(p.reads, p.wows, p.likes, p.shares), p.is_headline) for p in posts
        ]
        inputs = indices.wci_inputs(articles, d)
        value, version, recorded = indices.wci(inputs), indices.WCI_VERSION, inputs.as_dict()
    else:
        count = len(posts)
        if not count:
            # No post rows (nothing pulled or imported per post): the account's daily counts.
            count = _account_posts(channel, start, end)
        b = indices.BciInputs(
            posts=count,
            reposts=sum(p.shares for p in posts),
            comments=sum(p.comments for p in posts),
            likes=sum(p.likes for p in posts),
        )
        value, version, recorded = indices.bci(b), indices.BCI_VERSION, b.as_dict()
    key = {"channel": channel, "index": name, "version": version, "period": period, "start": start}
    values = {"end": end, "value": round(value, 2), "inputs": recorded}
    try:
        with transaction.atomic():
            score, _created = IndexScore.objects.update_or_create(**key, defaults=values)
    except IntegrityError:
        # Two requests computed the same figure at once: the other one's row is updated.
        IndexScore.objects.filter(**key).update(**values)
        score = IndexScore.objects.get(**key)
    return score


def _account_posts(channel: Channel, start: date, end: date) -> int:
    counts = AccountDay.objects.filter(channel=channel, day__range=(start, end)).values_list(
        "posts", flat=True
    )
    return sum(c for c in counts if c)
