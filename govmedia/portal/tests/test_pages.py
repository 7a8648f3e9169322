"""Home, departments, annual reports, 关怀版 and the error pages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govmedia.portal.models import AnnualReport
from govmedia.portal.tests.helpers import publish_item

pytestmark = pytest.mark.django_db


def test_it_shows_latest_items_departments_and_categories_on_home(client, people):
    publish_item(people, title="关于招生的通知")

    response = client.get("/")

    assert response.status_code == 200
    text = response.text
    assert '<html lang="zh-CN">' in text
    assert "跳到主要内容" in text and 'id="main"' in text
    assert "关于招生的通知" in text
    assert "示例市教育局" in text
    assert 'role="search"' in text
    assert reverse("portal:annual_reports") in text


def test_it_shows_the_department_tree(client, people):
    publish_item(people)

    response = client.get("/departments/")

    text = response.text
    assert response.status_code == 200
    # The city government holds its departments in a nested list.
    city = text.index("示例市人民政府")
    assert city < text.index("示例市教育局") and city < text.index("示例市交通运输局")
    assert f'href="/xxgk/{people.education.code_compact.lower()}/"' in text
    assert "（1 条）" in text


def test_it_says_honestly_that_no_annual_report_is_published(client, people):
    AnnualReport.objects.create(department=people.city, year=2025, title="未公开的报告")

    response = client.get("/annual-reports/")

    assert response.status_code == 200
    assert "尚未公开任何政府信息公开工作年度报告" in response.text
    assert "未公开的报告" not in response.text


def test_it_lists_published_annual_reports(client, people):
    AnnualReport.objects.create(
        department=people.city,
        year=2025,
        title="示例市人民政府2025年政府信息公开工作年度报告",
        published_at=timezone.now(),
    )

    response = client.get("/annual-reports/")

    assert "示例市人民政府2025年政府信息公开工作年度报告" in response.text


def test_it_switches_care_mode_on_and_off_with_a_cookie(people):
    client = Client()
    assert '<body class="">' in client.get("/").text

    response = client.get("/care/", {"on": "1", "next": "/xxgk/"})

    assert response.status_code == 302 and response["Location"] == "/xxgk/"
    assert response.cookies["elder"].value == "1"
    page = client.get("/xxgk/").text
    assert '<body class="care">' in page
    assert "退出关怀版" in page

    client.get("/care/", {"on": "0", "next": "/"})
    assert '<body class="">' in client.get("/").text


def test_it_links_the_care_switch_back_to_the_current_page(client, people):
    text = client.get("/xxgk/?category=1").text

    assert 'href="/care/?on=1&amp;next=%2Fxxgk%2F%3Fcategory%3D1"' in text


def test_it_refuses_to_redirect_care_mode_off_site(client, people):
    response = client.get("/care/", {"on": "1", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_it_answers_unknown_urls_with_the_friendly_404_page(client, people):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "抱歉，您访问的页面不存在" in response.text
    assert 'action="/search/"' in response.text


def test_it_renders_the_500_page_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "服务器暂时出错" in html and 'action="/search/"' in html


def test_it_marks_html_pages_as_varying_with_the_care_cookie(client, people, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "govmedia.portal.middleware.CareModeVaryMiddleware",
    ]

    response = client.get("/xxgk/")

    assert "Cookie" in response["Vary"]
    assert "Cookie" not in client.get("/feeds/rss/").get("Vary", "")


def test_home_lists_the_newest_items_by_publish_date_first(client, people):
    import datetime

    from govmedia.portal.models import HOME_LATEST_ITEMS
    from govmedia.publishing.models import ItemPage

    items = [publish_item(people, title=f"第{n:02d}号通知") for n in range(HOME_LATEST_ITEMS + 1)]
    # Published here in one order, dated (imported, back-dated) in another:
    # the first one published carries the newest 发布日期.
    for n, item in enumerate(items):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=(n * 7) % len(items))
        ItemPage.objects.filter(pk=item.pk).update(publish_date=day)
    ItemPage.objects.filter(pk=items[0].pk).update(publish_date=datetime.date(2025, 12, 31))

    listed = list(client.get("/").context["latest_items"])

    assert listed[0].title == "第00号通知"
    dates = [i.publish_date for i in listed]
    assert dates == sorted(dates, reverse=True)
    assert len(listed) == HOME_LATEST_ITEMS
