"""The catalogue's 发布机构 and 文号 columns, its numbered pages, and its filter form's address."""

from __future__ import annotations

import re

import pytest

import govmedia.publishing.catalogue
from govmedia.portal.tests.helpers import publish_item

pytestmark = pytest.mark.django_db


def test_it_shows_the_issuing_body_and_the_document_number(client, people):
    publish_item(people, title="示例市招生办法", doc_number="示教发〔2026〕3号")
    publish_item(people, title="联合发文", issuing_body="示例市教育局 示例市财政局")

    text = client.get("/xxgk/").text

    assert '<th scope="col">发布机构</th><th scope="col">文号</th>' in text
    assert '<td class="doc-no" data-label="文号">示教发〔2026〕3号</td>' in text
    assert '<td class="issuer" data-label="发布机构">示例市教育局</td>' in text
    assert '<td class="issuer" data-label="发布机构">示例市教育局 示例市财政局</td>' in text


def test_it_numbers_the_pages_and_marks_the_current_one(client, people, monkeypatch):
    monkeypatch.setattr(govmedia.publishing.catalogue, "CATALOGUE_PAGE_SIZE", 1)
    for n in range(12):
        publish_item(people, title=f"第{n}号通知")

    text = client.get("/xxgk/", {"page": 6, "category": ""}).text

    current = re.findall(r'<a href="([^"]*)" aria-current="page"[^>]*>(\d+)</a>', text)
    assert current == [("?page=6&amp;category=", "6")]
    numbers = re.findall(r'aria-label="第 (\d+) 页', text)
    assert numbers == ["1", "4", "5", "6", "7", "8", "12"]
    assert text.count(">…</li>") == 2


def test_it_sends_the_filters_to_the_page_they_are_on(client, people):
    department = f"/xxgk/{people.transport.code_compact.lower()}/"

    assert '<form class="filters" method="get" action="/xxgk/">' in client.get("/xxgk/").text
    assert (
        f'<form class="filters" method="get" action="{department}">' in client.get(department).text
    )
