from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from govmedia.desk import annual_report
from govmedia.desk.models import (
    AnnualReportText,
    ApplicantType,
    Kind,
    Message,
    Outcome,
    OutcomeReason,
    Status,
)

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)
PERSON, ORG = ApplicantType.PERSON, ApplicantType.ORGANISATION


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def request(
    department,
    applicant,
    received: dt.date,
    answered: dt.date | None = None,
    outcome="",
    reason="",
    **extra,
):
    n = next(_numbers)
    return Message.objects.create(
        number=f"Y{n:08d}",
        kind=Kind.DISCLOSURE,
        status=Status.ANSWERED if answered else Status.HANDLING,
        title=f"申请{n}",
        body="申请公开",
        name="申请人",
        applicant_type=applicant,
        department=department,
        received_at=at(received),
        received_on=received,
        answered_at=at(answered) if answered else None,
        outcome=outcome,
        outcome_reason=reason,
        **extra,
    )


@pytest.fixture
def data(people):
    edu = people.education
    d = dt.date
    # Carried in from 2025: received in December 2025, answered in January 2026 (予以公开).
    request(edu, PERSON, d(2025, 12, 22), d(2026, 1, 12), Outcome.DISCLOSED)
    # Answered within 2025: neither carried in nor counted in 2026.
    request(edu, PERSON, d(2025, 11, 3), d(2025, 11, 20), Outcome.DISCLOSED)
    # New in 2026, answered in 2026.
    for _ in range(3):
        request(edu, PERSON, d(2026, 3, 2), d(2026, 3, 20), Outcome.DISCLOSED)
    request(edu, ORG, d(2026, 4, 1), d(2026, 4, 15), Outcome.PARTLY, organisation_kind="business")
    request(
        edu,
        PERSON,
        d(2026, 5, 6),
        d(2026, 5, 20),
        Outcome.NOT_DISCLOSED,
        OutcomeReason.STATE_SECRET,
    )
    request(
        edu,
        ORG,
        d(2026, 5, 6),
        d(2026, 5, 21),
        Outcome.NOT_DISCLOSED,
        OutcomeReason.THIRD_PARTY,
        organisation_kind="legal",
    )
    request(edu, PERSON, d(2026, 6, 1), d(2026, 6, 10), Outcome.UNAVAILABLE, OutcomeReason.NOT_HELD)
    request(edu, ORG, d(2026, 6, 1), d(2026, 6, 11), Outcome.NOT_PROCESSED, OutcomeReason.REPEATED)
    request(edu, PERSON, d(2026, 7, 1), d(2026, 7, 30), Outcome.OTHER, OutcomeReason.NO_CORRECTION)
    # Received in December 2026, answered in January 2027: carried forward.
    request(edu, PERSON, d(2026, 12, 28), d(2027, 1, 8), Outcome.DISCLOSED)
    request(edu, ORG, d(2026, 12, 30))
    # Another department's, and a consultation of the same department: not counted.
    request(people.transport, PERSON, d(2026, 3, 2), d(2026, 3, 3), Outcome.DISCLOSED)
    Message.objects.create(
        number="C0000001", kind=Kind.CONSULT, title="咨询", body="x", name="x",
        department=edu, received_at=at(d(2026, 3, 2)), received_on=d(2026, 3, 2),
    )  # fmt: skip
    return people


def lines(report) -> dict[str, list]:
    return {line.key: line.cells for line in report.requests}


def test_it_counts_requests_by_applicant_and_outcome_and_carries_over(data):
    report = annual_report.build(2026, data.education)
    rows = lines(report)
    #                    自然人 商业 科研 公益 法律 其他 总计
    assert rows["new"] == [7, 1, 0, 0, 1, 2, 11]
    assert rows["carried_in"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["disclosed"] == [4, 0, 0, 0, 0, 0, 4]
    assert rows["partly"] == [0, 1, 0, 0, 0, 0, 1]
    assert rows["not_disclosed.state_secret"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["not_disclosed.third_party"] == [0, 0, 0, 0, 1, 0, 1]
    assert rows["unavailable.not_held"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["not_processed.repeated"] == [0, 0, 0, 0, 0, 1, 1]
    assert rows["other.no_correction"] == [1, 0, 0, 0, 0, 0, 1]
    assert rows["total"] == [7, 1, 0, 0, 1, 1, 10]
    assert rows["carried_out"] == [1, 0, 0, 0, 0, 1, 2]
    # The format's check: 新收 + 上年结转 = 办理结果总计 + 结转下年度.
    assert rows["new"][6] + rows["carried_in"][6] == rows["total"][6] + rows["carried_out"][6]


def test_it_lists_every_outcome_and_reason_of_the_format(data):
    labels = [line.label for line in annual_report.build(2026, data.education).requests]
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert "（三）不予公开" in labels and "3.危及“三安全一稳定”" in labels
    assert "5.要求行政机关确认或重新出具已获取信息" in labels
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    assert len(labels) == 3 + 2 + (1 + 8) + (1 + 3) + (1 + 5) + (1 + 3) + 1 + 1


def test_the_previous_year_sees_the_december_request_carried_forward(data):
    rows = lines(annual_report.build(2025, data.education))
    assert rows["new"][6] == 2 and rows["total"][6] == 1 and rows["carried_out"][6] == 1


def test_the_editor_fills_in_saves_and_exports_xlsx_and_docx(client, data):
    client.force_login(data.supervisor)
    url = f"/admin/desk/annual-report/?year=2026&department={data.education.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "示例市教育局2026年政府信息公开工作年度报告" in page.content.decode()
    response = client.post(
        url,
        {
            "overview": "本年度，我局认真贯彻落实《政府信息公开条例》。",
            "problems": "",
            "other_matters": "无。",
            "p_rules_0": "2",
            "p_licensing_0": "135",
            "p_fees_0": "12.5",
            "r_0": "1",
            "r_4": "1",
        },
    )
    assert response.status_code == 302
    text = AnnualReportText.objects.get(year=2026, department=data.education)
    assert text.proactive == {"rules.0": 2, "licensing.0": 135, "fees.0": 12.5}
    assert text.review_litigation == {"0": 1, "4": 1}

    book = load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    cells = [list(r) for r in book["三、依申请公开"].iter_rows(values_only=True)]
    new = next(r for r in cells if r[0] == "一、本年新收政府信息公开申请数量")
    assert new[1:] == [7, 1, 0, 0, 1, 2, 11]
    proactive = [list(r) for r in book["二、主动公开"].iter_rows(values_only=True)]
    assert ["行政许可", 135] == proactive[[r[0] for r in proactive].index("行政许可")][:2]

    document = Document(io.BytesIO(client.get(url + "&export=docx").content))
    paragraphs = [p.text for p in document.paragraphs]
    assert "本年度，我局认真贯彻落实《政府信息公开条例》。" in paragraphs
    requests_table = document.tables[4]
    rows = [[c.text for c in row.cells] for row in requests_table.rows]
    total = next(r for r in rows if r[0].strip() == "（七）总计")
    assert total[1:] == ["7", "1", "0", "0", "1", "1", "10"]


def test_a_department_editor_reports_only_for_their_own(client, data):
    client.force_login(data.other_editor)
    response = client.get(f"/admin/desk/annual-report/?year=2026&department={data.education.pk}")
    assert "示例市教育局2026年" not in response.content.decode()
    own = client.get(f"/admin/desk/annual-report/?year=2026&department={data.transport.pk}")
    assert "示例市交通运输局2026年政府信息公开工作年度报告" in own.content.decode()
