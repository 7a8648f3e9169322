"""What the reviewer and the editor see, in a real browser: review notes and the session rescue."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session

from govmedia.devtools.testing import PASSWORD, make_people
from govmedia.publishing import actions
from govmedia.publishing.models import ItemPage
from govmedia.publishing.tests.factories import draft_item

NEW_TITLE = "关于做好2026年秋季学期开学准备工作的补充通知"
# The context opens at 1280 px; shooting that first avoids the sidebar re-laying out on resize.
WIDTHS = (1280, 390)


def _shots_dir(tmp_path: Path) -> Path:
    # Set GOVMEDIA_SCREENSHOTS to keep the pictures for a person to look at.
    folder = Path(os.environ.get("GOVMEDIA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shoot(page, folder: Path, name: str) -> None:
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(500)  # the admin's messages slide in
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=width == 390)
    page.set_viewport_size(size)


def _fill_login(page, user) -> None:
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_restores_a_draft_saved_after_the_session_expired(live_server, browser_page, tmp_path):
    people = make_people()
    item = draft_item(people.education, people.editor)
    page, base = browser_page, live_server.url
    shots = _shots_dir(tmp_path)

    page.goto(f"{base}/admin/login/")
    _fill_login(page, people.editor)
    page.goto(f"{base}/admin/pages/{item.pk}/edit/")

    # Logged out in another tab: the session is gone, the page still open.
    Session.objects.all().delete()
    page.fill("#id_title", NEW_TITLE)
    with page.expect_navigation():
        page.click("button.action-save")
    assert "/admin/login/" in page.url
    message = page.locator(".messages").inner_text()
    assert "登录已过期" in message and "没有丢失" in message
    _shoot(page, shots, "session-expired-login")

    _fill_login(page, people.editor)
    assert "/admin/kept/" in page.url
    assert NEW_TITLE in page.locator(".govmedia-kept").inner_text()
    _shoot(page, shots, "session-expired-kept")
    with page.expect_navigation():
        page.click("#govmedia-kept-restore button[type=submit]")
    assert f"/admin/pages/{item.pk}/edit/" in page.url
    assert page.input_value("#id_title") == NEW_TITLE
    item = ItemPage.objects.get(pk=item.pk)
    assert item.get_latest_revision_as_object().title == NEW_TITLE


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shows_the_approver_the_overridden_finding_in_the_editor_and_the_sign_off_dialog(
    live_server, browser_page, tmp_path
):
    people = make_people()
    body = "<p>补贴名单：张三，身份证号11010519491231002X，补贴金额500元。</p>"
    item = draft_item(people.education, people.editor, body=body)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(
        people.reviewer, item, "override", comment="名单经本人书面同意公开。"
    )
    actions.do_workflow_action(
        people.reviewer, item, "approve", content_ok=True, secrecy_ok=True, comment="同意"
    )
    page, base = browser_page, live_server.url
    shots = _shots_dir(tmp_path)

    page.goto(f"{base}/admin/login/")
    _fill_login(page, people.approver)
    page.goto(f"{base}/admin/pages/{item.pk}/edit/")
    notes = page.locator(".govmedia-review-notes").first
    assert "阻断问题经审核人放行" in notes.inner_text()
    assert "名单经本人书面同意公开" in notes.inner_text()
    _shoot(page, shots, "review-notes-editor")

    # 签发 opens the dialog, which shows the finding again before signing.
    page.eval_on_selector("button[data-workflow-action-name=approve]", "button => button.click()")
    dialog = page.locator(".modal-content")
    dialog.wait_for()
    assert "11010519491231002X" in dialog.inner_text()
    _shoot(page, shots, "review-notes-sign-off-dialog")
