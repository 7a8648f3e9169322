"""Idempotent set-up of publishing's part of the page tree and of the workflow.

The portal's home page and the Wagtail site are the portal's (portal/bootstrap.py).
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site, Workflow, WorkflowPage, WorkflowTask

from govmedia.orgs.models import Department
from govmedia.publishing.models import (
    ApprovalTask,
    CatalogueIndexPage,
    ContentCheckTask,
    DepartmentIndexPage,
    ReviewTask,
)

WORKFLOW_NAME = "政府信息发布流程"


@transaction.atomic
def ensure_catalogue(parent: Page | None = None) -> CatalogueIndexPage:
    """Make sure the catalogue and the workflow on it exist; return the catalogue.

    A new catalogue goes under `parent`, else under the default site's root
    page: the portal's home once `govmedia setup` has made it (the portal
    calls this with its home as the parent and moves a catalogue made
    earlier under it).
    """
    catalogue = CatalogueIndexPage.objects.first()
    if catalogue is None:
        if parent is None:
            site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
            parent = site.root_page if site else Page.get_first_root_node()
        catalogue = parent.add_child(instance=CatalogueIndexPage(title="政府信息公开", slug="xxgk"))
    ensure_workflow(catalogue)
    return catalogue


def ensure_workflow(catalogue: CatalogueIndexPage) -> Workflow:
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        steps = [
            ContentCheckTask.objects.create(name="审查：自动内容检查"),
            ReviewTask.objects.create(name="审查：内容与保密审查"),
            ApprovalTask.objects.create(name="确定：领导签发"),
        ]
        for order, task in enumerate(steps):
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    WorkflowPage.objects.get_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def ensure_department_page(department: Department) -> DepartmentIndexPage:
    page = DepartmentIndexPage.objects.filter(department=department).first()
    if page is None:
        catalogue = ensure_catalogue()
        page = catalogue.add_child(
            instance=DepartmentIndexPage(
                title=department.name, slug=department.code_compact.lower(), department=department
            )
        )
    return page


@transaction.atomic
def retitle_department_page(department: Department) -> None:
    """Give a renamed department's catalogue section its new name, as a published revision.

    A revision, not only the row: the admin edits from the latest revision,
    which would otherwise bring the old name back at the next save.
    """
    page = DepartmentIndexPage.objects.filter(department=department).first()
    if page is None or page.title == department.name:
        return
    page.title = page.draft_title = department.name
    revision = page.save_revision(log_action=True)
    if page.live:
        revision.publish()


__all__ = [
    "ensure_catalogue",
    "ensure_workflow",
    "ensure_department_page",
    "retitle_department_page",
]
