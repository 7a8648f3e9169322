"""The procedure as people do it: in the Wagtail admin, in a real browser."""

from __future__ import annotations

import pytest

from govmedia.devtools.testing import PASSWORD, make_people
from govmedia.publishing.archive import verify_archive
from govmedia.publishing.models import ArchiveRecord, DepartmentIndexPage, ItemPage

TITLE = "关于开展2026年冬季校园安全检查的通知"
BODY = "各区县教育局：请于12月15日前完成校园安全检查，并报送检查结果。"


def _log_in(page, base: str, user) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def _click_hidden(page, selector: str) -> None:
    # Workflow actions sit in the footer's drop-up menu; clicking them directly is what a person's click does.
    page.eval_on_selector(selector, "button => button.click()")


@pytest.mark.browser
@pytest.mark.slow
# A live server needs committed data; serialized rollback puts back what the
# migrations created (the page tree's root, the categories) for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_takes_an_item_from_proposal_to_the_sealed_archive_in_the_admin(
    live_server, browser_page
):
    people = make_people()
    page, base = browser_page, live_server.url
    parent = DepartmentIndexPage.objects.get(department=people.education)

    # 提议: the editor writes the item and submits it.
    _log_in(page, base, people.editor)
    page.goto(f"{base}/admin/pages/add/publishing/itempage/{parent.pk}/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", index=1)
    editor = page.locator(".public-DraftEditor-content").first
    editor.scroll_into_view_if_needed()
    editor.click()
    editor.press_sequentially(BODY)
    page.wait_for_function(
        "() => document.querySelector('#id_body').value.includes('校园安全检查')"
    )
    with page.expect_navigation():
        _click_hidden(page, "button[name=action-submit]")
    assert "已创建并提交审核" in page.locator(".messages").inner_text()
    item = ItemPage.objects.get(title=TITLE)

    # 审查: the check passed by itself; the reviewer records both reviews.
    _log_in(page, base, people.reviewer)
    page.goto(f"{base}/admin/pages/{item.pk}/edit/")
    assert "未发现问题" in page.locator(".govmedia-check").inner_text()
    _click_hidden(page, "button[data-workflow-action-name=approve]")
    page.wait_for_selector("#id_content_ok")
    page.check("#id_content_ok")
    page.check("#id_secrecy_ok")
    page.fill("#id_comment", "同意发布。")
    with page.expect_navigation():
        page.locator(".modal-content button[type=submit]").click()
    item.refresh_from_db()
    assert item.current_workflow_task.name == "确定：领导签发"

    # 确定 → 公开 → 建档: the approver signs off and the item goes public, sealed.
    _log_in(page, base, people.approver)
    page.goto(f"{base}/admin/pages/{item.pk}/edit/")
    with page.expect_navigation():
        _click_hidden(
            page, "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        )
    item = ItemPage.objects.get(pk=item.pk)
    assert item.live
    assert ArchiveRecord.objects.filter(page_id=item.pk, kind="publish").exists()
    assert verify_archive()[1] is None

    page.context.clear_cookies()
    page.goto(f"{base}{item.url}")
    assert page.locator("h1").first.inner_text() == TITLE
    assert item.index_number in page.content()
