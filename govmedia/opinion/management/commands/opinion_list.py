"""List or export opinion records as one department would see them (access.py's rule)."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govmedia.opinion import access
from govmedia.opinion.models import PostRecord
from govmedia.orgs.models import Department

KINDS = ("events", "incidents", "plans", "claims", "posts")


def department_named(text: str) -> Department:
    """A department by id, name or short name; CommandError when none or several match."""
    text = text.strip()
    found = list(
        Department.objects.filter(pk=int(text))
        if text.isdigit()
        else Department.objects.filter(name=text) or Department.objects.filter(short_name=text)
    )
    if len(found) != 1:
        raise CommandError(
            f"没有名为“{text}”的机构。" if not found else f"有多个机构名为“{text}”，请用编号。"
        )
    return found[0]


def _rows(kind: str, who, since) -> tuple[list[str], list[list[object]]]:
    if kind == "events":
        events = access.events_for(who).filter(last_seen__gte=since).prefetch_related("departments")
        return ["编号", "标题", "首帖时间", "最近帖子", "帖子数", "热度", "负面占比", "机构"], [
            [
                e.pk,
                e.title,
                timezone.localtime(e.first_seen).isoformat(timespec="seconds"),
                timezone.localtime(e.last_seen).isoformat(timespec="seconds"),
                e.size,
                round(e.heat, 1),
                round(e.negative_share, 3),
                "、".join(d.name for d in e.departments.all()),
            ]
            for e in events
        ]
    if kind == "incidents":
        return ["编号", "事件名称", "责任机构", "级别", "计时起点", "首次权威发布", "结案时间"], [
            [
                i.pk,
                i.title,
                i.department.name,
                i.get_level_display(),
                timezone.localtime(i.started_at).isoformat(timespec="seconds"),
                timezone.localtime(i.first_release_at).isoformat(timespec="seconds")
                if i.first_release_at
                else "",
                timezone.localtime(i.closed_at).isoformat(timespec="seconds")
                if i.closed_at
                else "",
            ]
            for i in access.incidents_for(who).filter(started_at__gte=since)
        ]
    if kind == "plans":
        return ["编号", "方案名称", "机构", "关键词表达式", "启用"], [
            [p.pk, p.name, p.department.name, p.expression, "是" if p.enabled else "否"]
            for p in access.plans_for(who)
        ]
    if kind == "claims":
        return ["编号", "说法", "结论", "辟谣日期", "发布机构", "辟谣链接"], [
            [
                c.pk,
                c.text,
                c.get_verdict_display(),
                c.date.isoformat(),
                c.department.name if c.department else "",
                c.rebuttal_url,
            ]
            for c in access.claims_for(who)
        ]
    posts = access.posts_for(
        who,
        PostRecord.objects.filter(event__in=access.events_for(who), at__gte=since),
    ).order_by("at", "pk")
    return ["事件编号", "来源", "标识", "发帖时间", "作者", "内容", "情感", "链接"], [
        [
            p.event_id,
            p.channel,
            p.key,
            timezone.localtime(p.at).isoformat(timespec="seconds"),
            p.author,
            p.text,
            p.sentiment,
            p.url,
        ]
        for p in posts.iterator(chunk_size=2000)
    ]


class Command(BaseCommand):
    help = (
        "列出或导出舆情事件、处置、监测方案、辟谣库或帖子（CSV 写到标准输出）；"
        "--department 只列该机构（含下级机构）可见的内容，规则与后台相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="events|incidents|plans|claims|posts")
        parser.add_argument(
            "--department",
            help="机构编号、名称或简称：只列该机构的分析员能看到的内容；不填则为全部（本机权限）",
        )
        parser.add_argument(
            "--days", type=float, default=7, help="事件、处置和帖子：最近多少天（默认 7）"
        )

    def handle(self, *args, kind: str, department: str | None, days: float, **options):
        who = department_named(department) if department else access.INSTALLATION
        since = timezone.now() - timedelta(days=days)
        header, rows = _rows(kind, who, since)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
