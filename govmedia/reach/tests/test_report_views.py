"""The 传播月报 through HTTP: who sees which department, the figures, the .xlsx and the PDF."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.reach.models import IndexScore, Post, Source, StatKind
from govmedia.reach.store import record_account_day, record_post_stat, upsert_post

pytestmark = pytest.mark.django_db
MONTH = "2026-10"


def denied(response) -> bool:
    # Wagtail's admin answers PermissionDenied with a redirect to its home and a message.
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def post(channel, key, title, when, **figures):
    at = timezone.make_aware(when)
    p = upsert_post(channel, key, title=title, published_at=at, is_headline=key.endswith("_1"))
    record_post_stat(p, at.date(), StatKind.TOTAL, figures, Source.IMPORT)
    return p


@pytest.fixture
def accounts(people):
    edu = Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育发布", account_id="gh_e"
    )
    traffic = Channel.objects.create(
        department=people.transport, kind=ChannelKind.WEIBO, name="示例交通微博", account_id="t1"
    )
    post(
        edu,
        "100_1",
        "暴雨预警：全市中小学停课一天",
        datetime(2026, 10, 3, 8, 5),
        reads=9000,
        likes=30,
        wows=12,
        shares=400,
    )
    post(
        edu,
        "101_1",
        "秋季学期招生报名指南",
        datetime(2026, 10, 9, 18, 30),
        reads=3000,
        likes=5,
        wows=2,
        shares=50,
    )
    post(
        traffic,
        "4999",
        "地铁3号线今日恢复运营",
        datetime(2026, 10, 5, 7, 45),
        shares=80,
        comments=20,
        likes=300,
    )
    record_account_day(
        edu, date(2026, 10, 31), {"followers": 52000, "new_followers": 120}, Source.IMPORT
    )
    return edu, traffic


def test_an_editor_sees_only_their_own_departments_accounts(client, people, accounts):
    client.force_login(people.editor)
    page = client.get(reverse("reach_report"), {"month": MONTH}).content.decode()
    assert "示例教育发布" in page and "暴雨预警" in page
    assert "示例交通微博" not in page and "地铁3号线" not in page


def test_an_editor_asking_for_another_department_is_refused(client, people, accounts):
    client.force_login(people.editor)
    response = client.get(
        reverse("reach_report"), {"month": MONTH, "department": people.transport.pk}
    )
    assert denied(response)
    response = client.get(
        reverse("reach_report"),
        {"month": MONTH, "department": people.transport.pk, "format": "xlsx"},
    )
    assert denied(response)


def test_a_supervisor_sees_every_department_and_each_on_its_own(client, people, accounts):
    client.force_login(people.supervisor)
    page = client.get(reverse("reach_report"), {"month": MONTH}).content.decode()
    assert "示例教育发布" in page and "示例交通微博" in page
    page = client.get(
        reverse("reach_report"), {"month": MONTH, "department": people.transport.pk}
    ).content.decode()
    assert "示例交通微博" in page and "示例教育发布" not in page


def test_every_index_is_shown_with_its_formula_version(client, people, accounts):
    client.force_login(people.supervisor)
    page = client.get(reverse("reach_report"), {"month": MONTH}).content.decode()
    assert "WCI V14.2" in page and "BCI（四项版）" in page
    wci = IndexScore.objects.get(channel=accounts[0], index="WCI", period="month")
    assert wci.version == "WCI V14.2" and wci.start == date(2026, 10, 1)
    assert wci.inputs["articles"] == 2 and wci.inputs["days"] == 30
    assert f"{wci.value:.2f}" in page
    assert "d=30 n=2 R=12000 Z=14 L=35 RE=450 Rt=12000 Rmax=9000" in page
    assert "发博数=1 转发数=80 评论数=20 点赞数=300" in page


def test_the_page_shows_categories_posting_hours_and_the_charts(client, people, accounts):
    client.force_login(people.editor)
    response = client.get(reverse("reach_report"), {"month": MONTH})
    page = response.content.decode()
    assert "vendor/echarts-5.6.0/echarts.common.min.js" in page and 'id="reach-data"' in page
    charts = response.context["charts"]
    assert charts["hours"][8] == 1 and charts["hours"][18] == 1 and sum(charts["hours"]) == 2
    by_name = {c["name"]: c["value"] for c in charts["categories"]}
    assert by_name["应急与求助"] == 1 and by_name["便民服务"] == 1


def test_a_category_can_be_set_by_hand_within_ones_department(client, people, accounts):
    target = Post.objects.get(external_id="101_1")
    client.force_login(people.other_editor)
    assert denied(
        client.post(reverse("reach_post_category", args=[target.pk]), {"category": "news"})
    )
    client.force_login(people.editor)
    client.post(reverse("reach_post_category", args=[target.pk]), {"category": "news"})
    target.refresh_from_db()
    assert target.effective_category == "news" and target.category == "service"


def test_the_report_as_a_workbook_and_a_pdf_in_chinese(client, people, accounts):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client.force_login(people.supervisor)
    url = reverse("reach_report")
    xlsx = client.get(url, {"month": MONTH, "format": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book["账号"].iter_rows(min_row=3, values_only=True))
    assert {r[1] for r in rows} == {"示例教育发布", "示例交通微博"}
    edu = next(r for r in rows if r[1] == "示例教育发布")
    assert edu[3] == 52000 and edu[5] == 2 and edu[6] == 12000 and edu[13] == "WCI V14.2"
    titles = [r[1] for r in book["热门作品"].iter_rows(min_row=2, values_only=True)]
    assert titles[0] == "暴雨预警：全市中小学停课一天"
    pdf = client.get(url, {"month": MONTH, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "政务新媒体传播月报" in text and "示例教育发布" in text and "WCI V14.2" in text


def test_someone_without_a_department_is_refused(client, people, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    assert denied(client.get(reverse("reach_report")))


def test_weekly_indices_are_shown_for_every_week_of_the_month(client, people, accounts):
    client.force_login(people.editor)
    response = client.get(reverse("reach_report"), {"month": MONTH})
    report = response.context["report"]
    assert report.weeks[0] == "9/28–10/4" and report.weeks[-1] == "10/26–11/1"
    name, version, values = report.weekly[0]
    week = IndexScore.objects.get(channel=accounts[0], period="week", start=date(2026, 9, 28))
    assert (name, version, values[0]) == ("示例教育发布", "WCI V14.2", week.value)
    assert week.inputs["days"] == 7 and week.inputs["articles"] == 1
    assert 'id="reach-weekly"' in response.content.decode()


def test_the_menu_offers_the_report_to_department_staff_only(client, people, django_user_model):
    from django.contrib.auth.models import Permission

    client.force_login(people.editor)
    assert reverse("reach_report") in client.get(reverse("wagtailadmin_home")).content.decode()
    nobody = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    assert reverse("reach_report") not in client.get(reverse("wagtailadmin_home")).content.decode()
