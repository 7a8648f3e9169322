"""The 巡检 admin through HTTP: who sees what, the drill-down, notices marked 已整改, the report."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from govmedia.inspection.models import Notice, WatchedChannel
from govmedia.inspection.service import SHANGHAI, run_round
from govmedia.orgs.models import Channel, ChannelKind
from govmedia.sources.models import Entry, Kind, Source

pytestmark = pytest.mark.django_db


def column(department, name, column_type, *, days_ago, count=5):
    channel = Channel.objects.create(
        department=department,
        kind=ChannelKind.WEBSITE_COLUMN,
        name=name,
        url=f"http://www.example.gov.cn/{department.pk}/{column_type}/",
    )
    source = Source.objects.create(name=name, kind=Kind.COLUMN, url=channel.url)
    now = timezone.now()
    for n in range(count):
        at = now - timedelta(days=days_ago + n)
        Entry.objects.create(
            source=source,
            key=f"{n}",
            url=f"{channel.url}{n}.html",
            title=f"{name}第{n}条",
            published_at=at,
            first_seen_at=at,
            last_seen_at=now,
        )
    return WatchedChannel.objects.create(channel=channel, source=source, column_type=column_type)


def denied(response) -> bool:
    # Wagtail's admin answers PermissionDenied with a redirect to its home and a message.
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


@pytest.fixture
def inspected(people):
    column(people.education, "政务动态", "news", days_ago=30)  # stale: a notice
    column(people.education, "首页", "home", days_ago=1)
    column(people.transport, "交通要闻", "news", days_ago=1)
    day = timezone.localdate(timezone.now(), SHANGHAI)
    return run_round(day)


def test_a_supervisor_sees_every_department_on_the_dashboard(client, people, inspected):
    client.force_login(people.supervisor)
    page = client.get(reverse("inspection_dashboard")).content.decode()
    assert "示例市教育局" in page and "示例市交通运输局" in page
    assert "echarts.common.min.js" in page and "立即巡检" in page


def test_a_department_editor_sees_only_their_own_department(client, people, inspected):
    client.force_login(people.editor)  # of 示例市教育局
    page = client.get(reverse("inspection_dashboard")).content.decode()
    assert "示例市教育局" in page and "示例市交通运输局" not in page and "立即巡检" not in page
    ranking = client.get(reverse("inspection_ranking")).content.decode()
    assert "示例市交通运输局" not in ranking and "排名方法" in ranking
    assert (
        client.get(reverse("inspection_department", args=[people.education.pk])).status_code == 200
    )
    assert denied(client.get(reverse("inspection_department", args=[people.transport.pk])))
    other = WatchedChannel.objects.get(channel__department=people.transport)
    assert denied(client.get(reverse("inspection_channel", args=[other.pk])))
    assert denied(client.post(reverse("inspection_run")))


def test_the_drill_down_shows_the_evidence(client, people, inspected):
    client.force_login(people.supervisor)
    stale = WatchedChannel.objects.get(channel__name="政务动态")
    page = client.get(reverse("inspection_channel", args=[stale.pk])).content.decode()
    assert "栏目更新不及时" in page and "政务动态第0条" in page and "突发性" in page


def test_a_department_marks_its_notice_rectified_and_the_next_round_confirms_or_reopens(
    client, people, inspected
):
    notice = Notice.objects.get(department=people.education)
    assert notice.status == Notice.Status.OPEN and notice.problems[0]["code"] == "column_stale"
    client.force_login(people.other_editor)  # of another department
    assert denied(client.get(reverse("inspection_notice", args=[notice.pk])))
    assert denied(client.post(reverse("inspection_notice", args=[notice.pk]), {"note": "x"}))
    client.force_login(people.editor)
    response = client.post(reverse("inspection_notice", args=[notice.pk]), {"note": "已更新栏目。"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.RECTIFIED and notice.rectified_by == people.editor
    # Nothing was actually published: the next round finds the column still stale.
    run_round(inspected.period_end)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.REOPENED and notice.remaining[0]["code"] == "column_stale"
    # Now it is fixed, marked again, and confirmed.
    watched = WatchedChannel.objects.get(channel__name="政务动态")
    now = timezone.now()
    Entry.objects.create(
        source=watched.source,
        key="new",
        title="新动态",
        published_at=now,
        first_seen_at=now,
        last_seen_at=now,
    )
    client.post(reverse("inspection_notice", args=[notice.pk]), {"note": "已发布新动态。"})
    run_round(inspected.period_end)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.CONFIRMED


def test_the_report_as_a_page_a_workbook_and_a_pdf_in_chinese(client, people, inspected):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client.force_login(people.supervisor)
    period = f"{inspected.period_end:%Y-%m}"
    url = reverse("inspection_report")
    page = client.get(url, {"period": period}).content.decode()
    assert "对标国办指标的检查报告" in page and "示例市教育局" in page
    xlsx = client.get(url, {"period": period, "format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    names = [row[1] for row in book["排名"].iter_rows(min_row=3, values_only=True)]
    assert set(names) == {"示例市教育局", "示例市交通运输局"}
    pdf = client.get(url, {"period": period, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "对标国办指标的检查报告" in text and "示例市教育局" in text and "栏目更新不及时" in text
