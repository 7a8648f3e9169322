import pytest

from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.models import DisclosureCategory, ItemPage

pytestmark = pytest.mark.django_db


def titles(response):
    return [item.title for item in response.context["items"]]


def test_it_lists_live_items_with_index_number_title_and_date(client, people):
    item = publish_item(people, title="关于招生的通知")
    publish_item(people, title="未发布的草稿", publish=False)

    response = client.get("/xxgk/")

    assert response.status_code == 200
    assert titles(response) == ["关于招生的通知"]
    assert item.index_number in response.text
    assert item.publish_date.strftime("%Y-%m-%d") in response.text
    assert item.url in response.text


def test_it_filters_by_department_category_and_year(client, people):
    first, second = DisclosureCategory.objects.order_by("order", "id")[:2]
    publish_item(people, title="教育甲", category=first)
    publish_item(people, title="教育乙", category=second)
    transport = publish_item(people, title="交通甲", department=people.transport, category=first)
    year = transport.publish_date.year

    assert titles(client.get("/xxgk/", {"department": people.transport.pk})) == ["交通甲"]
    assert set(titles(client.get("/xxgk/", {"category": first.pk}))) == {"教育甲", "交通甲"}
    assert len(titles(client.get("/xxgk/", {"year": year}))) == 3
    assert titles(client.get("/xxgk/", {"year": year - 1})) == []


def test_it_shows_one_department_on_its_own_page(client, people):
    publish_item(people, title="教育信息")
    publish_item(people, title="交通信息", department=people.transport)

    response = client.get(f"/xxgk/{people.transport.code_compact.lower()}/")

    assert response.status_code == 200
    assert titles(response) == ["交通信息"]
    assert "示例市交通运输局" in response.text


def test_it_pages_twenty_items_at_a_time(client, people):
    for n in range(21):
        publish_item(people, title=f"第{n:02d}号通知")

    first = client.get("/xxgk/")
    second = client.get("/xxgk/", {"page": 2})

    assert len(titles(first)) == 20
    assert titles(second) == ["第00号通知"]
    assert "下一页" in first.text
    assert "page=2" in first.text


def test_it_ignores_nonsense_filters(client, people):
    publish_item(people)

    response = client.get("/xxgk/", {"department": "x", "year": "abc", "page": "999"})

    assert response.status_code == 200
    assert len(titles(response)) == 1


def test_it_advertises_department_feeds_on_department_pages(client, people):
    response = client.get(f"/xxgk/{people.education.code_compact.lower()}/")

    slug = people.education.code_compact.lower()
    assert (
        f'type="application/rss+xml" title="示例市教育局 政府信息（RSS）" href="/feeds/department/{slug}/rss/"'
        in response.text
    )
    assert f'href="/feeds/department/{slug}/atom/"' in response.text
    assert ItemPage.objects.count() == 0
