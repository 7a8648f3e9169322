import xml.etree.ElementTree as ET

import pytest

from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.models import DisclosureCategory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel").findall("item")


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_it_lists_every_live_item_in_the_rss_feed(client, people):
    item = publish_item(people, title="关于招生的通知")
    publish_item(people, title="草稿", publish=False)

    items = rss_items(client, "/feeds/rss/")

    assert [i.findtext("title") for i in items] == ["关于招生的通知"]
    link = f"http://testserver{item.url}"
    assert items[0].findtext("link") == link
    guid = items[0].find("guid")
    assert guid.text == link and guid.get("isPermaLink") == "true"
    assert items[0].findtext("pubDate")


def test_it_gives_a_department_its_own_feeds(client, people):
    publish_item(people, title="教育信息")
    publish_item(people, title="交通信息", department=people.transport)
    slug = people.transport.code_compact.lower()

    assert [i.findtext("title") for i in rss_items(client, f"/feeds/department/{slug}/rss/")] == [
        "交通信息"
    ]
    entries = atom_entries(client, f"/feeds/department/{slug}/atom/")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["交通信息"]
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://testserver/xxgk/")
    assert entries[0].findtext(f"{ATOM}updated")


def test_it_gives_a_category_its_own_feeds(client, people):
    first, second = DisclosureCategory.objects.order_by("order", "id")[:2]
    publish_item(people, title="甲类信息", category=first)
    publish_item(people, title="乙类信息", category=second)

    assert [
        i.findtext("title") for i in rss_items(client, f"/feeds/category/{second.pk}/rss/")
    ] == ["乙类信息"]
    assert [
        e.findtext(f"{ATOM}title")
        for e in atom_entries(client, f"/feeds/category/{second.pk}/atom/")
    ] == ["乙类信息"]


def test_it_answers_unknown_feeds_with_404(client, people):
    assert client.get("/feeds/department/nope/rss/").status_code == 404
    assert client.get("/feeds/category/99999/atom/").status_code == 404


def test_it_advertises_the_feeds_in_every_page_head(client, people):
    item = publish_item(people)

    for url in ("/", "/xxgk/", "/search/?q=招生", item.url):
        head = client.get(url).text.split("</head>")[0]
        assert '<link rel="alternate" type="application/rss+xml"' in head, url
        assert 'href="/feeds/rss/"' in head and 'href="/feeds/atom/"' in head, url


def test_it_advertises_the_category_feed_when_browsing_a_category(client, people):
    category = DisclosureCategory.objects.first()

    head = client.get("/xxgk/", {"category": category.pk}).text.split("</head>")[0]

    assert f'href="/feeds/category/{category.pk}/rss/"' in head


def test_it_serves_a_sitemap_of_live_pages(client, people):
    item = publish_item(people)
    draft = publish_item(people, title="草稿", publish=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in root]
    assert f"http://testserver{item.url}" in locations
    assert "http://testserver/xxgk/" in locations
    assert not any(draft.slug in loc for loc in locations)
