"""对标国办指标的检查报告: a month's or a quarter's inspection as a page, .xlsx and PDF.

``build(period)`` reads the rounds whose day falls in the period: the last
one gives each department's standing (score, state, rank, problems with
evidence); all of them its mean score and the number of days it stood
vetoed. The PDF is drawn with reportlab and its built-in CID font
STSong-Light, which every PDF reader supplies, so nothing beyond pip is
needed to print Chinese (WeasyPrint would need system libraries).
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from govmedia.core.pdf import chinese_styles, paragraph
from govmedia.inspection import judge
from govmedia.inspection.models import DepartmentResult, InspectionRound, State

PERIOD_RE = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4]))$")
STATE_LABELS = dict(State.choices)


def parse_period(text: str) -> tuple[date, date, str]:
    """'2026-03' (a month) or '2026-Q1' (a quarter): (first day, last day, label)."""
    match = PERIOD_RE.match(text.strip())
    if not match:
        raise ValueError("统计期格式应为 2026-03（月）或 2026-Q1（季度）。")
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError("月份应在 01 至 12 之间。")
        first, months, label = date(year, month, 1), 1, f"{year}年{month}月"
    else:
        quarter = int(match.group(3))
        first, months, label = date(year, 3 * quarter - 2, 1), 3, f"{year}年第{quarter}季度"
    end_month = first.month + months
    last = date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return first, last, label


@dataclass
class DepartmentRow:
    department_id: int
    name: str
    rank: int
    score: float
    state: str
    passed: bool
    mean_score: float
    vetoed_rounds: int
    rounds: int
    channels: int
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))


@dataclass
class Report:
    label: str
    first: date
    last: date
    round: InspectionRound | None
    rows: list[DepartmentRow]
    common: list[tuple[str, int]]  # (problem label, departments having it)
    spread: dict[str, Any]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.state for row in self.rows)
        return {state: found.get(state, 0) for state in (State.HEALTHY, State.WARNED, State.VETOED)}


def build(period: str, visible: set[int] | None = None) -> Report:
    first, last, label = parse_period(period)
    rounds = list(
        InspectionRound.objects.filter(
            period_end__range=(first, last), status=InspectionRound.Status.DONE
        ).order_by("period_end")
    )
    results = DepartmentResult.objects.filter(round__in=rounds).select_related("department")
    if visible is not None:
        results = results.filter(department_id__in=visible)
    history: dict[int, list[DepartmentResult]] = defaultdict(list)
    for result in results.order_by("round__period_end"):
        history[result.department_id].append(result)
    final = rounds[-1] if rounds else None
    rows = []
    for department_id, series in history.items():
        latest = series[-1]
        if final is not None and latest.round_id != final.pk:
            continue  # no longer watched at the period's end
        rows.append(
            DepartmentRow(
                department_id=department_id,
                name=latest.department.name,
                rank=latest.rank,
                score=latest.score,
                state=latest.state,
                passed=latest.passed,
                mean_score=round(sum(r.score for r in series) / len(series), 2),
                vetoed_rounds=sum(1 for r in series if r.state == State.VETOED),
                rounds=len(series),
                channels=latest.channels,
                problems=[
                    p
                    for p in latest.problems
                    if p.get("veto") or p.get("deduction") or p.get("warning")
                ],
            )
        )
    rows.sort(key=lambda r: r.rank)
    common = Counter()
    for row in rows:
        for code in {p["code"] for p in row.problems}:
            common[judge.LABELS.get(code, code)] += 1
    return Report(
        label, first, last, final, rows, common.most_common(10), final.spread if final else {}
    )


def evidence_text(problem: dict[str, Any]) -> str:
    parts = []
    for item in problem.get("evidence", [])[:5]:
        if "title" in item and "published" in item:
            parts.append(
                f"《{item['title']}》{item.get('published') or '无日期'} {item.get('url', '')}".strip()
            )
        elif "at" in item:
            parts.append(
                f"{item['at']} {item.get('error') or item.get('status_code') or ''}".strip()
            )
        elif "message" in item:
            parts.append(f"{item['message']}，已 {item['days']} 天")
        elif "channel" in item:
            parts.append(f"{item['channel']}：{item.get('detail', '')}")
        elif "text" in item:
            parts.append(f"《{item.get('title', '')}》：{item['text']}")
    return "；".join(parts)


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "排名"
    sheet.append([f"对标国办指标的检查报告（{report.label}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            "排名",
            "机构",
            "得分",
            "状态",
            "是否合格",
            "期内平均分",
            "期内否决次数",
            "巡检次数",
            "渠道数",
        ]
    )
    for row in report.rows:
        sheet.append(
            [
                row.rank,
                row.name,
                row.score,
                row.state_label,
                "合格" if row.passed else "不合格",
                row.mean_score,
                row.vetoed_rounds,
                row.rounds,
                row.channels,
            ]
        )
    problems = book.create_sheet("问题及证据")
    problems.append(["机构", "渠道", "问题", "单项否决", "扣分", "说明", "证据"])
    for row in report.rows:
        for p in row.problems:
            problems.append(
                [
                    row.name,
                    p.get("channel", ""),
                    p.get("label", ""),
                    "是" if p.get("veto") else "",
                    p.get("deduction") or "",
                    p.get("detail", ""),
                    evidence_text(p),
                ]
            )
    common = book.create_sheet("常见问题")
    common.append(["问题", "涉及机构数"])
    for label, count in report.common:
        common.append([label, count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = chinese_styles()
    title, heading, body, small = styles.title, styles.heading, styles.body, styles.small

    def p(text: str, style=body) -> Paragraph:
        return paragraph(text, style)

    story: list[Any] = [p(f"对标国办指标的检查报告（{report.label}）", title), Spacer(1, 4 * mm)]
    counts = report.counts
    basis = report.round.period_end.strftime("%Y年%m月%d日") if report.round else "（无）"
    story.append(
        p(
            f"统计期：{report.first:%Y年%m月%d日}至{report.last:%Y年%m月%d日}，以 {basis} 的巡检结果为准。"
            f"共 {len(report.rows)} 个机构：健康 {counts[State.HEALTHY]} 个，预警 {counts[State.WARNED]} 个，"
            f"单项否决 {counts[State.VETOED]} 个。依据《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号），"
            "单项否决项任一项不合格即为不合格；其余按百分制扣分，60 分及以上为合格；无对外服务的部门按 75 分计分后乘以 4/3。"
        )
    )
    if report.spread:
        story.append(
            p(
                f"各机构得分最高 {report.spread['highest']:g}、最低 {report.spread['lowest']:g}，温差 {report.spread['spread']:g} 分。"
            )
        )
    story.append(p("一、排名", heading))
    table = [[p(h, small) for h in ("排名", "机构", "得分", "状态", "期内平均分", "否决次数")]]
    for row in report.rows:
        table.append(
            [
                p(str(row.rank), small),
                p(row.name, small),
                p(f"{row.score:g}", small),
                p(row.state_label, small),
                p(f"{row.mean_score:g}", small),
                p(f"{row.vetoed_rounds}/{row.rounds}", small),
            ]
        )
    grid = Table(
        table, colWidths=[14 * mm, 62 * mm, 18 * mm, 24 * mm, 24 * mm, 22 * mm], repeatRows=1
    )
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    story.append(grid)
    if report.common:
        story.append(p("二、常见问题", heading))
        for label, count in report.common:
            story.append(p(f"{label}：{count} 个机构"))
    story.append(p("三、问题及证据", heading))
    for row in report.rows:
        if not row.problems:
            continue
        story.append(p(f"{row.name}（{row.state_label}，{row.score:g} 分）", body))
        for number, problem in enumerate(row.problems, start=1):
            flag = "【单项否决】" if problem.get("veto") else ""
            text = f"{number}. {flag}{problem.get('channel') or ''} {problem.get('label')}：{problem.get('detail', '')}"
            story.append(p(text, small))
            evidence = evidence_text(problem)
            if evidence:
                story.append(p(f"　证据：{evidence}", small))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"对标国办指标的检查报告（{report.label}）",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    ).build(story)
    return out.getvalue()
