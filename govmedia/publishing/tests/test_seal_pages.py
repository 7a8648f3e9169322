"""The public seal pages: key, per-item records, and checking a text or a file."""

from __future__ import annotations

import pytest

from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db


def test_it_serves_the_public_key_at_a_stable_address(client):
    response = client.get("/seal/public-key.pem")
    assert response.status_code == 200
    assert b"BEGIN PUBLIC KEY" in response.content


def test_it_confirms_a_text_copied_from_the_page(people, client):
    item = published_item(people)
    copied = "各区县教育局：\n现就做好2026年秋季学期开学准备工作通知如下。 请于9月1日前完成校舍安全检查。"
    response = client.post("/seal/verify/", {"index": item.index_number, "text": copied})
    page = response.content.decode()
    assert "核验一致" in page and "档案签名有效" in page


def test_it_reports_a_changed_text_as_not_matching(people, client):
    item = published_item(people)
    response = client.post(
        "/seal/verify/", {"index": item.index_number, "text": "请于10月1日前完成校舍安全检查。"}
    )
    assert "核验不一致" in response.content.decode()


def test_it_keeps_what_was_typed_when_the_form_is_incomplete(people, client):
    response = client.post("/seal/verify/", {"index": "", "text": "一段正文"})
    page = response.content.decode()
    assert "一段正文" in page and "请填写要核验信息的索引号" in page


def test_it_serves_the_records_of_an_item_as_json(people, client):
    item = published_item(people)
    response = client.get(f"/seal/records/{item.index_number}.json")
    data = response.json()
    assert data["records"][0]["index_number"] == item.index_number
    assert client.get("/seal/records/NOPE/2026-00001.json").status_code == 404
