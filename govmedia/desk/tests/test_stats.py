from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from govmedia.desk import stats
from govmedia.desk.models import Kind, Message, Status

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def message(department, *, received: dt.date, kind=Kind.CONSULT, status=Status.HANDLING, **extra):
    n = next(_numbers)
    return Message.objects.create(
        number=f"T{n:08d}",
        kind=kind,
        status=status,
        title=f"留言{n}",
        body="内容",
        name="张三",
        department=department,
        received_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))),
        received_on=received,
        **extra,
    )


def answered(department, received: dt.date, answered_on: dt.date, days: int, on_time=True, **extra):
    return message(
        department,
        received=received,
        status=Status.ANSWERED,
        answered_at=timezone.make_aware(dt.datetime.combine(answered_on, dt.time(16))),
        handling_days=days,
        on_time=on_time,
        **extra,
    )


@pytest.fixture
def data(people):
    edu, transport = people.education, people.transport
    # Education: ten answers in March with 1..10 working days, two late; ratings 5,5,4,3,2.
    for days in range(1, 11):
        rating = {1: 5, 2: 5, 3: 4, 4: 3, 5: 2}.get(days)
        answered(
            edu, dt.date(2026, 3, 2), dt.date(2026, 3, 20), days, on_time=days <= 8, rating=rating
        )
    # One received in March, still open and past its deadline; one open, not yet due.
    message(edu, received=dt.date(2026, 3, 3), due_on=dt.date(2026, 3, 6))
    message(edu, received=dt.date(2026, 3, 30), due_on=dt.date(2099, 1, 1))
    # Transport: one complaint answered in April (outside a March period), received in March.
    answered(
        transport, dt.date(2026, 3, 10), dt.date(2026, 4, 2), 12, kind=Kind.COMPLAINT, rating=1
    )
    # Spam in moderation is not counted.
    message(None, received=dt.date(2026, 3, 5), status=Status.MODERATION)
    return people


def test_it_counts_per_department_with_mean_and_90th_percentile(data):
    report = stats.compute(
        stats.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), today=dt.date(2026, 4, 10)
    )
    rows = {r.department: r for r in report.rows}
    edu = rows["示例市教育局"]
    assert (edu.received, edu.answered, edu.on_time, edu.overdue_open) == (12, 10, 8, 1)
    assert edu.mean_days == pytest.approx(5.5)
    assert edu.p90_days == 9  # nearest rank: the 9th of 10 sorted values
    assert edu.ratings == {5: 2, 4: 1, 3: 1, 2: 1}
    assert edu.satisfaction_rate == pytest.approx(4 / 5)
    transport = rows["示例市交通运输局"]
    assert (transport.received, transport.answered) == (1, 0)
    assert report.total.received == 13 and report.total.answered == 10
    assert "（未分派）" not in rows


def test_it_counts_an_answer_in_the_period_it_was_given_and_filters_by_kind(data):
    april = stats.compute(
        stats.Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30), kind=Kind.COMPLAINT)
    )
    (row,) = april.rows
    assert (row.department, row.received, row.answered, row.p90_days) == (
        "示例市交通运输局",
        0,
        1,
        12,
    )
    assert row.satisfaction_rate == 0
    assert april.months == [("2026-04", 0, 1)]


def test_the_percentile_is_the_nearest_rank():
    assert stats.percentile({}, 0.9) is None
    assert stats.percentile({3: 1}, 0.9) == 3
    assert stats.percentile({1: 89, 50: 11}, 0.9) == 50
    assert stats.percentile({1: 90, 50: 10}, 0.9) == 1


def test_the_page_shows_a_supervisor_every_department_and_exports_xlsx(client, data):
    client.force_login(data.supervisor)
    response = client.get("/admin/desk/stats/", {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "示例市教育局" in html and "示例市交通运输局" in html
    assert "echarts.common.min.js" in html and 'id="desk-stats-data"' in html
    export = client.get(
        "/admin/desk/stats/", {"start": "2026-03-01", "end": "2026-03-31", "export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("承办单位", "收到", "答复")
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["示例市教育局"][1:4] == (12, 10, 8)
    assert by_name["合计"][1] == 13


def test_a_department_editor_sees_only_their_own(client, data):
    client.force_login(data.editor)
    response = client.get("/admin/desk/stats/", {"start": "2026-03-01", "end": "2026-03-31"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "示例市教育局" in html and "示例市交通运输局" not in html
    other = client.get(
        "/admin/desk/stats/",
        {"start": "2026-03-01", "end": "2026-03-31", "department": data.transport.pk},
    )
    assert "示例市交通运输局" not in other.content.decode()  # not a choice: the form refuses it


def test_a_wrong_period_is_refused_with_a_reason(client, data):
    client.force_login(data.supervisor)
    response = client.get("/admin/desk/stats/", {"start": "2026-04-01", "end": "2026-03-01"})
    assert "起始日期不能晚于截止日期" in response.content.decode()
