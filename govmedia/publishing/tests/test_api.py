"""The public JSON API of the catalogue."""

from __future__ import annotations

import pytest

from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db


def test_it_lists_published_items_only_and_filters_by_department(people, client):
    live = published_item(people)
    draft_item(people.education, people.editor, title="尚未发布的草稿")
    data = client.get("/api/v1/items").json()
    assert [i["index_number"] for i in data["items"]] == [live.index_number]
    assert client.get(f"/api/v1/items?department={people.transport.pk}").json()["count"] == 0


def test_it_returns_one_item_and_its_sealed_records(people, client):
    live = published_item(people)
    item = client.get(f"/api/v1/items/{live.index_number}").json()
    assert item["title"] == live.title and item["department"] == "示例市教育局"
    records = client.get(f"/api/v1/items/{live.index_number}/archive").json()
    assert records[0]["kind"] == "publish" and len(records[0]["signature"]) == 128


def test_it_rejects_a_bad_filter_in_the_common_error_shape(client, db):
    response = client.get("/api/v1/items?year=abc")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
