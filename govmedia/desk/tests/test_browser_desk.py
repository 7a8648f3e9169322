"""The public side in a real browser: file a 依申请公开 request, follow it, read the answer, rate it.

At phone width (390 px, and no sideways scrolling at 320 px) and at desktop
width; screenshots go to GOVMEDIA_SCREENSHOT_DIR (else the test's tmp dir).
"""

import os
from pathlib import Path

import pytest

from govmedia.desk.models import Message, Rating
from govmedia.desk.tests.public_helpers import PERSON_ID, answer, publish_item

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (390, 1280)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_it_files_a_disclosure_request_follows_it_and_rates_the_answer(
    browser_page, live_server, people, tmp_path, width
):
    shots = Path(os.environ.get("GOVMEDIA_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    publish_item(people)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="依申请公开").first.click()
    page.get_by_role("heading", name="政府信息公开申请").wait_for()
    # A missing field: the error is named and nothing typed is lost.
    page.get_by_label("姓名或名称").fill("李四")
    page.get_by_label("身份证号码或统一社会信用代码").fill(PERSON_ID)
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("电子邮箱").fill("lisi@example.com")
    page.get_by_label("所需政府信息的名称").fill("2025年示例市义务教育学校招生计划")
    page.get_by_label("所需政府信息的内容描述").fill("示例市教育局2025年发布的招生计划及学区划分。")
    page.get_by_role("button", name="提交").click()
    assert page.get_by_role("alert").first.text_content().count("通信地址") >= 1
    assert page.get_by_label("姓名或名称").input_value() == "李四"
    assert page.get_by_label("所需政府信息的内容描述").input_value().startswith("示例市教育局")
    page.screenshot(path=str(shots / f"desk-form-error-{width}.png"), full_page=True)
    assert _no_sideways_scroll(page)

    page.get_by_label("通信地址").fill("示例市人民路1号")
    page.get_by_role("button", name="提交").click()
    page.get_by_role("heading", name="提交成功").wait_for()
    number = page.locator("#receipt-number").text_content().strip()
    code = page.locator("#receipt-code").text_content().strip()
    page.screenshot(path=str(shots / f"desk-receipt-{width}.png"), full_page=True)
    assert _no_sideways_scroll(page)
    message = Message.objects.get(number=number)
    assert message.kind == "disclosure" and message.check_query_code(code)

    answer(message, "经查，您申请的信息已于2025年6月主动公开，附后。", department=people.education)

    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.get_by_text("经查，您申请的信息已于2025年6月主动公开").wait_for()
    page.screenshot(path=str(shots / f"desk-track-{width}.png"), full_page=True)
    assert _no_sideways_scroll(page)

    page.get_by_label("非常满意").check()
    page.get_by_label("评价意见（可不填）").fill("答复及时。")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").wait_for()
    page.screenshot(path=str(shots / f"desk-rated-{width}.png"), full_page=True)
    message.refresh_from_db()
    assert message.rating == Rating.VERY_SATISFIED


def test_the_pages_fit_a_320_pixel_phone(browser_page, live_server, people, tmp_path):
    shots = Path(os.environ.get("GOVMEDIA_SCREENSHOT_DIR", tmp_path))
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 800})
    for path in (
        "/hudong/",
        "/hudong/xiexin/yisqgk/",
        "/hudong/xiexin/zixun/",
        "/hudong/chaxun/",
        "/hudong/gongkai/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert _no_sideways_scroll(page), path
    page.screenshot(path=str(shots / "desk-answers-320.png"), full_page=True)
    # 关怀版: larger type, the same page still fits.
    page.goto(f"{live_server.url}/hudong/xiexin/yisqgk/")
    page.get_by_role("link", name="关怀版").click()
    page.get_by_role("link", name="退出关怀版").wait_for()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(shots / "desk-form-care-320.png"), full_page=True)
