"""The incident report: timeline, volume and sentiment by hour, response times against each mark,
the releases; as a page, .xlsx and PDF (reportlab with STSong-Light, as inspection's report does)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from govmedia.opinion.models import Incident, PostRecord


@dataclass
class Report:
    incident: Incident
    timeline: list[tuple[datetime, str]] = field(default_factory=list)
    hours: list[dict] = field(default_factory=list)  # hour, posts, negative share
    marks: list[dict] = field(default_factory=list)
    releases: list[dict] = field(default_factory=list)

    @property
    def response_text(self) -> str:
        seconds = self.incident.response_seconds()
        if seconds is None:
            return "尚无权威发布"
        return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


def build(incident: Incident) -> Report:
    report = Report(incident)
    posts = PostRecord.objects.filter(event__in=incident.events.all())
    first = posts.order_by("at").first()
    if first:
        report.timeline.append((first.at, f"首帖：{first.text[:60]}"))
    if incident.alert:
        report.timeline.append(
            (incident.alert.created_at, f"预警：{incident.alert.get_reason_display()}")
        )
    report.timeline.append((incident.created_at, f"立为处置事件（{incident.get_level_display()}）"))
    for release in incident.releases.select_related("item"):
        title = release.item.title if release.item else release.get_kind_display()
        report.timeline.append((release.drafted_at, f"起草{release.get_kind_display()}：{title}"))
        if release.published_at:
            report.timeline.append(
                (release.published_at, f"发布{release.get_kind_display()}：{title}")
            )
        report.releases.append(
            {
                "kind": release.get_kind_display(),
                "title": title,
                "drafted_at": _local(release.drafted_at),
                "published_at": _local(release.published_at),
            }
        )
    if incident.stopped_at:
        report.timeline.append((incident.stopped_at, "首次权威发布，计时停止"))
    report.timeline.sort(key=lambda row: row[0])
    for row in (
        posts.annotate(hour=TruncHour("at"))
        .values("hour")
        .annotate(n=Count("pk"), neg=Count("pk", filter=Q(sentiment="negative")))
        .order_by("hour")
    ):
        report.hours.append(
            {
                "hour": _local(row["hour"]),
                "posts": row["n"],
                "negative": round(row["neg"] / row["n"], 3) if row["n"] else 0,
            }
        )
    for mark in incident.marks():
        state = "达标" if mark["met"] else ("超时" if mark["missed"] else "计时中")
        report.marks.append({"hours": mark["hours"], "due": _local(mark["due"]), "state": state})
    return report


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "概况"
    incident = report.incident
    for row in (
        ("事件", incident.title),
        ("责任机构", incident.department.name),
        ("级别", incident.get_level_display()),
        ("首帖时间", _local(incident.started_at)),
        ("首次权威发布", _local(incident.first_release_at)),
        ("响应用时", report.response_text),
    ):
        sheet.append(row)
    marks = book.create_sheet("时限")
    marks.append(("时限（小时）", "截止时间", "结果"))
    for mark in report.marks:
        marks.append((mark["hours"], mark["due"], mark["state"]))
    timeline = book.create_sheet("时间线")
    timeline.append(("时间", "事项"))
    for moment, text in report.timeline:
        timeline.append((_local(moment), text))
    curves = book.create_sheet("声量与情感")
    curves.append(("小时", "帖子数", "负面占比"))
    for hour in report.hours:
        curves.append((hour["hour"], hour["posts"], hour["negative"]))
    releases = book.create_sheet("通报")
    releases.append(("类别", "标题", "起草时间", "发布时间"))
    for release in report.releases:
        releases.append(
            (release["kind"], release["title"], release["drafted_at"], release["published_at"])
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FONT = "STSong-Light"


def to_pdf(report: Report) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=20, spaceBefore=8)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), style)

    incident = report.incident
    story: list[Any] = [p(f"舆情处置报告：{incident.title}", title), Spacer(1, 4 * mm)]
    story.append(
        p(
            f"责任机构：{incident.department.name}；级别：{incident.get_level_display()}；"
            f"首帖时间：{_local(incident.started_at)}；首次权威发布：{_local(incident.first_release_at)}；"
            f"响应用时：{report.response_text}。"
        )
    )
    story.append(p("一、响应时限", heading))
    story.append(
        Table(
            [[p("时限"), p("截止时间"), p("结果")]]
            + [[p(f"{m['hours']:g} 小时"), p(m["due"]), p(m["state"])] for m in report.marks]
        )
    )
    story.append(p("二、时间线", heading))
    story.extend(p(f"{_local(moment)}　{text}") for moment, text in report.timeline)
    story.append(p("三、声量与情感（按小时）", heading))
    story.append(
        Table(
            [[p("小时"), p("帖子数"), p("负面占比")]]
            + [[p(h["hour"]), p(str(h["posts"])), p(f"{h['negative']:.0%}")] for h in report.hours]
        )
    )
    story.append(p("四、通报", heading))
    story.extend(
        p(f"{r['kind']}：{r['title']}（起草 {r['drafted_at']}，发布 {r['published_at']}）")
        for r in report.releases
    )
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=f"舆情处置报告：{incident.title}").build(story)
    return out.getvalue()


def hours_between(start: datetime, end: datetime) -> float:
    return (end - start) / timedelta(hours=1)
