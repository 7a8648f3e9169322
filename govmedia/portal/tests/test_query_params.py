"""A filter value that cannot be used is ignored with a notice: the page never fails on it."""

from __future__ import annotations

import pytest

from govmedia.portal.tests.helpers import publish_item

pytestmark = pytest.mark.django_db

NOTICE = "以下筛选条件的取值无效，已忽略："


def titles(response):
    return [item.title for item in response.context["items"]]


@pytest.mark.parametrize(
    "year",
    ["²", "①", "٢٠٢٦", "0", "10000", "99999999999999999999999", "9" * 5000, "20\x0026"],
)
def test_the_catalogue_ignores_a_year_it_cannot_use_and_says_so(client, people, year):
    publish_item(people, title="教育甲")
    response = client.get("/xxgk/", {"year": year})
    assert response.status_code == 200
    assert titles(response) == ["教育甲"]
    assert f"{NOTICE}发布年份。" in response.text


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "9223372036854775808", "\x00"])
def test_the_catalogue_ignores_a_department_or_category_it_cannot_use(client, people, value):
    publish_item(people, title="教育甲")
    response = client.get("/xxgk/", {"department": value, "category": value, "page": value})
    assert response.status_code == 200
    assert titles(response) == ["教育甲"]
    assert f"{NOTICE}机构、公开类别。" in response.text


def test_a_department_page_ignores_a_bad_year_too(client, people):
    publish_item(people, title="交通甲", department=people.transport)
    response = client.get(f"/xxgk/{people.transport.code_compact.lower()}/", {"year": "①"})
    assert response.status_code == 200
    assert titles(response) == ["交通甲"]
    assert NOTICE in response.text


def test_a_usable_filter_shows_no_notice(client, people):
    item = publish_item(people, title="教育甲")
    response = client.get("/xxgk/", {"year": item.publish_date.year})
    assert titles(response) == ["教育甲"]
    assert NOTICE not in response.text


def test_the_search_drops_nul_and_ignores_filters_it_cannot_use(client, people):
    publish_item(people, title="关于招生工作的通知")
    response = client.get(
        "/search/",
        {"q": "招生\x00", "department": "①", "from": "2026-13-45", "to": "99999-01-01"},
    )
    assert response.status_code == 200
    assert response.context["query"] == "招生"
    assert [r["item"].title for r in response.context["results"]] == ["关于招生工作的通知"]
    assert f"{NOTICE}机构、发布日期从、发布日期至。" in response.text
