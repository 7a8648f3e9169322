"""One rule, every path: each role tries each action on an item through the admin, over HTTP.

The people are the `people` fixture's: the editor, reviewer and approver of
示例市教育局 (the items' department), the editor of 示例市交通运输局, the city's
supervisor and the administrator (管理员, a superuser). Each test drives the
admin's own URLs as a browser would; the rule table is docs/permissions.md.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from govmedia.publishing import actions
from govmedia.publishing.models import (
    ArchiveKind,
    ArchiveRecord,
    Delivery,
    DepartmentIndexPage,
    ItemPage,
)
from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db

ID_NUMBER_BODY = "<p>补贴名单：张三，身份证号11010519491231002X，补贴金额500元。</p>"
EVERYONE = ["editor", "reviewer", "approver", "other_editor", "supervisor", "admin"]


def _as(client, people, role: str):
    client.force_login(getattr(people, role))
    return client


def _refused(response) -> bool:
    """Wagtail's own admin views answer a refusal by redirecting home with a message; ours with 403."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code == 403


def _fresh(item: ItemPage) -> ItemPage:
    return ItemPage.objects.get(pk=item.pk)


def _edit_data(item: ItemPage, **extra) -> dict:
    """What the item editor's form posts, unchanged but for `extra`."""
    return nested_form_data(
        {
            "title": item.title,
            "category": item.category_id,
            "validity": item.validity,
            "doc_number": item.doc_number,
            "issuing_body": item.issuing_body,
            "written_date": "",
            "summary": item.summary,
            "body": rich_text(str(item.body)),
            "attachments": inline_formset([]),
            "correction_note": item.correction_note,
            "comments": inline_formset([]),
            **extra,
        }
    )


def _task_name(item: ItemPage) -> str | None:
    task = _fresh(item).current_workflow_task
    return task.specific.__class__.__name__ if task else None


def _workflow_action(client, item: ItemPage, action: str, **data):
    state = _fresh(item).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[item.pk, action, state.pk])
    return client.post(url, data)


def _submitted(people, **kwargs) -> ItemPage:
    item = draft_item(people.education, people.editor, **kwargs)
    actions.do_submit_item(people.editor, item)
    return _fresh(item)


def _at_sign_off(people) -> ItemPage:
    item = _submitted(people)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    return _fresh(item)


# 提议 submit ------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_departments_editor_submits_through_the_editor(people, client, role):
    item = draft_item(people.education, people.editor)
    response = _as(client, people, role).post(
        reverse("wagtailadmin_pages:edit", args=[item.pk]),
        _edit_data(item, **{"action-submit": "1"}),
    )
    submitted = _fresh(item).current_workflow_state is not None
    if role == "editor":
        assert response.status_code == 302 and submitted
    else:
        # The reviewer and the administrator may edit the draft, but submitting is the editor's.
        assert not submitted
        assert response.status_code in (200, 302)


def test_the_editor_is_not_offered_submit_to_others(people, client):
    item = draft_item(people.education, people.editor)
    page = _as(client, people, "reviewer").get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    assert page.status_code == 200
    assert 'name="action-submit"' not in page.content.decode()
    page = _as(client, people, "editor").get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    assert 'name="action-submit"' in page.content.decode()


# 预览 preview -----------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_whoever_sees_the_item_in_the_admin_previews_it(people, client, role):
    item = draft_item(people.education, people.editor, title="预览测试通知")
    response = _as(client, people, role).get(reverse("publishing_preview", args=[item.pk]))
    if role == "other_editor":
        assert response.status_code == 403
        assert "预览测试通知" not in response.content.decode()
    else:
        assert response.status_code == 200
        assert "秋季学期开学准备" in response.content.decode()


@pytest.mark.parametrize("role", ["editor", "reviewer", "approver", "admin"])
def test_wagtails_view_draft_answers_those_who_may_edit(people, client, role):
    item = _submitted(people)
    response = _as(client, people, role).get(
        reverse("wagtailadmin_pages:view_draft", args=[item.pk])
    )
    assert response.status_code == 200
    assert "秋季学期开学准备" in response.content.decode()


def test_the_reviewer_previews_the_revision_under_review(people, client):
    item = _submitted(people)
    task = _fresh(item).current_workflow_task
    url = reverse("wagtailadmin_pages:workflow_preview", args=[item.pk, task.pk])
    assert _as(client, people, "reviewer").get(url).status_code == 200
    assert _refused(_as(client, people, "other_editor").get(url))


# 审查 approve, reject, override -------------------------------------------------

REVIEW_APPROVAL = {"content_ok": "on", "secrecy_ok": "on", "comment": "同意"}


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_departments_reviewer_approves_the_review(people, client, role):
    item = _submitted(people)
    response = _workflow_action(_as(client, people, role), item, "approve", **REVIEW_APPROVAL)
    if role == "reviewer":
        assert _task_name(item) == "ApprovalTask"
    else:
        # The administrator too: review is a person's judgement, not a right of the superuser.
        assert _refused(response)
        assert _task_name(item) == "ReviewTask"


