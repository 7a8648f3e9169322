"""What a reviewer needs travels with the item: overrides, 退回 comments and what to do, through HTTP."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from govmedia.publishing import actions
from govmedia.publishing.models import ItemPage
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

ID_BODY = "<p>补贴名单：张三，身份证号11010519491231002X，补贴金额500元。</p>"
ID_NUMBER = "11010519491231002X"
REASON = "名单经本人书面同意公开。"


def _edit_page(client, user, item) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _dialog(client, user, item, action: str) -> str:
    """The action dialog of the item's current step, as the admin's button opens it."""
    item = ItemPage.objects.get(pk=item.pk)
    client.force_login(user)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[item.pk, action, item.current_workflow_task_state.pk],
    )
    response = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    return response.json()["html"]


def _overridden_item(people) -> ItemPage:
    item = draft_item(people.education, people.editor, body=ID_BODY)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "override", comment=REASON)
    return ItemPage.objects.get(pk=item.pk)


def test_it_shows_the_overridden_finding_and_reason_to_the_content_reviewer(people, client):
    item = _overridden_item(people)
    for html in (
        _edit_page(client, people.reviewer, item),
        _dialog(client, people.reviewer, item, "approve"),
    ):
        assert "阻断问题经审核人放行" in html
        assert ID_NUMBER in html
        assert REASON in html
        assert "李审核" in html


def test_it_shows_the_overridden_finding_to_the_approver_before_sign_off(people, client):
    item = _overridden_item(people)
    actions.do_workflow_action(
        people.reviewer, item, "approve", content_ok=True, secrecy_ok=True, comment="同意"
    )
    html = _edit_page(client, people.approver, item)
    assert "阻断问题经审核人放行" in html and REASON in html
    # 签发 opens the dialog that shows the finding: no sign-off in one click.
    sign_off = re.findall(r"<button[^>]*data-workflow-action-name=\"approve\"[^>]*>", html)
    assert sign_off and all("data-workflow-action-modal-url" in b for b in sign_off)
    dialog = _dialog(client, people.approver, item, "approve")
    assert ID_NUMBER in dialog and REASON in dialog


def test_it_signs_off_a_clean_item_in_one_click(people, client):
    item = draft_item(people.education, people.editor)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    html = _edit_page(client, people.approver, item)
    assert "阻断问题经审核人放行" not in html
    buttons = re.findall(r"<button[^>]*data-workflow-action-name=\"approve\"[^>]*>", html)
    assert any("data-workflow-action-modal-url" not in b for b in buttons)


def test_it_shows_the_return_comment_to_the_editor_and_again_to_the_reviewer(people, client):
    item = draft_item(people.education, people.editor)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(
        people.reviewer, item, "reject", comment="第二段的时间写错了，应为9月1日。"
    )
    html = _edit_page(client, people.editor, item)
    assert "稿件已被退回修改" in html
    assert "第二段的时间写错了，应为9月1日。" in html
    assert "重新提交审核" in html

    item = ItemPage.objects.get(pk=item.pk)
    item.save_revision(user=people.editor)
    actions.do_submit_item(people.editor, item)
    for html in (
        _edit_page(client, people.reviewer, item),
        _dialog(client, people.reviewer, item, "approve"),
    ):
        assert "上次退回修改的意见" in html
        assert "第二段的时间写错了，应为9月1日。" in html


def test_it_tells_the_editor_what_to_do_with_an_item_held_by_the_check(people, client):
    item = draft_item(people.education, people.editor, body=ID_BODY)
    actions.do_submit_item(people.editor, item)
    html = _edit_page(client, people.editor, item)
    assert "阻断问题，稿件暂停在审查环节" in html
    assert "取消工作流" in html and "说明理由后放行" in html
    assert ID_NUMBER in html
    # The reviewer's override dialog shows the findings it lets through.
    dialog = _dialog(client, people.reviewer, item, "override")
    assert ID_NUMBER in dialog
