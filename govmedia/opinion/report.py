"""The incident report: timeline, volume and sentiment by hour, response times against each mark,
the releases; as a page, .xlsx and PDF (reportlab with STSong-Light, as inspection's report does).

The PDF draws its three charts (volume, sentiment, response time against the
marks) with reportlab's own graphics (vector shapes, no system library), its
labels in the STSong-Light CID font.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from govmedia.core.pdf import FONT, chinese_styles, paragraph
from govmedia.opinion.models import Incident, PostRecord


@dataclass
class Report:
    incident: Incident
    timeline: list[tuple[datetime, str]] = field(default_factory=list)
    hours: list[dict] = field(default_factory=list)  # hour, posts, negative share
    marks: list[dict] = field(default_factory=list)
    releases: list[dict] = field(default_factory=list)
    # Hours from the first post to the first release (or to now while the clock runs).
    elapsed_hours: float = 0.0

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
        .annotate(
            n=Count("pk"),
            neg=Count("pk", filter=Q(sentiment="negative")),
            pos=Count("pk", filter=Q(sentiment="positive")),
        )
        .order_by("hour")
    ):
        report.hours.append(
            {
                "hour": _local(row["hour"]),
                "posts": row["n"],
                "negative": round(row["neg"] / row["n"], 3) if row["n"] else 0,
                "positive": round(row["pos"] / row["n"], 3) if row["n"] else 0,
            }
        )
    report.elapsed_hours = hours_between(incident.started_at, incident.stopped_at or timezone.now())
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
    curves.append(("小时", "帖子数", "负面占比", "正面占比"))
    for hour in report.hours:
        curves.append((hour["hour"], hour["posts"], hour["negative"], hour["positive"]))
    releases = book.create_sheet("通报")
    releases.append(("类别", "标题", "起草时间", "发布时间"))
    for release in report.releases:
        releases.append(
            (release["kind"], release["title"], release["drafted_at"], release["published_at"])
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Chart geometry, in points: the PDF's text column is A4 less two 1-inch margins (451 pt).
CHART_WIDTH = 450
CHART_HEIGHT = 190
PLOT_LEFT, PLOT_RIGHT, PLOT_BOTTOM, PLOT_TOP = 46, 12, 34, 30
BLUE, RED, GREEN, GREY = "#1f5fa8", "#c0392b", "#2e8b57", "#9aa5b1"


def _nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 5 × 10^n) at or above `value`."""
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if value <= factor * step:
            return float(factor * step)
    return float(10 * step)


def _frame(drawing, title: str, y_max: float, y_label) -> tuple[float, float, float, float]:
    """Title, plot area, four horizontal grid lines with their values; returns the plot box."""
    from reportlab.graphics.shapes import Line, String
    from reportlab.lib import colors

    x0, y0 = PLOT_LEFT, PLOT_BOTTOM
    w = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    h = CHART_HEIGHT - PLOT_BOTTOM - PLOT_TOP
    drawing.add(String(x0, CHART_HEIGHT - 16, title, fontName=FONT, fontSize=11))
    for i in range(5):
        y = y0 + h * i / 4
        drawing.add(Line(x0, y, x0 + w, y, strokeColor=colors.HexColor("#dde3ea"), strokeWidth=0.5))
        drawing.add(
            String(
                x0 - 4, y - 3, y_label(y_max * i / 4), fontName=FONT, fontSize=7, textAnchor="end"
            )
        )
    drawing.add(Line(x0, y0, x0, y0 + h, strokeColor=colors.black, strokeWidth=0.7))
    drawing.add(Line(x0, y0, x0 + w, y0, strokeColor=colors.black, strokeWidth=0.7))
    return x0, y0, w, h


def _x_labels(drawing, labels: list[str], xs: list[float], y0: float) -> None:
    from reportlab.graphics.shapes import String

    every = max(1, math.ceil(len(labels) / 8))
    for i in range(0, len(labels), every):
        drawing.add(
            String(xs[i], y0 - 12, labels[i], fontName=FONT, fontSize=7, textAnchor="middle")
        )


def _legend(drawing, items: list[tuple[str, str]]) -> None:
    from reportlab.graphics.shapes import Rect, String
    from reportlab.lib import colors

    x = CHART_WIDTH - PLOT_RIGHT
    for label, colour in reversed(items):
        width = 8 * len(label) + 4
        x -= width
        drawing.add(String(x, CHART_HEIGHT - 15, label, fontName=FONT, fontSize=8))
        drawing.add(
            Rect(
                x - 10, CHART_HEIGHT - 15, 7, 7, fillColor=colors.HexColor(colour), strokeColor=None
            )
        )
        x -= 16


def _hour_labels(report: Report) -> list[str]:
    return [h["hour"][5:13].replace(" ", "日").replace("-", "月") + "时" for h in report.hours]


