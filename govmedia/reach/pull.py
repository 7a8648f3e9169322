"""Pulling figures from the platforms' statistics APIs, one channel and one day at a time.

- WeChat (datacube): getarticlesummary gives each article's reads, shares and
  favourites on the day (stored as that day's increments); getarticletotal
  gives, for the articles sent on the day, their running totals on each of
  the following days (stored as running totals per day); getusercumulate
  gives the followers. The datacube has no likes, 在看 or comments: those
  come from the 图文分析 export (exports.py).
- Weibo: statuses/count gives the running reposts, comments and likes of our
  recent statuses (stored as totals on the day pulled for); users/show the
  followers and the number of statuses, whose difference from the day before
  is the day's posts.

Each write is an upsert (store.py), so pulling a day twice changes nothing.
The clients live in publishing/clients (framework-free); a test passes a
client pointed at the loopback fakes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from govmedia.orgs.models import Channel, ChannelKind, ChannelStatus
from govmedia.publishing.models import ChannelCredentials, Delivery, DeliveryStatus
from govmedia.reach import scoring
from govmedia.reach.models import AccountDay, PeriodKind, Post, Source, StatKind
from govmedia.reach.store import record_account_day, record_post_stat, sent_time, upsert_post

logger = logging.getLogger(__name__)

# Weibo statuses/count takes at most 100 ids a call; posts older than this are no longer followed.
WEIBO_IDS_PER_CALL = 100
WEIBO_FOLLOW_DAYS = 30


def wechat_client(channel: Channel):
    from govmedia.publishing.clients.wechat import WeChatClient
    from govmedia.publishing.credentials import get_credentials

    creds = get_credentials(channel)
    return WeChatClient(
        creds["appid"],
        creds["secret"],
        api_base=creds.get("api_base") or "https://api.weixin.qq.com",
    )


def weibo_client(channel: Channel):
    from govmedia.publishing.clients.weibo import WeiboClient
    from govmedia.publishing.credentials import get_credentials

    creds = get_credentials(channel)
    return WeiboClient(
        creds["access_token"], api_base=creds.get("api_base") or "https://api.weibo.com"
    )


def _int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _day(value: Any, default: date) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return default


def _wechat_figures(row: dict) -> dict[str, int | None]:
    return {
        "reads": _int(row.get("int_page_read_count")),
        "shares": _int(row.get("share_count")),
        "favourites": _int(row.get("add_to_fav_count")),
    }


def _wechat_post(channel: Channel, row: dict, sent_on: date) -> Post:
    msgid = str(row.get("msgid") or "")
    tz = timezone.get_current_timezone()
    return upsert_post(
        channel,
        msgid,
        title=str(row.get("title") or ""),
        # "10000050_1": the msgid of the send and the article's place in it; 1 is the headline.
        is_headline=msgid.rsplit("_", 1)[-1] == "1",
        published_at=datetime.combine(sent_on, time.min, tzinfo=tz),
        time_known=False,
    )


def pull_wechat(channel: Channel, day: date, client=None) -> dict[str, int]:
    client = client or wechat_client(channel)
    posts = stats = 0
    for row in client.get_article_summary(day):
        if not row.get("msgid"):
            continue
        post = _wechat_post(channel, row, _day(row.get("ref_date"), day))
        record_post_stat(post, day, StatKind.DAILY, _wechat_figures(row), Source.API)
        stats += 1
    sent_today: set[str] = set()
    for row in client.get_article_total(day):
        if not row.get("msgid"):
            continue
        sent_on = _day(row.get("ref_date"), day)
        post = _wechat_post(channel, row, sent_on)
        if sent_on == day:
            sent_today.add(post.external_id)
        posts += 1
        for detail in row.get("details") or []:
            stat_day = _day(detail.get("stat_date"), day)
            record_post_stat(post, stat_day, StatKind.TOTAL, _wechat_figures(detail), Source.API)
            stats += 1
    # Two days in one call, so the day's new followers need no earlier pull.
    by_day: dict[date, int] = {}
    for row in client.get_user_cumulate(day - timedelta(days=1), day):
        ref = _day(row.get("ref_date"), day)
        by_day[ref] = by_day.get(ref, 0) + (_int(row.get("cumulate_user")) or 0)
    _account_day(
        channel,
        day,
        followers=by_day.get(day),
        posts=len(sent_today) or None,
        previous_followers=by_day.get(day - timedelta(days=1)),
    )
    return {"posts": posts, "stats": stats}


def _account_day(
    channel: Channel,
    day: date,
    *,
    followers: int | None,
    posts: int | None = None,
    statuses_total: int | None = None,
    previous_followers: int | None = None,
) -> None:
    before = AccountDay.objects.filter(channel=channel, day=day - timedelta(days=1)).first()
    if previous_followers is None and before is not None:
        previous_followers = before.followers
    figures: dict[str, int | None] = {
        "followers": followers,
        "posts": posts,
        "statuses_total": statuses_total,
    }
    if followers is not None and previous_followers is not None:
        figures["new_followers"] = followers - previous_followers
    if (
        posts is None
        and before is not None
        and statuses_total is not None
        and before.statuses_total is not None
    ):
        figures["posts"] = max(0, statuses_total - before.statuses_total)
    record_account_day(channel, day, figures, Source.API)


def _weibo_posts(channel: Channel, day: date) -> list[Post]:
    """The statuses still followed: every sent delivery and known post of the last 30 days."""
    since = timezone.now() - timedelta(days=WEIBO_FOLLOW_DAYS)
    for delivery in (
        Delivery.objects.filter(channel=channel, status=DeliveryStatus.SENT, sent_at__gte=since)
        .exclude(external_id="")
        .select_related("page")
    ):
        upsert_post(
            channel,
            delivery.external_id,
            title=delivery.page.title,
            url=delivery.external_url,
            published_at=sent_time(delivery),
        )
    return list(
        Post.objects.filter(channel=channel, published_at__gte=since).exclude(
            external_id__contains="|"
        )
    )


def pull_weibo(channel: Channel, day: date, client=None) -> dict[str, int]:
    client = client or weibo_client(channel)
    posts = {p.external_id: p for p in _weibo_posts(channel, day)}
    ids = [i for i in posts if i.isdigit()]
    stats = 0
    for start in range(0, len(ids), WEIBO_IDS_PER_CALL):
        for row in client.counts(ids[start : start + WEIBO_IDS_PER_CALL]):
            post = posts.get(str(row.get("id") or row.get("idstr") or ""))
            if post is None:
                continue
            figures = {
                "shares": _int(row.get("reposts")),
                "comments": _int(row.get("comments")),
                "likes": _int(row.get("attitudes")),
            }
            record_post_stat(post, day, StatKind.TOTAL, figures, Source.API)
            stats += 1
    from govmedia.publishing.credentials import get_credentials

    uid = str(get_credentials(channel).get("uid") or channel.account_id)
    user = client.user_show(uid)
    _account_day(
        channel,
        day,
        followers=_int(user.get("followers_count")),
        statuses_total=_int(user.get("statuses_count")),
    )
    return {"posts": len(ids), "stats": stats}


PULLERS = {ChannelKind.WECHAT: pull_wechat, ChannelKind.WEIBO: pull_weibo}


def pullable_channels():
    with_credentials = ChannelCredentials.objects.values_list("channel_id", flat=True)
    return Channel.objects.filter(
        status=ChannelStatus.ACTIVE, kind__in=list(PULLERS), pk__in=with_credentials
    ).order_by("pk")


def pull_channel(channel: Channel, day: date, client=None) -> dict[str, int]:
    """Pull one channel's day and recompute its indices for the day, week and month."""
    result = PULLERS[channel.kind](channel, day, client)
    for period in PeriodKind.values:
        scoring.compute(channel, period, day)
    return result


def pull_yesterday() -> dict[str, Any]:
    """Periodic: yesterday's figures of every active WeChat and Weibo channel with credentials.

    A channel whose API fails is logged and skipped so the others are pulled;
    the job then fails with their names, so the scheduler shows it.
    """
    day = timezone.localdate() - timedelta(days=1)
    done, failed = [], []
    for channel in pullable_channels():
        try:
            pull_channel(channel, day)
        except Exception as exc:  # one channel's API must not stop the others
            logger.warning("reach pull of channel %s for %s failed: %s", channel.pk, day, exc)
            failed.append(channel.pk)
            continue
        done.append(channel.pk)
    if failed:
        raise RuntimeError(f"reach pull for {day} failed for channels {failed}; pulled {done}")
    return {"day": day.isoformat(), "channels": done}