def test_a_reviewer_who_wrote_part_of_the_text_never_approves_it_even_if_the_editor_saved_last(
    people, client
):
    item = _submitted(people)
    # The reviewer edits the text under review, then the editor saves after them.
    draft = _fresh(item)
    draft.body = "<p>审核人改写的一句话。</p>" + str(draft.body)
    draft.save_revision(user=people.reviewer)
    draft = _fresh(item)
    draft.save_revision(user=people.editor)
    response = _workflow_action(_as(client, people, "reviewer"), item, "approve", **REVIEW_APPROVAL)
    assert _refused(response)
    assert _task_name(item) == "ReviewTask"


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_departments_reviewer_sends_an_item_back(people, client, role):
    item = _submitted(people)
    response = _workflow_action(_as(client, people, role), item, "reject", comment="请补充依据。")
    status = _fresh(item).current_workflow_state.status
    if role == "reviewer":
        assert status == "needs_changes"
    else:
        assert _refused(response)
        assert status == "in_progress"


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_departments_reviewer_overrides_a_blocking_finding(people, client, role):
    item = _submitted(people, body=ID_NUMBER_BODY)
    assert _task_name(item) == "ContentCheckTask"
    response = _workflow_action(
        _as(client, people, role), item, "override", comment="名单经本人书面同意公开。"
    )
    if role == "reviewer":
        assert _task_name(item) == "ReviewTask"
    else:
        assert _refused(response)
        assert _task_name(item) == "ContentCheckTask"


# 确定 sign off -----------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_departments_approver_signs_off_and_that_publishes(people, client, role):
    item = _at_sign_off(people)
    response = _workflow_action(_as(client, people, role), item, "approve", comment="")
    item = _fresh(item)
    if role == "approver":
        # Wagtail's workflow finish action publishes, with nobody holding publish rights.
        assert item.live
        assert ArchiveRecord.objects.filter(page_id=item.pk, kind=ArchiveKind.PUBLISH).exists()
    else:
        assert _refused(response)
        assert not item.live and _task_name(item) == "ApprovalTask"


def test_an_approver_who_edited_the_text_does_not_sign_it_off(people, client):
    item = _at_sign_off(people)
    draft = _fresh(item)
    draft.save_revision(user=people.approver)
    draft = _fresh(item)
    draft.save_revision(user=people.editor)
    response = _workflow_action(_as(client, people, "approver"), item, "approve", comment="")
    assert _refused(response)
    assert not _fresh(item).live


# Nobody publishes around the procedure -----------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_nobody_publishes_from_the_editor_not_even_the_administrator(people, client, role):
    item = draft_item(people.education, people.editor)
    _as(client, people, role).post(
        reverse("wagtailadmin_pages:edit", args=[item.pk]),
        _edit_data(item, **{"action-publish": "1"}),
    )
    assert not _fresh(item).live
    assert not ArchiveRecord.objects.filter(page_id=item.pk).exists()


def test_the_administrator_does_not_create_and_publish_in_one_go(people, client):
    parent = DepartmentIndexPage.objects.get(department=people.education)
    client.force_login(people.admin)
    blank = ItemPage(title="管理员直接发布的通知", body="<p>正文。</p>", validity="valid")
    blank.category_id = draft_item(people.education, people.editor).category_id
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["publishing", "itempage", parent.pk]),
        _edit_data(blank, **{"action-publish": "1"}),
    )
    assert response.status_code == 302
    created = ItemPage.objects.get(title="管理员直接发布的通知")
    assert not created.live
    assert not ArchiveRecord.objects.filter(page_id=created.pk).exists()


def test_the_administrator_is_offered_no_publish_button(people, client):
    item = draft_item(people.education, people.editor)
    page = _as(client, people, "admin").get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    assert page.status_code == 200
    assert 'name="action-publish"' not in page.content.decode()


def test_bulk_publish_is_refused_to_the_administrator(people, client):
    item = draft_item(people.education, people.editor)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    _as(client, people, "admin").post(f"{url}?id={item.pk}", {})
    assert not _fresh(item).live


# 撤稿 withdraw and Wagtail's unpublish -------------------------------------------

