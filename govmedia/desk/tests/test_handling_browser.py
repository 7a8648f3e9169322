"""The handler's side in a real browser: from 待办 to a 补正 notice, the deadline stopping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govmedia.desk.models import Message, Status
from govmedia.desk.tests.handling import disclosure
from govmedia.devtools.testing import PASSWORD, make_people


def _shots(tmp_path: Path) -> Path:
    # Set GOVMEDIA_SCREENSHOTS to keep the pictures for a person to look at.
    folder = Path(os.environ.get("GOVMEDIA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_editor_sends_a_correction_notice_from_the_todo_list(
    live_server, browser_page, tmp_path
):
    people = make_people()
    request = disclosure(people.education, title="申请公开校舍维修资金使用情况")
    page, base, shots = browser_page, live_server.url, _shots(tmp_path)

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", people.editor.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")

    page.goto(f"{base}/admin/desk/")
    page.screenshot(path=str(shots / "desk-todo.png"), full_page=True)
    with page.expect_navigation():
        page.click("text=申请公开校舍维修资金使用情况")
    assert "期限计算" in page.content()

    # An empty notice is refused in Chinese; the form stays open.
    page.click("summary:has-text('发出补正通知')")
    with page.expect_navigation():
        page.click("#desk-request_correction button[type=submit]")
    assert page.is_visible("text=请填写需要补正的内容。")
    page.fill("#id_request_correction-what", "请写明所需信息的文件名称或文号")
    with page.expect_navigation():
        page.click("#desk-request_correction button[type=submit]")
    assert page.is_visible("text=已发出补正通知。")
    assert page.is_visible("text=等待补正，期限暂停")
    page.screenshot(path=str(shots / "desk-message.png"), full_page=True)
    assert Message.objects.get(pk=request.pk).status == Status.AWAITING_CORRECTION
