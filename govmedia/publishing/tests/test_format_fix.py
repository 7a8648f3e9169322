"""一键修正格式问题: the check panel's button, through HTTP as the admin serves it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govmedia.publishing import actions
from govmedia.publishing.models import ItemPage
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

# Half-width marks and a doubled full stop: the format problems the button fixes;
# the link's address keeps its comma.
BODY = (
    '<p data-block-key="k1">补贴发放,请各校核对名单,于9月1日前报送。。</p>'
    '<p data-block-key="k2"><a href="https://example.gov.cn/?a=1,2">链接,说明</a></p>'
)
FIXED = (
    '<p data-block-key="k1">补贴发放，请各校核对名单，于9月1日前报送。</p>'
    '<p data-block-key="k2"><a href="https://example.gov.cn/?a=1,2">链接，说明</a></p>'
)
BUTTON = "一键修正格式问题（4处）"


def _returned_item(people) -> ItemPage:
    """Checked (warnings only), then 退回修改 by the reviewer: the editor works on it again."""
    item = draft_item(people.education, people.editor, body=BODY)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "reject", comment="请修改标点。")
    return ItemPage.objects.get(pk=item.pk)


def _revision_count(item) -> int:
    return item.revisions.count()


def test_the_editor_sees_the_button_with_the_count_and_the_grouped_findings(people, client):
    item = _returned_item(people)
    client.force_login(people.editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
    assert BUTTON in html
    assert reverse("publishing_fix_format", args=[item.pk]) in html
    # The three half-width commas of one rule are one row with a count.
    assert "共 3 处" in html


def test_the_editor_fixes_the_body_into_a_new_draft_revision(people, client):
    item = _returned_item(people)
    before = _revision_count(item)
    client.force_login(people.editor)
    response = client.post(reverse("publishing_fix_format", args=[item.pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已修正 4 处格式问题" in html
    item = ItemPage.objects.get(pk=item.pk)
    assert _revision_count(item) == before + 1
    latest = item.get_latest_revision()
    assert latest.user == people.editor
    assert str(latest.as_object().body) == FIXED
    # The edit page now offers nothing more to fix.
    assert "一键修正格式问题" not in html


def test_someone_who_cannot_edit_the_item_is_refused(people, client):
    item = _returned_item(people)
    before = _revision_count(item)
    for user in (people.other_editor, people.supervisor):
        client.force_login(user)
        html = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
        assert BUTTON not in html
        response = client.post(reverse("publishing_fix_format", args=[item.pk]))
        assert response.status_code == 403
    item = ItemPage.objects.get(pk=item.pk)
    assert _revision_count(item) == before
    assert str(item.get_latest_revision().as_object().body) == BODY


def test_a_get_changes_nothing(people, client):
    item = _returned_item(people)
    before = _revision_count(item)
    client.force_login(people.editor)
    response = client.get(reverse("publishing_fix_format", args=[item.pk]))
    assert response.status_code == 302
    assert _revision_count(ItemPage.objects.get(pk=item.pk)) == before


def test_while_the_item_is_locked_under_review_nobody_without_the_step_may_fix_it(people, client):
    item = draft_item(people.education, people.editor, body=BODY)
    actions.do_submit_item(people.editor, item)  # passed the check, now at the review step
    item = ItemPage.objects.get(pk=item.pk)
    before = _revision_count(item)
    client.force_login(people.editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).content.decode()
    assert "一键修正格式问题" not in html
    response = client.post(reverse("publishing_fix_format", args=[item.pk]), follow=True)
    assert "已被锁定" in response.content.decode()
    assert _revision_count(ItemPage.objects.get(pk=item.pk)) == before
