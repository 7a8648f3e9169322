"""An item's address typed with its 索引号 as printed (upper case) leads to the item for good."""

from __future__ import annotations

import pytest

from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.actions import do_withdraw_item

pytestmark = pytest.mark.django_db


def test_it_redirects_an_upper_case_index_number_to_the_canonical_address(client, people):
    item = publish_item(people)
    # /xxgk/<索引号>/ with the organisation code upper case, as the 索引号 is printed.
    typed = f"/xxgk/{item.index_number}/"
    assert typed != item.url

    response = client.get(typed)

    assert response.status_code == 301
    assert response["Location"] == item.url
    assert client.get(response["Location"]).status_code == 200


def test_it_keeps_the_query_string_and_redirects_a_department_address(client, people):
    item = publish_item(people)
    code = people.education.code_compact

    assert client.get(f"/xxgk/{item.index_number}/?from=qr")["Location"] == f"{item.url}?from=qr"
    response = client.get(f"/xxgk/{code}/")
    assert response.status_code == 301 and response["Location"] == f"/xxgk/{code.lower()}/"


def test_it_redirects_a_withdrawn_item_to_its_410_page(client, people):
    item = publish_item(people)
    url = item.url
    do_withdraw_item(people.approver, item, "内容有误，予以撤回。", category="other")

    response = client.get(f"/xxgk/{item.index_number}/", follow=True)

    assert response.redirect_chain == [(url, 301)]
    assert response.status_code == 410


def test_it_still_answers_404_for_an_address_that_names_nothing(client, people):
    assert client.get("/xxgk/NOSUCHCODE/2026-0001/").status_code == 404
    draft = publish_item(people, publish=False)
    assert client.get(f"/xxgk/{draft.index_number}/").status_code == 404
