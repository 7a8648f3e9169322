"""The tables of the annual report on government information disclosure, 2021 format.

《中华人民共和国政府信息公开工作年度报告格式》(国办公开办函〔2021〕30号) asks
each body for six sections; this module fills what the platform's data can
(docs/desk-api.md "Annual report" lists every row's source):

- 二、主动公开政府信息情况: the format's rows (第二十条第（一）（五）（六）（八）项).
  行政规范性文件 comes from the items of the catalogue category of 第（一）项
  published in the year (制发), repealed in the year (废止: validity 废止 and
  last published in the year) and valid at its end (现行有效); every other
  cell (规章, 行政许可, 行政处罚, 行政强制, 行政事业性收费) is the editor's, as is
  any figure the editor overrides. A second table counts the year's items by
  catalogue category, for the editor's text.
- 三、收到和处理政府信息公开申请情况: from the desk's 依申请公开 requests of the
  department. Columns by applicant: 自然人, the five kinds of 法人或其他组织 and
  总计, from the request's `applicant_type` and, for an organisation, its
  `organisation_kind` (asked on the form; a request without one, filed
  before the field existed, counts under 其他).
  Rows: 本年新收 (received in the year), 上年结转 (received before the year,
  not answered before it), 办理结果 (answered in the year, by outcome and
  reason), 结转下年度继续办理 (received by the year's end, not answered by it).
  So 新收 + 上年结转 = 办理结果总计 + 结转下年度, whenever every request is
  answered with an outcome.
- 四、政府信息公开行政复议、行政诉讼情况: no source yet; entered by the editor.
- 一、五、六: free text, the editor's (`AnnualReportText`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from govmedia.desk.models import (
    OUTCOME_REASONS,
    AnnualReportText,
    ApplicantType,
    Kind,
    Message,
    OrganisationKind,
    Outcome,
    OutcomeReason,
    Status,
)

# ---------------------------------------------------------------- table 二

# (key, label, columns): the editor's keys are f"{key}.{column index}".
PROACTIVE_SECTIONS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "第二十条第（一）项",
        ("本年制发件数", "本年废止件数", "现行有效件数"),
        (("rules", "规章"), ("normative", "行政规范性文件")),
    ),
    ("第二十条第（五）项", ("本年处理决定数量",), (("licensing", "行政许可"),)),
    (
        "第二十条第（六）项",
        ("本年处理决定数量",),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("fees", "行政事业性收费"),)),
)
NORMATIVE_CLAUSE = "（一）"  # the catalogue category of 第二十条第（一）项

# ---------------------------------------------------------------- table 三

APPLICANT_COLUMNS = (
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
)
PERSON, OTHER_ORGANISATION, TOTAL = 0, 5, 6
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class Line:
    label: str
    cells: list[int | None]  # one per column; None: left for the editor
    level: int = 0  # indentation: 0 the numbered rows, 1 the outcomes, 2 the reasons
    key: str = ""


@dataclass
class ProactiveSection:
    title: str
    columns: tuple[str, ...]
    lines: list[Line]


@dataclass
class AnnualReport:
    year: int
    department: object
    text: AnnualReportText
    proactive: list[ProactiveSection]
    categories: list[tuple[str, int]]
    requests: list[Line]
    review: list[int | None]
    notes: list[str] = field(default_factory=list)


REVIEW_GROUPS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
REVIEW_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    return start, timezone.make_aware(dt.datetime(year + 1, 1, 1))


ORGANISATION_COLUMNS = {
    OrganisationKind.BUSINESS: 1,
    OrganisationKind.RESEARCH: 2,
    OrganisationKind.CHARITY: 3,
    OrganisationKind.LEGAL: 4,
    OrganisationKind.OTHER: OTHER_ORGANISATION,
}


def _column(applicant_type: str, organisation_kind: str = "") -> int:
    if applicant_type == ApplicantType.PERSON:
        return PERSON
    return ORGANISATION_COLUMNS.get(organisation_kind, OTHER_ORGANISATION)


def _line(label: str, counts: Counter, level: int = 0, key: str = "") -> Line:
    cells: list[int | None] = [counts.get(i, 0) for i in range(TOTAL)]
    cells.append(sum(c or 0 for c in cells))
    return Line(label, cells, level, key)


def request_lines(year: int, department_id: int) -> list[Line]:
    """Table 三, every cell counted by the database (four grouped queries)."""
    start, end = year_bounds(year)
    requests = Message.objects.filter(kind=Kind.DISCLOSURE, department_id=department_id).exclude(
        status__in=(Status.MODERATION, Status.REJECTED)
    )

    def by_type(qs) -> Counter:
        counts: Counter = Counter()
        for row in (
            qs.values("applicant_type", "organisation_kind").annotate(n=Count("pk")).order_by()
        ):
            counts[_column(row["applicant_type"], row["organisation_kind"])] += row["n"]
        return counts

    new = by_type(requests.filter(received_at__gte=start, received_at__lt=end))
    carried_in = by_type(
        requests.filter(received_at__lt=start).filter(
            Q(answered_at__isnull=True) | Q(answered_at__gte=start)
        )
    )
    carried_out = by_type(
        requests.filter(received_at__lt=end).filter(
            Q(answered_at__isnull=True) | Q(answered_at__gte=end)
        )
    )
    outcomes: dict[tuple[str, str], Counter] = {}
    for row in (
        requests.filter(answered_at__gte=start, answered_at__lt=end)
        .values("applicant_type", "organisation_kind", "outcome", "outcome_reason")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        outcome = row["outcome"] or Outcome.OTHER
        reason = row["outcome_reason"]
        if outcome in OUTCOME_REASONS and reason not in OUTCOME_REASONS[outcome]:
            # An outcome answered without one of its reasons: counted under 其他处理·其他.
            outcome, reason = Outcome.OTHER, OutcomeReason.OTHER
        if outcome not in OUTCOME_REASONS:
            reason = ""
        column = _column(row["applicant_type"], row["organisation_kind"])
        outcomes.setdefault((outcome, reason), Counter())[column] += row["n"]

    lines = [
        _line("一、本年新收政府信息公开申请数量", new, key="new"),
        _line("二、上年结转政府信息公开申请数量", carried_in, key="carried_in"),
        Line("三、本年度办理结果", [None] * len(APPLICANT_COLUMNS), key="results"),
    ]
    total: Counter = Counter()
    for n, outcome in enumerate(Outcome):
        prefix = f"（{CHINESE_NUMERALS[n]}）"
        label = str(outcome.label)
        if outcome == Outcome.PARTLY:
            label += "（区分处理的，只计这一情形，不计其他情形）"
        reasons = OUTCOME_REASONS.get(outcome)
        if not reasons:
            counts = outcomes.get((outcome, ""), Counter())
            total.update(counts)
            lines.append(_line(prefix + label, counts, 1, key=outcome))
            continue
        lines.append(Line(prefix + label, [None] * len(APPLICANT_COLUMNS), 1, key=outcome))
        for i, reason in enumerate(reasons, 1):
            counts = outcomes.get((outcome, reason), Counter())
            total.update(counts)
            lines.append(
                _line(f"{i}.{OutcomeReason(reason).label}", counts, 2, key=f"{outcome}.{reason}")
            )
    lines.append(_line(f"（{CHINESE_NUMERALS[len(Outcome)]}）总计", total, 1, key="total"))
    lines.append(_line("四、结转下年度继续办理", carried_out, key="carried_out"))
    return lines


def proactive_sections(year: int, department_id: int, entered: dict) -> list[ProactiveSection]:
    from govmedia.publishing.models import ItemPage, Validity

    items = ItemPage.objects.live().filter(
        department_id=department_id, category__statutory_clause__contains=NORMATIVE_CLAUSE
    )
    year_end = dt.date(year, 12, 31)
    start, end = year_bounds(year)
    counted = {
        "normative.0": items.filter(publish_date__year=year).count(),
        "normative.1": items.filter(
            validity=Validity.REPEALED, last_published_at__gte=start, last_published_at__lt=end
        ).count(),
        "normative.2": items.filter(validity=Validity.VALID, publish_date__lte=year_end).count(),
    }
    sections = []
    for title, columns, rows in PROACTIVE_SECTIONS:
        lines = []
        for key, label in rows:
            cells = []
            for i in range(len(columns)):
                cell = f"{key}.{i}"
                value = entered.get(cell)
                cells.append(value if value not in (None, "") else counted.get(cell))
            lines.append(Line(label, cells, key=key))
        sections.append(ProactiveSection(title, columns, lines))
    return sections


def categories(year: int, department_id: int) -> list[tuple[str, int]]:
    """Items published in the year by catalogue category (for the editor's 总体情况)."""
    from govmedia.publishing.models import DisclosureCategory

    rows = (
        DisclosureCategory.objects.annotate(
            n=Count(
                "items",
                filter=Q(
                    items__live=True,
                    items__department_id=department_id,
                    items__publish_date__year=year,
                ),
            )
        )
        .order_by("order", "id")
        .values_list("name", "n")
    )
    return list(rows)


def build(year: int, department) -> AnnualReport:
    text = AnnualReportText.objects.filter(year=year, department=department).first()
    text = text or AnnualReportText(year=year, department=department)
    review = [text.review_litigation.get(str(i)) for i in range(15)]
    return AnnualReport(
        year=year,
        department=department,
        text=text,
        proactive=proactive_sections(year, department.pk, text.proactive),
        categories=categories(year, department.pk),
        requests=request_lines(year, department.pk),
        review=review,
    )


# ---------------------------------------------------------------- documents


def title(report: AnnualReport) -> str:
    return f"{report.department}{report.year}年政府信息公开工作年度报告"


def _cell(value) -> object:
    return "" if value is None else value


def xlsx(report: AnnualReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = "二、主动公开"
    sheet.append([title(report)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["二、主动公开政府信息情况"])
    for section in report.proactive:
        sheet.append([section.title])
        sheet.append(["信息内容", *section.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for line in section.lines:
            sheet.append([line.label, *(_cell(v) for v in line.cells)])
    sheet.append([])
    sheet.append(["本年主动公开信息（按公开类别）", "条数"])
    for name, n in report.categories:
        sheet.append([name, n])
    sheet.column_dimensions["A"].width = 30

    requests = book.create_sheet("三、依申请公开")
    requests.append(["三、收到和处理政府信息公开申请情况"])
    requests.append(
        ["本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", "申请人情况"]
    )
    requests.append(
        ["", APPLICANT_COLUMNS[0], "法人或其他组织", "", "", "", "", APPLICANT_COLUMNS[6]]
    )
    requests.append(["", "", *APPLICANT_COLUMNS[1:6], ""])
    for row in requests.iter_rows(min_row=2, max_row=4):
        for cell in row:
            cell.font = bold
    for line in report.requests:
        requests.append(["　" * line.level + line.label, *(_cell(v) for v in line.cells)])
    requests.column_dimensions["A"].width = 60
    for row in requests.iter_rows(min_row=5):
        row[0].alignment = Alignment(wrap_text=True)

    review = book.create_sheet("四、复议诉讼")
    review.append(["四、政府信息公开行政复议、行政诉讼情况"])
    review.append([g for group in REVIEW_GROUPS for g in (group, "", "", "", "")])
    review.append([c for _ in REVIEW_GROUPS for c in REVIEW_COLUMNS])
    review.append([_cell(v) for v in report.review])

    texts = book.create_sheet("一、五、六")
    for label, value in _texts(report):
        texts.append([label])
        texts.append([value or "（待填写）"])
    texts.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _texts(report: AnnualReport) -> list[tuple[str, str]]:
    t = report.text
    return [
        ("一、总体情况", t.overview),
        ("五、存在的主要问题及改进情况", t.problems),
        ("六、其他需要报告的事项", t.other_matters),
    ]


def docx(report: AnnualReport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    heading = document.add_heading(title(report), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    texts = dict(_texts(report))
    document.add_heading("一、总体情况", level=2)
    document.add_paragraph(texts["一、总体情况"] or "（待填写）")

    document.add_heading("二、主动公开政府信息情况", level=2)
    for section in report.proactive:
        table = document.add_table(rows=0, cols=1 + len(section.columns))
        table.style = "Table Grid"
        head = table.add_row().cells
        head[0].merge(head[-1]).text = section.title
        cells = table.add_row().cells
        for cell, text in zip(cells, ("信息内容", *section.columns), strict=True):
            cell.text = text
        for line in section.lines:
            cells = table.add_row().cells
            for cell, value in zip(cells, (line.label, *line.cells), strict=True):
                cell.text = str(_cell(value))
        document.add_paragraph()

    document.add_heading("三、收到和处理政府信息公开申请情况", level=2)
    table = document.add_table(rows=3, cols=1 + len(APPLICANT_COLUMNS))
    table.style = "Table Grid"
    corner = table.cell(0, 0).merge(table.cell(2, 0))
    corner.text = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
    table.cell(0, 1).merge(table.cell(0, len(APPLICANT_COLUMNS))).text = "申请人情况"
    table.cell(1, 1).merge(table.cell(2, 1)).text = APPLICANT_COLUMNS[0]
    table.cell(1, 2).merge(table.cell(1, 6)).text = "法人或其他组织"
    for i, name in enumerate(APPLICANT_COLUMNS[1:6], 2):
        table.cell(2, i).text = name
    table.cell(1, 7).merge(table.cell(2, 7)).text = APPLICANT_COLUMNS[6]
    for line in report.requests:
        cells = table.add_row().cells
        cells[0].text = "　" * line.level + line.label
        for cell, value in zip(cells[1:], line.cells, strict=True):
            cell.text = str(_cell(value))
    document.add_paragraph()

    document.add_heading("四、政府信息公开行政复议、行政诉讼情况", level=2)
    table = document.add_table(rows=3, cols=15)
    table.style = "Table Grid"
    for g, group in enumerate(REVIEW_GROUPS):
        table.cell(0, g * 5).merge(table.cell(0, g * 5 + 4)).text = group
        for c, name in enumerate(REVIEW_COLUMNS):
            table.cell(1, g * 5 + c).text = name
    for i, value in enumerate(report.review):
        table.cell(2, i).text = str(_cell(value))

    document.add_heading("五、存在的主要问题及改进情况", level=2)
    document.add_paragraph(texts["五、存在的主要问题及改进情况"] or "（待填写）")
    document.add_heading("六、其他需要报告的事项", level=2)
    document.add_paragraph(texts["六、其他需要报告的事项"] or "（待填写）")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
