"""The reach part of the 示例市 demo: 60 days of statistics for every WeChat and Weibo account.

Deterministic: every figure comes from a hash of the account, the day and the
post's place, so loading the demo twice (or on two machines on the same day)
gives the same numbers. Posts go out at the hours government accounts use
(morning news, noon services, evening policy reads), in the five categories
of the 上海发布 analyses, with reads and interactions that vary by category;
followers grow a little every day. The WCI/BCI of each account is computed
for the last two months and for each week, stored with its formula version.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from govmedia.orgs.models import Channel, ChannelKind, ChannelStatus
from govmedia.reach import scoring
from govmedia.reach.models import AccountDay, PeriodKind, Post, PostStat, Source, StatKind

DAYS = 60

# (category, title templates, hour, reads scale): {d} is the department's short name.
POSTS = [
    (
        "news",
        ("{d}召开{n}月工作推进会", "今日{d}开展“服务进社区”活动", "{d}调研重点项目建设进展"),
        8,
        1.0,
    ),
    (
        "policy",
        (
            "一图读懂：{d}{n}项惠民新政",
            "政策解读｜{d}关于优化办事流程的实施办法",
            "{d}就新规答记者问",
        ),
        20,
        1.4,
    ),
    (
        "service",
        (
            "办事指南｜{d}高频事项网上办",
            "便民提示：{d}服务窗口节假日开放时间",
            "{d}社保公积金查询攻略",
        ),
        12,
        1.8,
    ),
    (
        "emergency",
        (
            "暴雨黄色预警：{d}提醒注意出行安全",
            "紧急寻人：{d}发布求助信息",
            "安全提示：{d}提醒防范电信诈骗",
        ),
        17,
        2.6,
    ),
    ("other", ("{d}秋色正好", "周末好去处｜{d}推荐", "早安，{d}"), 7, 0.6),
]


def _n(*parts: object, low: int = 0, high: int = 100) -> int:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


def load(today: date | None = None) -> int:
    """Statistics for every active WeChat and Weibo account without any yet; returns posts made."""
    today = today or timezone.localdate()
    made = 0
    for channel in Channel.objects.filter(
        kind__in=[ChannelKind.WECHAT, ChannelKind.WEIBO], status=ChannelStatus.ACTIVE
    ).select_related("department"):
        if Post.objects.filter(channel=channel).exists():
            continue
        made += _load_channel(channel, today)
    return made


def _load_channel(channel: Channel, today: date) -> int:
    tz = timezone.get_current_timezone()
    short = (channel.department.short_name or channel.department.name).replace("示例", "")
    weibo = channel.kind == ChannelKind.WEIBO
    size = _n(channel.name, "size", low=8_000, high=120_000)
    followers = size
    days, posts, stats = [], [], []
    first = today - timedelta(days=DAYS)
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        count = _n(channel.name, day, "count", low=0, high=4 if weibo else 3)
        if not weibo and day.weekday() >= 5:
            count = min(count, 1)
        gained = _n(channel.name, day, "gain", high=size // 400 + 5)
        lost = _n(channel.name, day, "lost", high=size // 1500 + 2)
        followers += gained - lost
        days.append(
            AccountDay(
                channel=channel,
                day=day,
                followers=followers,
                new_followers=gained,
                unfollowers=lost,
                posts=count,
                source=Source.DEMO,
            )
        )
        for place in range(count):
            category, titles, hour, scale = POSTS[_n(channel.name, day, place, "cat", high=99) % 5]
            title = titles[_n(channel.name, day, place, "title", high=2)].format(
                d=short, n=day.month
            )
            minute = _n(channel.name, day, place, "min", high=59)
            at = datetime.combine(day, time(hour, minute), tzinfo=tz) + timedelta(
                hours=_n(channel.name, day, place, "h", high=2) - 1
            )
            reads = round(size * scale * _n(channel.name, day, place, "r", low=2, high=9) / 100)
            if place:
                reads //= 2 + place  # the second and later articles of a send are read less
            key = f"demo-{day:%Y%m%d}-{place + 1}"
            figures = {
                "reads": 0 if weibo else reads,
                "likes": reads * _n(key, channel.pk, "l", low=2, high=15) // 1000,
                "wows": 0 if weibo else reads * _n(key, channel.pk, "z", low=1, high=8) // 1000,
                "shares": reads * _n(key, channel.pk, "s", low=5, high=40) // 1000,
                "comments": reads * _n(key, channel.pk, "c", low=1, high=6) // 1000,
                "favourites": 0
                if weibo
                else reads * _n(key, channel.pk, "f", low=1, high=10) // 1000,
            }
            if weibo:
                figures["reads"] = reads * 3  # 数据助手 counts impressions-like reads
            posts.append(
                Post(
                    channel=channel,
                    external_id=key,
                    title=title,
                    published_at=at,
                    is_headline=place == 0,
                    category=category,
                    **figures,
                )
            )
            stats.append((key, today, figures))
    AccountDay.objects.bulk_create(days, ignore_conflicts=True)
    Post.objects.bulk_create(posts, ignore_conflicts=True)
    by_key = dict(Post.objects.filter(channel=channel).values_list("external_id", "pk"))
    PostStat.objects.bulk_create(
        [
            PostStat(post_id=by_key[key], day=day, kind=StatKind.TOTAL, source=Source.DEMO, **fig)
            for key, day, fig in stats
        ],
        ignore_conflicts=True,
    )
    for month_day in {
        first.replace(day=1),
        today.replace(day=1),
        (first + timedelta(days=31)).replace(day=1),
    }:
        scoring.compute(channel, PeriodKind.MONTH, month_day)
    for week in range(0, DAYS, 7):
        scoring.compute(channel, PeriodKind.WEEK, first + timedelta(days=week))
    return len(posts)
