"""A withdrawn item's permanent address: HTTP 410 saying when and why, without the text."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from django.utils import timezone

from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.actions import do_withdraw_item

ID_NUMBER = "110101199003077777"
REASON = f"正文含有市民身份证号{ID_NUMBER}，予以撤回。"
BODY = f"<p>经核查，申请人张三（身份证号{ID_NUMBER}）符合补助条件。</p>"
TITLE = "关于张三申请困难学生补助的审核结果公示"


def _withdrawn(people):
    item = publish_item(people, title=TITLE, body=BODY)
    url = item.url
    do_withdraw_item(people.approver, item, REASON, category="privacy")
    return item, url


@pytest.mark.django_db
def test_it_answers_410_saying_when_and_in_which_category_it_was_withdrawn(client, people):
    item, url = _withdrawn(people)

    response = client.get(url)

    assert response.status_code == 410
    text = response.text
    assert "本信息已撤回" in text and "涉及个人隐私" in text
    assert timezone.localdate().strftime("%Y-%m-%d") in text
    assert item.index_number in text
    assert f'href="/seal/records/{item.index_number}.json"' in text
    assert f"/seal/verify/?index={quote(item.index_number, safe='')}" in text
    # The free-text reason, the text and the title stay in the archive and the admin.
    assert ID_NUMBER not in text and "张三" not in text and "予以撤回" not in text


@pytest.mark.django_db
def test_it_links_to_sealed_records_that_exist(client, people):
    item, _url = _withdrawn(people)

    records = client.get(f"/seal/records/{item.index_number}.json").json()["records"]

    assert [r["kind"] for r in records] == ["publish", "withdrawal"]
    assert records[-1]["actor"] == "张领导"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shows_the_withdrawal_page_readably_on_a_phone_and_a_desktop(
    live_server, browser_page, tmp_path
):
    from govmedia.devtools.testing import make_people

    people = make_people()
    _item, url = _withdrawn(people)
    out = Path(os.environ.get("GOVMEDIA_SCREENSHOT_DIR", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    page = browser_page

    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 410
        assert page.locator("h1").inner_text() == "本信息已撤回"
        assert page.get_by_text("涉及个人隐私").first.is_visible()
        assert page.get_by_role("link", name="核验本信息的存档记录").is_visible()
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(out / f"withdrawn-{width}.png"), full_page=True)
