"""The portal in a real browser: keyboard access, 关怀版 and search. Skipped without Chromium."""

import pytest

from govmedia.portal.tests.helpers import publish_item

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_reaches_the_skip_link_first_and_switches_to_care_mode(
    browser_page, live_server, people
):
    publish_item(people, title="关于做好2026年秋季招生工作的通知")
    page = browser_page

    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    assert page.evaluate("getComputedStyle(document.activeElement).left") == "0px"

    page.get_by_role("link", name="关怀版").click()
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    line_height = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    assert font_size >= 20
    assert line_height / font_size >= 1.5

    page.get_by_role("link", name="退出关怀版").click()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 20


def test_it_searches_from_the_header_box(browser_page, live_server, people):
    publish_item(people, title="关于做好2026年秋季招生工作的通知")
    page = browser_page

    page.goto(f"{live_server.url}/xxgk/")
    page.get_by_label("搜索政府信息").fill("招生")
    page.get_by_label("搜索政府信息").press("Enter")

    assert page.locator("ol.results mark").first.text_content() == "招生"
