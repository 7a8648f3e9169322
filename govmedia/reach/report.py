"""The monthly reach report of a department (or of all, for a supervisor): page, .xlsx and PDF.

``build(month, department_ids)`` reads the department's WeChat and Weibo
channels: each account's followers, posts, figures and its index for the
month (computed and stored with its formula version), the posts by
category, the hour of day they went out, and the top posts. The PDF uses
reportlab's built-in CID font STSong-Light, as the inspection report does.
"""

from __future__ import annotations

import calendar
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from govmedia.core.pdf import chinese_styles, paragraph
from govmedia.orgs.models import Channel, ChannelKind, ChannelStatus
from govmedia.reach import scoring
from govmedia.reach.models import AccountDay, Category, PeriodKind, Post

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
TOP_POSTS = 10
CHANNEL_KINDS = (ChannelKind.WECHAT, ChannelKind.WEIBO)


def parse_month(text: str) -> tuple[date, date, str]:
    match = MONTH_RE.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("月份格式应为 2026-03。")
    year, month = int(match.group(1)), int(match.group(2))
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last), f"{year}年{month}月"


@dataclass
class ChannelRow:
    channel_id: int
    department: str
    name: str
    kind: str
    followers: int | None
    new_followers: int
    posts: int
    reads: int
    likes: int
    wows: int
    shares: int
    comments: int
    index: str
    value: float | None
    version: str
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def inputs_text(self) -> str:
        """The formula's inputs in its own letters, so a figure can be checked by hand."""
        i = self.inputs
        if self.index == "WCI" and i:
            t, h, p = i["total"], i["headline"], i["peak"]
            return (
                f"d={i['days']} n={i['articles']} R={t['reads']:g} Z={t['wows']:g} "
                f"L={t['likes']:g} RE={t['shares']:g} Rt={h['reads']:g} Rmax={p['reads']:g}"
            )
        if self.index == "BCI" and i:
            return (
                f"发博数={i['posts']} 转发数={i['reposts']:g} 评论数={i['comments']:g} "
                f"点赞数={i['likes']:g}"
            )
        return ""


@dataclass
class TopPost:
    pk: int
    channel: str
    title: str
    url: str
    published_at: Any
    category: str
    category_label: str
    overridden: bool
    reads: int
    interactions: int


@dataclass
class Report:
    label: str
    first: date
    last: date
    department: str
    rows: list[ChannelRow]
    categories: list[tuple[str, int, int]]  # (label, posts, reads)
    hours: list[int]  # posts per hour of day, 0..23
    top: list[TopPost]
    followers_series: dict[str, list[int | None]]  # channel name -> followers per day
    days: list[str]
    # The weeks (Monday to Sunday) touching the month, and each account's index in each.
    weeks: list[str] = field(default_factory=list)
    weekly: list[tuple[str, str, list[float | None]]] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "posts": sum(r.posts for r in self.rows),
            "reads": sum(r.reads for r in self.rows),
            "interactions": sum(r.likes + r.wows + r.shares + r.comments for r in self.rows),
            "new_followers": sum(r.new_followers for r in self.rows),
        }


def channels_for(department_ids: set[int] | None):
    qs = Channel.objects.filter(kind__in=CHANNEL_KINDS, status=ChannelStatus.ACTIVE)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return qs.select_related("department").order_by("department__order", "kind", "name")


def build(month: str, department_ids: set[int] | None, department_label: str = "") -> Report:
    first, last, label = parse_month(month)
    channels = list(channels_for(department_ids))
    rows: list[ChannelRow] = []
    posts: list[Post] = []
    days = [date(first.year, first.month, d) for d in range(1, last.day + 1)]
    series: dict[str, list[int | None]] = {}
    mondays = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        mondays.append(monday)
        monday += timedelta(days=7)
    weekly: list[tuple[str, str, list[float | None]]] = []
    for channel in channels:
        channel_posts = list(scoring.posts_in(channel, first, last))
        posts += channel_posts
        account = {
            a.day: a for a in AccountDay.objects.filter(channel=channel, day__range=(first, last))
        }
        followers = next(
            (
                account[d].followers
                for d in reversed(days)
                if d in account and account[d].followers is not None
            ),
            None,
        )
        score = scoring.compute(channel, PeriodKind.MONTH, first)
        rows.append(
            ChannelRow(
                channel_id=channel.pk,
                department=channel.department.name,
                name=channel.name,
                kind=str(channel.get_kind_display()),
                followers=followers,
                new_followers=sum(a.new_followers or 0 for a in account.values()),
                posts=len(channel_posts) or sum(a.posts or 0 for a in account.values()),
                reads=sum(p.reads for p in channel_posts),
                likes=sum(p.likes for p in channel_posts),
                wows=sum(p.wows for p in channel_posts),
                shares=sum(p.shares for p in channel_posts),
                comments=sum(p.comments for p in channel_posts),
                index=score.index if score else "",
                value=score.value if score else None,
                version=score.version if score else "",
                inputs=score.inputs if score else {},
            )
        )
        series[channel.name] = [account[d].followers if d in account else None for d in days]
        week_scores = [scoring.compute(channel, PeriodKind.WEEK, m) for m in mondays]
        weekly.append(
            (
                channel.name,
                week_scores[0].version if week_scores and week_scores[0] else "",
                [w.value if w else None for w in week_scores],
            )
        )
    by_category: Counter[str] = Counter()
    reads_by_category: Counter[str] = Counter()
    hours = [0] * 24
    for p in posts:
        by_category[p.effective_category] += 1
        reads_by_category[p.effective_category] += p.reads
        if p.time_known and p.published_at:
            hours[timezone.localtime(p.published_at).hour] += 1
    categories = [
        (str(c.label), by_category.get(c.value, 0), reads_by_category.get(c.value, 0))
        for c in Category
    ]
    names = {c.pk: c.name for c in channels}
    ranked = sorted(
        posts, key=lambda p: (p.reads, p.likes + p.wows + p.shares + p.comments), reverse=True
    )[:TOP_POSTS]
    top = [
        TopPost(
            pk=p.pk,
            channel=names.get(p.channel_id, ""),
            title=p.title,
            url=p.url,
            published_at=p.published_at,
            category=p.effective_category,
            category_label=p.get_effective_category_display(),
            overridden=bool(p.category_override),
            reads=p.reads,
            interactions=p.likes + p.wows + p.shares + p.comments,
        )
        for p in ranked
    ]
    return Report(
        label=label,
        first=first,
        last=last,
        department=department_label or "全部单位",
        rows=rows,
        categories=categories,
        hours=hours,
        top=top,
        followers_series=series,
        days=[f"{d.month}/{d.day}" for d in days],
        weeks=[
            f"{m.month}/{m.day}–{(m + timedelta(days=6)).month}/{(m + timedelta(days=6)).day}"
            for m in mondays
        ],
        weekly=weekly,
    )


