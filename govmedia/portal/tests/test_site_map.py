"""网站地图 (a page for people, beside sitemap.xml for search engines) and the favicon."""

from __future__ import annotations

import pytest

from govmedia.portal.tests.helpers import publish_item

pytestmark = pytest.mark.django_db


def test_it_lists_sections_categories_and_departments_and_is_linked_in_the_footer(client, people):
    publish_item(people)

    text = client.get("/site-map/").text

    assert "<h1>网站地图</h1>" in text
    for link in (
        'href="/xxgk/"',
        'href="/departments/"',
        'href="/search/"',
        'href="/seal/verify/"',
    ):
        assert link in text
    assert f'href="/xxgk/{people.transport.code_compact.lower()}/"' in text
    assert "示例市交通运输局" in text and "示例市人民政府" in text
    assert 'href="/sitemap.xml"' in text
    footer = client.get("/").text.split('<footer class="site-footer">')[1]
    assert '<a href="/site-map/">网站地图</a>' in footer


def test_it_serves_the_sites_emblem_as_the_favicon(client, people):
    page = client.get("/").text
    assert '<link rel="icon" type="image/svg+xml" href="/static/govmedia/logo.svg">' in page

    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain == [("/static/govmedia/logo.svg", 301)]
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
