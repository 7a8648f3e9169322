"""The inspection part of the 示例市 demo: departments in every state, with evidence.

Every department gets watched channels whose sources hold entries we make
here (no network: the sources are set never to be read or probed by the
worker), in one of three profiles, then a few rounds are run so that the
dashboard has a trend, notices and an alert:

- healthy: 首页 and 政务动态 daily, 通知公告 every ten days, the WeChat account
  every other day, the site always available;
- warned: 政务动态 last updated 11 days ago (an alert to its responsible
  person, day 10 of 14), a blank 专题专栏, the WeChat account silent for 9
  days, a site unavailable on 2 % of probes;
- vetoed: 首页 silent for 20 days, 通知公告 for 8 months, a message in the
  互动交流 column unanswered for four months, the site down on 10 % of probes.

The department's 信息公开专栏 is judged on the items it published on our own
portal (publishing's live items), like everyone else's columns.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from govmedia.inspection.models import ColumnType, DepartmentProfile, WatchedChannel
from govmedia.inspection.service import SHANGHAI, run_round
from govmedia.orgs.models import Channel, ChannelKind, Department
from govmedia.sources.models import Entry, Kind, Probe, Source

PROFILES = {
    "city": "healthy",
    "edu": "warned",
    "health": "healthy",
    "transport": "vetoed",
    "env": "vetoed",
    "market": "warned",
    "yunxi": "healthy",
    "qingshan": "warned",
    "linjiang": "vetoed",
    "changle": "healthy",
}
# Departments without external services (scored out of 75, scaled by 4/3).
WITHOUT_SERVICES = {"changle"}

NEWS_TITLES = (
    "{d}召开安全生产工作推进会",
    "{d}部署防汛抗旱重点任务",
    "{d}开展营商环境优化专项行动",
    "{d}城乡环境整治工作取得阶段性成效",
    "{d}举办就业创业服务活动",
)
NOTICE_TITLES = ("{d}关于做好节假日值班工作的通知", "{d}关于开展食品安全检查的公告")

# (column type, channel name, kind, {profile: (days since the last post, every n days) or None})
COLUMNS = [
    (
        ColumnType.HOME,
        "网站首页",
        ChannelKind.WEBSITE_COLUMN,
        {"healthy": (0, 1), "warned": (1, 1), "vetoed": (20, 2)},
    ),
    (
        ColumnType.NEWS,
        "政务动态",
        ChannelKind.WEBSITE_COLUMN,
        {"healthy": (0, 1), "warned": (11, 2), "vetoed": (3, 2)},
    ),
    (
        ColumnType.NOTICE,
        "通知公告",
        ChannelKind.WEBSITE_COLUMN,
        {"healthy": (2, 10), "warned": (30, 20), "vetoed": (240, 30)},
    ),
    (
        ColumnType.OTHER,
        "专题专栏",
        ChannelKind.WEBSITE_COLUMN,
        {"healthy": (5, 7), "warned": None, "vetoed": (9, 7)},
    ),
    (
        ColumnType.INTERACTION,
        "互动交流",
        ChannelKind.WEBSITE_COLUMN,
        {"healthy": (1, 3), "warned": (2, 3), "vetoed": (2, 3)},
    ),
]
UNAVAILABLE = {"healthy": 0.0, "warned": 0.02, "vetoed": 0.10}
WECHAT = {"healthy": (1, 2), "warned": (9, 3), "vetoed": (4, 3)}


def _entries(
    source: Source, department: Department, days_ago: int, every: int, *, notice: bool, rng
) -> None:
    now = timezone.now()
    titles = NOTICE_TITLES if notice else NEWS_TITLES
    rows = []
    for n in range(12):
        at = now - timedelta(days=days_ago + n * every, hours=rng.randint(0, 5))
        title = rng.choice(titles).format(d=department.short_name or department.name)
        rows.append(
            Entry(
                source=source,
                key=f"{source.pk}-{n}",
                url=f"{source.url}t{at:%Y%m%d}_{n}.html" if source.url else "",
                title=title,
                published_at=at,
                date_text=f"{at.astimezone(SHANGHAI):%Y-%m-%d}",
                first_seen_at=at,
                last_seen_at=now,
            )
        )
    Entry.objects.bulk_create(rows)


def _source(name: str, url: str, kind: str = Kind.COLUMN) -> Source:
    # Never read nor probed by the worker: the demo's addresses lead nowhere.
    return Source.objects.create(
        name=name,
        kind=kind,
        url=url,
        config={},
        every_minutes=0,
        probe_every_minutes=0,
        status="ok",
        last_ok_at=timezone.now(),
    )


def load(departments: dict[str, Department]) -> int:
    """Watched channels, sources, entries and probes for each department; then the rounds."""
    rng = random.Random(19)
    now = timezone.now()
    for key, department in departments.items():
        profile = PROFILES.get(key, "healthy")
        DepartmentProfile.objects.get_or_create(
            department=department, defaults={"has_external_services": key not in WITHOUT_SERVICES}
        )
        base = f"http://www.shili.gov.cn/{key}/"
        home_source = None
        for column_type, name, kind, plans in COLUMNS:
            channel, _ = Channel.objects.get_or_create(
                department=department,
                kind=kind,
                name=name,
                defaults={
                    "url": f"{base}{column_type}/",
                    "responsible": "网站管理员",
                    "update_every_days": 14,
                },
            )
            source = _source(f"{department.name}·{name}", channel.url)
            plan = plans.get(profile)
            if plan is not None:
                _entries(
                    source, department, *plan, notice=column_type == ColumnType.NOTICE, rng=rng
                )
            if column_type == ColumnType.INTERACTION and profile == "vetoed":
                asked = now - timedelta(days=122)
                Entry.objects.create(
                    source=source,
                    key=f"{source.pk}-ask",
                    title="咨询小区周边道路施工何时结束",
                    url=f"{channel.url}ask_1.html",
                    published_at=asked,
                    date_text=f"{asked.astimezone(SHANGHAI):%Y-%m-%d}",
                    first_seen_at=asked,
                    last_seen_at=now,
                    extra={"answered": False},
                )
            WatchedChannel.objects.update_or_create(
                channel=channel, defaults={"source": source, "column_type": column_type}
            )
            if column_type == ColumnType.HOME:
                home_source = source
        # A week of availability probes of the site (24 a day).
        share = UNAVAILABLE[profile]
        Probe.objects.bulk_create(
            Probe(
                source=home_source,
                at=now - timedelta(hours=h),
                ok=not (share and h % round(1 / share) == 0),
                status_code=200 if not (share and h % round(1 / share) == 0) else None,
                elapsed_ms=180,
                error="" if not (share and h % round(1 / share) == 0) else "连接超时（15 秒）",
            )
            for h in range(7 * 24)
        )
        # The WeChat account (from demo.py's channels) read from an exported table.
        for channel in Channel.objects.filter(department=department, kind=ChannelKind.WECHAT):
            source = _source(f"{channel.name}（后台导出）", "", Kind.TABULAR)
            _entries(source, department, *WECHAT[profile], notice=False, rng=rng)
            WatchedChannel.objects.update_or_create(
                channel=channel, defaults={"source": source, "column_type": ColumnType.NEW_MEDIA}
            )
        # The 信息公开专栏 on our own portal: judged on our published items.
        for channel in Channel.objects.filter(department=department, name__endswith="信息公开专栏"):
            WatchedChannel.objects.update_or_create(
                channel=channel,
                defaults={
                    "own_items": True,
                    "column_type": ColumnType.OTHER,
                    "should_update": True,
                },
            )
    today = timezone.localdate(now, SHANGHAI)
    # Two earlier rounds for the trend, then today's.
    for day in (today - timedelta(days=61), today - timedelta(days=31), today):
        run_round(day)
    return WatchedChannel.objects.count()
