"""一键修正格式问题 in a real browser: the button inside the edit form posts to the fix view."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govmedia.devtools.testing import PASSWORD, make_people
from govmedia.publishing import actions
from govmedia.publishing.models import ItemPage
from govmedia.publishing.tests.factories import draft_item
from govmedia.publishing.tests.test_format_fix import BODY, FIXED


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_editor_fixes_format_problems_with_one_click(live_server, browser_page, tmp_path):
    people = make_people()
    item = draft_item(people.education, people.editor, body=BODY)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "reject", comment="请修改标点。")
    page, base = browser_page, live_server.url

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", people.editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/pages/{item.pk}/edit/")
    button = page.get_by_role("button", name="一键修正格式问题（4处）")
    button.scroll_into_view_if_needed()
    # Set GOVMEDIA_SCREENSHOTS to keep the pictures for a person to look at.
    shots = Path(os.environ.get("GOVMEDIA_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    # Each row says why its rule fired.
    assert "原因：半角标点“,”用在汉字之间" in page.locator("table").first.inner_text()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        button.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"format-fix-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_navigation():
        button.click()
    assert "已修正 4 处格式问题" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="一键修正格式问题").count() == 0
    latest = ItemPage.objects.get(pk=item.pk).get_latest_revision()
    assert str(latest.as_object().body) == FIXED