WITHDRAWERS = {"approver", "supervisor"}


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_approver_or_a_supervisor_withdraws(people, client, role):
    item = published_item(people, title="撤稿权限测试通知")
    url = reverse("publishing_withdraw", args=[item.pk])
    client = _as(client, people, role)
    page = client.get(url)
    response = client.post(url, {"reason": "内容已被新文件替代。", "category": "duplicate"})
    withdrawals = ArchiveRecord.objects.filter(page_id=item.pk, kind=ArchiveKind.WITHDRAWAL)
    if role in WITHDRAWERS:
        assert page.status_code == 200
        assert response.status_code == 302
        assert not _fresh(item).live
        # The sealed note starts with the reason's category.
        assert withdrawals.get().note == "【重复发布】内容已被新文件替代。"
    else:
        # Refused before the form, and without naming the item.
        assert page.status_code == 403 and response.status_code == 403
        assert "撤稿权限测试通知" not in page.content.decode()
        assert _fresh(item).live and not withdrawals.exists()


def test_the_withdraw_page_names_no_item_of_another_department(people, client):
    item = published_item(people, title="教育局的已发布通知")
    response = _as(client, people, "other_editor").get(
        reverse("publishing_withdraw", args=[item.pk])
    )
    assert response.status_code == 403
    assert "教育局的已发布通知" not in response.content.decode()


@pytest.mark.parametrize("role", EVERYONE)
def test_wagtails_unpublish_leads_to_withdrawal_for_those_who_may_withdraw(people, client, role):
    item = published_item(people)
    response = _as(client, people, role).post(
        reverse("wagtailadmin_pages:unpublish", args=[item.pk])
    )
    # Nothing is taken down without a reason: no placeholder withdrawal is sealed.
    assert _fresh(item).live
    assert not ArchiveRecord.objects.filter(page_id=item.pk, kind=ArchiveKind.WITHDRAWAL).exists()
    if role in WITHDRAWERS:
        assert response.status_code == 302
        assert response["Location"] == reverse("publishing_withdraw", args=[item.pk])
    else:
        assert _refused(response)


# Delete ------------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_departments_editor_deletes_a_never_published_draft_and_it_is_audited(
    people, client, role
):
    item = draft_item(people.education, people.editor)
    response = _as(client, people, role).post(reverse("wagtailadmin_pages:delete", args=[item.pk]))
    exists = ItemPage.objects.filter(pk=item.pk).exists()
    if role == "editor":
        assert not exists
        entry = PageLogEntry.objects.get(page_id=item.pk, action="wagtail.delete")
        assert entry.user_id == people.editor.pk
    else:
        assert _refused(response) and exists


@pytest.mark.parametrize("role", EVERYONE)
def test_nobody_deletes_a_published_item_not_even_the_administrator(people, client, role):
    item = published_item(people)
    records = list(ArchiveRecord.objects.filter(page_id=item.pk).values_list("pk", flat=True))
    deliveries = Delivery.objects.filter(page_id=item.pk).count()
    response = _as(client, people, role).post(reverse("wagtailadmin_pages:delete", args=[item.pk]))
    assert _refused(response)
    assert ItemPage.objects.filter(pk=item.pk).exists()
    assert (
        list(ArchiveRecord.objects.filter(page_id=item.pk).values_list("pk", flat=True)) == records
    )
    assert Delivery.objects.filter(page_id=item.pk).count() == deliveries
    assert not ArchiveRecord.objects.filter(kind=ArchiveKind.WITHDRAWAL).exists()


def test_a_withdrawn_item_is_not_deleted_either(people, client):
    item = published_item(people)
    actions.do_withdraw_item(people.approver, item, "内容已被新文件替代。")
    response = _as(client, people, "editor").post(
        reverse("wagtailadmin_pages:delete", args=[item.pk])
    )
    assert _refused(response)
    assert ItemPage.objects.filter(pk=item.pk).exists()


def test_the_admin_offers_withdrawal_not_deletion_for_a_published_item(people, client):
    item = published_item(people)
    page = _as(client, people, "approver").get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    html = page.content.decode()
    assert reverse("publishing_withdraw", args=[item.pk]) in html
    assert reverse("wagtailadmin_pages:delete", args=[item.pk]) not in html


# Move and copy -------------------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_nobody_moves_an_item_to_another_department(people, client, role):
    item = draft_item(people.education, people.editor)
    own = item.get_parent().pk
    target = DepartmentIndexPage.objects.get(department=people.transport)
    client = _as(client, people, role)
    chooser = client.get(reverse("wagtailadmin_pages:move", args=[item.pk]))
    assert _refused(chooser)
    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[item.pk, target.pk]), follow=True
    )
    assert _fresh(item).get_parent().pk == own
    if role in ("editor", "reviewer", "approver", "admin"):
        assert "不能移动到其他机构" in response.content.decode()


