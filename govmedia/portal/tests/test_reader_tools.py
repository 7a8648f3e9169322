"""The reader tools (portal/_page_tools.html, reader-tools.js): 字号 and 关怀版 read-aloud."""

from __future__ import annotations

import pytest

from govmedia.portal.tests.helpers import publish_item
from govmedia.portal.tests.test_accessibility import OVERFLOW_JS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BODY = "<p>第一句话是通知的开头。</p><p>第二句话说明报名时间！</p>"
FONT_SIZE_JS = "parseFloat(getComputedStyle(document.body).fontSize)"


def _care(page, live_server) -> None:
    page.context.add_cookies([{"name": "elder", "value": "1", "url": live_server.url}])


def test_care_mode_font_size_is_remembered_and_never_breaks_the_layout(
    browser_page, live_server, people
):
    item = publish_item(people, body=BODY)
    page = browser_page
    _care(page, live_server)
    page.set_viewport_size({"width": 320, "height": 800})

    page.goto(f"{live_server.url}/")
    tools = page.get_by_role("group", name="字号")
    assert tools.is_visible()
    assert page.evaluate(FONT_SIZE_JS) == 22
    tools.get_by_role("button", name="A+").click()
    assert page.evaluate(FONT_SIZE_JS) == pytest.approx(25.3)
    assert page.get_by_role("status").inner_text() == "字号：较大"

    # Remembered on the next page, and the largest size still fits a 320 px screen.
    page.goto(f"{live_server.url}{item.url}")
    assert page.evaluate(FONT_SIZE_JS) == pytest.approx(25.3)
    larger = page.get_by_role("group", name="字号").get_by_role("button", name="A+")
    for _ in range(2):
        larger.click()
    assert page.evaluate(FONT_SIZE_JS) == pytest.approx(33)
    assert larger.get_attribute("aria-disabled") == "true"
    larger.click(force=True)  # the largest size is the largest
    assert page.evaluate(FONT_SIZE_JS) == pytest.approx(33)
    for path in (item.url, "/", "/xxgk/", f"/seal/verify/?index={item.index_number}"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(FONT_SIZE_JS) == pytest.approx(33)
        found = page.evaluate(OVERFLOW_JS)
        assert found["scrollWidth"] <= found["clientWidth"], (path, found)

    page.get_by_role("group", name="字号").get_by_role("button", name="默认字号").click()
    assert page.evaluate(FONT_SIZE_JS) == 22
    page.reload()
    assert page.evaluate(FONT_SIZE_JS) == 22


def test_verify_page_text_box_has_the_care_mode_size(browser_page, live_server, people):
    item = publish_item(people, body=BODY)
    page = browser_page
    _care(page, live_server)

    page.goto(f"{live_server.url}/seal/verify/?index={item.index_number}")

    size = page.locator("textarea").evaluate("t => parseFloat(getComputedStyle(t).fontSize)")
    assert size == page.evaluate(FONT_SIZE_JS) == 22


def test_normal_item_pages_have_the_font_tool_and_other_pages_keep_their_size(
    browser_page, live_server, people
):
    item = publish_item(people, body=BODY)
    page = browser_page

    page.goto(f"{live_server.url}{item.url}")
    assert page.get_by_role("button", name="朗读正文").count() == 0  # read-aloud is 关怀版's
    page.get_by_role("group", name="字号").get_by_role("button", name="A+").click()
    assert page.evaluate(FONT_SIZE_JS) == pytest.approx(18.4)

    page.goto(f"{live_server.url}/")
    assert page.get_by_role("group", name="字号").count() == 0
    assert page.evaluate(FONT_SIZE_JS) == 16
    page.goto(f"{live_server.url}{item.url}")
    assert page.evaluate(FONT_SIZE_JS) == pytest.approx(18.4)


def test_care_mode_reads_the_main_text_aloud_with_the_browsers_own_voice(
    browser_page, live_server, people
):
    item = publish_item(people, title="关于报名时间的通知", body=BODY)
    page = browser_page
    _care(page, live_server)
    # Record what would be spoken instead of speaking (a test machine has no voices).
    page.add_init_script(
        "window.spoken = [];speechSynthesis.speak = (u) => window.spoken.push([u.text, u.lang]);"
    )

    page.goto(f"{live_server.url}{item.url}")
    button = page.get_by_role("button", name="朗读正文")
    button.click()

    assert page.evaluate("window.spoken") == [
        ["关于报名时间的通知", "zh-CN"],
        ["第一句话是通知的开头。", "zh-CN"],
        ["第二句话说明报名时间！", "zh-CN"],
    ]
    assert page.get_by_role("button", name="停止朗读").is_visible()
    page.get_by_role("button", name="停止朗读").click()
    assert page.get_by_role("button", name="朗读正文").is_visible()


def test_read_aloud_is_hidden_when_the_browser_cannot_speak(browser_page, live_server, people):
    item = publish_item(people, body=BODY)
    page = browser_page
    _care(page, live_server)
    page.add_init_script(
        "Object.defineProperty(window, 'speechSynthesis', {value: undefined, configurable: true});"
    )

    page.goto(f"{live_server.url}{item.url}")

    assert page.get_by_role("group", name="字号").is_visible()
    assert page.locator("[data-read-aloud]").is_hidden()
