"""Building items in tests: inline, through the real actions."""

from __future__ import annotations

from govmedia.publishing import actions
from govmedia.publishing.models import DepartmentIndexPage, DisclosureCategory, ItemPage

CLEAN_BODY = "<p>各区县教育局：现就做好2026年秋季学期开学准备工作通知如下。请于9月1日前完成校舍安全检查。</p>"


def draft_item(
    department, editor, *, title="关于做好2026年秋季学期开学准备工作的通知", body=CLEAN_BODY
) -> ItemPage:
    parent = DepartmentIndexPage.objects.get(department=department)
    item = ItemPage(
        title=title,
        category=DisclosureCategory.objects.first(),
        body=body,
        owner=editor,
        live=False,
    )
    parent.add_child(instance=item)
    item.save_revision(user=editor)
    return ItemPage.objects.get(pk=item.pk)


def published_item(people, **kwargs) -> ItemPage:
    item = draft_item(people.education, people.editor, **kwargs)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    actions.do_workflow_action(people.approver, item, "approve")
    return ItemPage.objects.get(pk=item.pk)
