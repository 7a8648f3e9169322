"""一键修正格式问题 in a real browser: the button inside the edit form posts to the fix view."""

from __future__ import annotations

import pytest

from govmedia.devtools.testing import PASSWORD, make_people
from govmedia.publishing import actions
from govmedia.publishing.models import ItemPage
from govmedia.publishing.tests.factories import draft_item
from govmedia.publishing.tests.test_format_fix import BODY, FIXED


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_editor_fixes_format_problems_with_one_click(live_server, browser_page):
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
    with page.expect_navigation():
        button.click()
    assert "已修正 4 处格式问题" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="一键修正格式问题").count() == 0
    latest = ItemPage.objects.get(pk=item.pk).get_latest_revision()
    assert str(latest.as_object().body) == FIXED