@pytest.mark.parametrize("role", EVERYONE)
def test_only_the_departments_editor_copies_and_the_copy_is_a_new_draft_there(people, client, role):
    item = published_item(people)
    parent = item.get_parent()
    response = _as(client, people, role).post(
        reverse("wagtailadmin_pages:copy", args=[item.pk]),
        {"new_title": "复制的通知", "new_slug": "copy-1", "new_parent_page": parent.pk},
    )
    copies = ItemPage.objects.filter(title="复制的通知")
    if role == "editor":
        assert response.status_code == 302
        copy = copies.get()
        assert not copy.live and copy.first_published_at is None
        assert copy.department_id == item.department_id
        assert copy.index_number != item.index_number
        assert not ArchiveRecord.objects.filter(page_id=copy.pk).exists()
    else:
        assert _refused(response)
        assert not copies.exists()


def test_a_copy_goes_nowhere_but_the_same_department_and_is_never_published_at_once(people, client):
    item = published_item(people)
    client = _as(client, people, "editor")
    other = DepartmentIndexPage.objects.get(department=people.transport)
    url = reverse("wagtailadmin_pages:copy", args=[item.pk])
    client.post(
        url, {"new_title": "复制到交通局", "new_slug": "copy-2", "new_parent_page": other.pk}
    )
    assert not ItemPage.objects.filter(title="复制到交通局").exists()
    client.post(
        url,
        {
            "new_title": "复制并发布",
            "new_slug": "copy-3",
            "new_parent_page": item.get_parent().pk,
            "publish_copies": "on",
        },
    )
    assert not ItemPage.objects.filter(title="复制并发布", live=True).exists()


# Bulk actions in the page listing --------------------------------------------------


def _bulk_url(action: str, *items: ItemPage) -> str:
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    return url + "?" + "&".join(f"id={item.pk}" for item in items)


def test_bulk_unpublish_asks_the_reason_once_and_withdraws_each_item_with_it(people, client):
    first = published_item(people, title="批量撤稿一")
    second = published_item(people, title="批量撤稿二")
    client = _as(client, people, "approver")
    url = _bulk_url("unpublish", first, second)
    form = client.get(url).content.decode()
    assert "撤稿理由" in form and "批量撤稿一" in form and "批量撤稿二" in form
    # Without a reason nothing is taken down.
    client.post(url, {"reason": ""})
    assert _fresh(first).live and _fresh(second).live
    response = client.post(url, {"reason": "两份通知已合并重发。"})
    assert response.status_code == 302
    for item in (first, second):
        assert not _fresh(item).live
        withdrawal = ArchiveRecord.objects.get(page_id=item.pk, kind=ArchiveKind.WITHDRAWAL)
        # The bulk form asks no category: the sealed note is filed under 其他.
        assert withdrawal.note == "【其他】两份通知已合并重发。"
        assert PageLogEntry.objects.filter(page_id=item.pk, action="govmedia.withdraw").exists()


@pytest.mark.parametrize("role", ["editor", "reviewer", "other_editor", "admin"])
def test_bulk_unpublish_is_refused_to_those_who_may_not_withdraw(people, client, role):
    item = published_item(people, title="不应被批量撤下的通知")
    client = _as(client, people, role)
    url = _bulk_url("unpublish", item)
    form = client.get(url).content.decode()
    assert "撤稿理由" not in form
    if role == "other_editor":
        assert "不应被批量撤下的通知" not in form
    client.post(url, {"reason": "试图撤下。"})
    assert _fresh(item).live
    assert not ArchiveRecord.objects.filter(kind=ArchiveKind.WITHDRAWAL).exists()


def test_bulk_unpublish_by_a_supervisor_withdraws_every_departments_items(people, client):
    own = published_item(people, title="教育局通知")
    client = _as(client, people, "supervisor")
    client.post(_bulk_url("unpublish", own), {"reason": "监管检查发现问题。"})
    assert not _fresh(own).live


def test_bulk_delete_removes_drafts_and_keeps_what_was_published(people, client):
    draft = draft_item(people.education, people.editor, title="要删除的草稿")
    published = published_item(people, title="已发布的通知")
    client = _as(client, people, "editor")
    url = _bulk_url("delete", draft, published)
    form = client.get(url).content.decode()
    assert "撤稿" in form  # the refusal of the published one points to withdrawal
    client.post(url, {})
    assert not ItemPage.objects.filter(pk=draft.pk).exists()
    assert PageLogEntry.objects.filter(page_id=draft.pk, action="wagtail.delete").exists()
    assert ItemPage.objects.filter(pk=published.pk).exists()
    assert ArchiveRecord.objects.filter(page_id=published.pk).exists()


@pytest.mark.parametrize("role", ["reviewer", "approver", "other_editor", "supervisor", "admin"])
def test_bulk_delete_is_refused_to_all_but_the_departments_editor(people, client, role):
    draft = draft_item(people.education, people.editor, title="别人的草稿")
    published = published_item(people)
    _as(client, people, role).post(_bulk_url("delete", draft, published), {})
    assert ItemPage.objects.filter(pk=draft.pk).exists()
    assert ItemPage.objects.filter(pk=published.pk).exists()
