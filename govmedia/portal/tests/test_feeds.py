import datetime
import http.client
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.models import DisclosureCategory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE_URL = "https://www.example.gov.cn"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


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
    link = f"{SITE_URL}{item.url}"
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
    assert entries[0].find(f"{ATOM}link").get("href").startswith(f"{SITE_URL}/xxgk/")
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
    locations = [u.findtext(f"{SITEMAP}loc") for u in root]
    assert f"{SITE_URL}{item.url}" in locations
    assert f"{SITE_URL}/xxgk/" in locations
    assert not any(draft.slug in loc for loc in locations)


def test_it_builds_every_address_from_the_site_url_whatever_the_host(client, people):
    item = publish_item(people)

    for host in ("localhost", "127.0.0.1"):
        rss = client.get("/feeds/rss/", HTTP_HOST=host).text
        atom = client.get("/feeds/atom/", HTTP_HOST=host).text
        sitemap = client.get("/sitemap.xml", HTTP_HOST=host).text

        assert f"<link>{SITE_URL}{item.url}</link>" in rss
        assert f'<guid isPermaLink="true">{SITE_URL}{item.url}</guid>' in rss
        assert f'href="{SITE_URL}/feeds/atom/"' in atom
        assert f"<loc>{SITE_URL}{item.url}</loc>" in sitemap
        assert host not in rss + atom + sitemap


def _backdate(item, day: datetime.date) -> None:
    type(item).objects.filter(pk=item.pk).update(publish_date=day)


def test_it_dates_and_orders_entries_by_publish_date(client, people):
    older = publish_item(people, title="旧的通知")
    newer = publish_item(people, title="新的通知")
    _backdate(older, datetime.date(2025, 3, 1))
    _backdate(newer, datetime.date(2025, 6, 2))

    items = rss_items(client, "/feeds/rss/")
    entries = atom_entries(client, "/feeds/atom/")

    assert [i.findtext("title") for i in items] == ["新的通知", "旧的通知"]
    dates = [parsedate_to_datetime(i.findtext("pubDate")) for i in items]
    assert [d.date() for d in dates] == [datetime.date(2025, 6, 2), datetime.date(2025, 3, 1)]
    assert dates[0].utcoffset() == datetime.timedelta(hours=8)
    assert entries[0].findtext(f"{ATOM}published").startswith("2025-06-02T00:00:00+08:00")
    assert entries[0].findtext(f"{ATOM}updated").startswith("2025-06-02T00:00:00+08:00")


def test_a_correction_updates_the_entry_but_not_its_publication_date(
    client, people, django_capture_on_commit_callbacks
):
    from govmedia.publishing.models import ItemPage

    item = publish_item(people, title="关于招生的通知")
    _backdate(item, datetime.date(2025, 3, 1))
    item = ItemPage.objects.get(pk=item.pk)
    item.title = "关于招生的通知（更正）"
    item.correction_note = "更正标题。"
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision(user=people.editor).publish(
            user=people.approver, skip_permission_checks=True
        )

    entry = atom_entries(client, "/feeds/atom/")[0]

    assert entry.findtext(f"{ATOM}published").startswith("2025-03-01")
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert timezone.localtime(updated).date() == timezone.localdate()


def test_every_sitemap_url_has_a_lastmod(client, people):
    item = publish_item(people)
    _backdate(item, datetime.date(2025, 3, 1))

    root = ET.fromstring(client.get("/sitemap.xml").content)

    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    assert len(urls) >= 4
    assert all(urls.values()), [loc for loc, mod in urls.items() if not mod]
    assert urls[f"{SITE_URL}{item.url}"].startswith("2025-03-01")
    assert all(loc.startswith(SITE_URL) for loc in urls)


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in response.text.splitlines()
    assert "Disallow: /admin/" in response.text.splitlines()


def _feed_guids(address, host: str) -> list[str]:
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        conn.request("GET", "/feeds/rss/", headers={"Host": f"{host}:{address.port}"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200
    root = ET.fromstring(body)
    return [i.findtext("guid") for i in root.find("channel").findall("item")] + [
        i.findtext("link") for i in root.find("channel").findall("item")
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_feed_requests_for_two_hosts_all_carry_the_site_url(
    live_server, people, settings
):
    # Every request renders its feed: the page cache would hide a race.
    settings.GOVMEDIA_PAGE_CACHE_SECONDS = 0
    for n in range(3):
        publish_item(people, title=f"第{n}号通知")
    address = urlsplit(live_server.url)
    hosts = ["localhost", "127.0.0.1"] * 100

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda host: _feed_guids(address, host), hosts))

    assert len(results) == 200
    addresses = [a for result in results for a in result]
    assert len(addresses) == 200 * 6
    wrong = [a for a in addresses if not a.startswith(f"{SITE_URL}/xxgk/")]
    assert not wrong, f"{len(wrong)} addresses without GOVMEDIA_SITE_URL, e.g. {wrong[:3]}"