def volume_chart(report: Report):
    """声量：帖子数/小时, as a line with its points, the hours along the bottom."""
    from reportlab.graphics.shapes import Circle, Drawing, PolyLine
    from reportlab.lib import colors

    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    counts = [h["posts"] for h in report.hours]
    top = _nice_max(max(counts, default=0))
    x0, y0, w, h = _frame(drawing, "声量走势（帖子数/小时）", top, lambda v: f"{v:g}")
    n = len(counts)
    xs = [x0 + w * (i + 0.5) / max(n, 1) for i in range(n)]
    points = [(x, y0 + h * c / top) for x, c in zip(xs, counts, strict=True)]
    if len(points) > 1:
        drawing.add(
            PolyLine(
                [c for pt in points for c in pt],
                strokeColor=colors.HexColor(BLUE),
                strokeWidth=1.5,
            )
        )
    for x, y in points:
        drawing.add(Circle(x, y, 1.8, fillColor=colors.HexColor(BLUE), strokeColor=None))
    _x_labels(drawing, _hour_labels(report), xs, y0)
    _legend(drawing, [("帖子数", BLUE)])
    return drawing


def sentiment_chart(report: Report):
    """情感走势：负面和正面占比/小时, two lines on 0 … 100 %."""
    from reportlab.graphics.shapes import Drawing, PolyLine
    from reportlab.lib import colors

    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    x0, y0, w, h = _frame(drawing, "情感走势（负面、正面占比/小时）", 1.0, lambda v: f"{v:.0%}")
    n = len(report.hours)
    xs = [x0 + w * (i + 0.5) / max(n, 1) for i in range(n)]
    for key, colour in (("negative", RED), ("positive", GREEN)):
        points = [
            c for x, row in zip(xs, report.hours, strict=True) for c in (x, y0 + h * row[key])
        ]
        if n > 1:
            drawing.add(PolyLine(points, strokeColor=colors.HexColor(colour), strokeWidth=1.5))
    _x_labels(drawing, _hour_labels(report), xs, y0)
    _legend(drawing, [("负面占比", RED), ("正面占比", GREEN)])
    return drawing


def marks_chart(report: Report):
    """响应用时与各时限: one bar per mark, the response time as a red line across them."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    marks = report.marks
    drawing = Drawing(CHART_WIDTH, 40 + 22 * max(len(marks), 1))
    left, right = 70, 20
    width = CHART_WIDTH - left - right
    top_hours = max([m["hours"] for m in marks] + [report.elapsed_hours, 1.0])
    scale = width / top_hours
    stopped = report.incident.stopped_at is not None
    title = "响应用时与各时限（小时）"
    drawing.add(String(0, drawing.height - 14, title, fontName=FONT, fontSize=11))
    for i, mark in enumerate(marks):
        y = drawing.height - 40 - 22 * i
        colour = {"达标": GREEN, "超时": RED}.get(mark["state"], GREY)
        drawing.add(
            Rect(
                left,
                y,
                mark["hours"] * scale,
                14,
                fillColor=colors.HexColor(colour),
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                left - 6,
                y + 3,
                f"{mark['hours']:g} 小时",
                fontName=FONT,
                fontSize=8,
                textAnchor="end",
            )
        )
        drawing.add(
            String(
                left + mark["hours"] * scale + 4, y + 3, mark["state"], fontName=FONT, fontSize=8
            )
        )
    x = left + report.elapsed_hours * scale
    drawing.add(
        Line(
            x,
            4,
            x,
            drawing.height - 24,
            strokeColor=colors.HexColor(RED),
            strokeWidth=1.5,
            strokeDashArray=[3, 2],
        )
    )
    label = "首次权威发布" if stopped else "至今"
    drawing.add(
        String(
            min(x + 3, CHART_WIDTH - 80),
            drawing.height - 24,
            f"{label} {report.elapsed_hours:.1f} 小时",
            fontName=FONT,
            fontSize=8,
            fillColor=colors.HexColor(RED),
        )
    )
    return drawing


def to_pdf(report: Report) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = chinese_styles()
    title, heading, body = styles.title, styles.heading, styles.body

    def p(text: str, style=body) -> Paragraph:
        return paragraph(text, style)

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
    if report.marks:
        story.append(marks_chart(report))
    story.append(p("二、时间线", heading))
    story.extend(p(f"{_local(moment)}　{text}") for moment, text in report.timeline)
    story.append(p("三、声量与情感（按小时）", heading))
    if report.hours:
        story.extend([volume_chart(report), Spacer(1, 3 * mm), sentiment_chart(report)])
    story.append(
        Table(
            [[p("小时"), p("帖子数"), p("负面占比"), p("正面占比")]]
            + [
                [
                    p(h["hour"]),
                    p(str(h["posts"])),
                    p(f"{h['negative']:.0%}"),
                    p(f"{h['positive']:.0%}"),
                ]
                for h in report.hours
            ]
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
