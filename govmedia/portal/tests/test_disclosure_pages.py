"""The 政府信息公开指南, 制度 and 法定主动公开内容: pages of their own, editable in the admin."""

from __future__ import annotations

import pytest
from django.test import Client

from govmedia.portal.bootstrap import DISCLOSURE_PAGES, PLACEHOLDER_BODY, ensure_site
from govmedia.portal.models import DisclosurePage

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "政府信息公开指南": "/xxgkzn/",
    "政府信息公开制度": "/xxgkzd/",
    "法定主动公开内容": "/fdzdgknr/",
}


def test_it_serves_the_three_pages_with_a_placeholder_for_the_office_to_fill_in(client, people):
    for title, url in ADDRESSES.items():
        response = client.get(url)

        assert response.status_code == 200, url
        assert f"<h1>{title}</h1>" in response.text
        assert "公开办" in response.text and "正在完善中" in response.text


@pytest.mark.parametrize("url", ["/", "/xxgk/", "/xxgkzn/", "/site-map/"])
def test_it_links_them_and_the_annual_reports_from_the_disclosure_sections(client, people, url):
    text = client.get(url).text

    for title, address in ADDRESSES.items():
        assert f'<a href="{address}">{title}</a>' in text
    assert '<a href="/annual-reports/">政府信息公开工作年度报告</a>' in text


def test_it_lets_the_admin_edit_them_and_keeps_the_text_on_the_next_setup(people, admin_client):
    page = DisclosurePage.objects.get(slug="xxgkzn")
    assert Client().get(f"/admin/pages/{page.pk}/edit/").status_code == 302  # to the log-in

    form = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert form.status_code == 200 and "政府信息公开指南" in form.text
    page.body = "<p>本机关政府信息公开工作机构为办公室。</p>"
    page.save_revision(user=people.admin).publish()
    ensure_site()

    text = Client().get("/xxgkzn/").text
    assert "本机关政府信息公开工作机构为办公室。" in text and "正在完善中" not in text
    assert DisclosurePage.objects.count() == len(DISCLOSURE_PAGES)
    assert DisclosurePage.objects.get(slug="xxgkzn").body != PLACEHOLDER_BODY


def test_it_takes_an_unpublished_page_out_of_the_links(client, people):
    DisclosurePage.objects.get(slug="xxgkzd").unpublish()

    assert client.get("/xxgkzd/").status_code == 404
    assert 'href="/xxgkzd/"' not in client.get("/").text


def test_it_shows_a_published_edit_on_the_next_request_with_the_page_cache_on(
    client, people, page_cache
):
    assert "正在完善中" in client.get("/xxgkzd/").text  # now cached
    page = DisclosurePage.objects.get(slug="xxgkzd")
    page.body = "<p>新的制度文本。</p>"
    page.save_revision(user=people.admin).publish()

    assert "新的制度文本。" in client.get("/xxgkzd/").text