def charts(report: Report) -> dict[str, Any]:
    return {
        "categories": [{"name": n, "value": c} for n, c, _ in report.categories],
        "hours": report.hours,
        "days": report.days,
        "followers": [{"name": k, "data": v} for k, v in report.followers_series.items()],
    }


ROW_HEADERS = (
    "单位",
    "账号",
    "类型",
    "月末粉丝数",
    "新增粉丝",
    "发布数",
    "阅读数",
    "点赞",
    "在看",
    "转发/分享",
    "评论/留言",
    "指数",
    "指数值",
    "公式版本",
)


def _row_cells(r: ChannelRow) -> list[Any]:
    return [
        r.department,
        r.name,
        r.kind,
        r.followers if r.followers is not None else "",
        r.new_followers,
        r.posts,
        r.reads,
        r.likes,
        r.wows,
        r.shares,
        r.comments,
        r.index,
        r.value if r.value is not None else "",
        r.version,
    ]


def _title(report: Report) -> str:
    return f"{report.department}政务新媒体传播月报（{report.label}）"


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "账号"
    sheet.append([_title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(ROW_HEADERS))
    for r in report.rows:
        sheet.append(_row_cells(r))
    cats = book.create_sheet("内容分类")
    cats.append(["分类", "发布数", "阅读数"])
    for label, count, reads in report.categories:
        cats.append([label, count, reads])
    hours = book.create_sheet("发布时段")
    hours.append(["时段", "发布数"])
    for hour, count in enumerate(report.hours):
        hours.append([f"{hour:02d}:00-{hour:02d}:59", count])
    weeks = book.create_sheet("周指数")
    weeks.append(["账号", "公式版本", *report.weeks])
    for name, version, values in report.weekly:
        weeks.append([name, version, *["" if v is None else v for v in values]])
    top = book.create_sheet("热门作品")
    top.append(["账号", "标题", "发布时间", "分类", "阅读数", "互动数", "地址"])
    for t in report.top:
        when = (
            timezone.localtime(t.published_at).strftime("%Y-%m-%d %H:%M") if t.published_at else ""
        )
        top.append([t.channel, t.title, when, t.category_label, t.reads, t.interactions, t.url])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = chinese_styles(small_size=8, small_leading=11)
    title, heading, body, small = styles.title, styles.heading, styles.body, styles.small

    def p(text: Any, style=body) -> Paragraph:
        return paragraph(text, style)

    def grid(rows: list[list[Any]], widths=None) -> Table:
        table = Table([[p(c, small) for c in row] for row in rows], colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        return table

    totals = report.totals
    story: list[Any] = [p(_title(report), title), Spacer(1, 4 * mm)]
    story.append(
        p(
            f"统计期：{report.first:%Y年%m月%d日}至{report.last:%Y年%m月%d日}。"
            f"共 {len(report.rows)} 个账号，发布 {totals['posts']} 条，阅读 {totals['reads']} 次，"
            f"互动 {totals['interactions']} 次，新增粉丝 {totals['new_followers']} 人。"
            "微信公众号按清博 WCI、微博按清博 BCI 计算传播指数，公式版本列于指数值旁；月度按 30 天计。"
        )
    )
    story.append(p("一、账号概况", heading))
    story.append(grid([list(ROW_HEADERS), *[_row_cells(r) for r in report.rows]]))
    story.append(p("二、内容分类", heading))
    story.append(
        grid([["分类", "发布数", "阅读数"], *[list(c) for c in report.categories]], [60 * mm] * 3)
    )
    story.append(p("三、发布时段", heading))
    busy = [f"{h:02d}时 {n} 条" for h, n in enumerate(report.hours) if n]
    story.append(p("；".join(busy) or "本月无已知发布时刻的作品。"))
    story.append(p("四、热门作品", heading))
    top_rows = [["账号", "标题", "发布时间", "分类", "阅读", "互动"]]
    for t in report.top:
        when = timezone.localtime(t.published_at).strftime("%m-%d %H:%M") if t.published_at else ""
        top_rows.append([t.channel, t.title, when, t.category_label, t.reads, t.interactions])
    story.append(grid(top_rows, [40 * mm, 120 * mm, 28 * mm, 30 * mm, 22 * mm, 22 * mm]))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=_title(report),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    ).build(story)
    return out.getvalue()
