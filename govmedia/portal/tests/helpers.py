"""Publishing items for portal tests, inline through Wagtail's own publish."""

from __future__ import annotations

from django.test import TestCase

from govmedia.publishing.models import DepartmentIndexPage, DisclosureCategory, ItemPage

DEFAULT_BODY = "<p>各学校：现将今年招生工作安排通知如下。</p>"


def publish_item(
    people,
    *,
    department=None,
    title="关于做好2026年秋季招生工作的通知",
    body=DEFAULT_BODY,
    category=None,
    publish=True,
    **fields,
) -> ItemPage:
    """A live item of the given department (education by default), or a draft with publish=False."""
    department = department or people.education
    parent = DepartmentIndexPage.objects.get(department=department)
    item = ItemPage(
        title=title,
        category=category or DisclosureCategory.objects.order_by("order", "id").first(),
        body=body,
        owner=people.editor,
        live=False,
        **fields,
    )
    parent.add_child(instance=item)
    revision = item.save_revision(user=people.editor)
    if publish:
        # The review workflow is publishing's business; here the text just goes live,
        # and publishing's after-commit events (the search index) run as on a commit.
        with TestCase.captureOnCommitCallbacks(execute=True):
            revision.publish(user=people.approver, skip_permission_checks=True)
    return ItemPage.objects.get(pk=item.pk)
