"""Idempotent set-up of the page tree and the publishing workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site, Workflow, WorkflowPage, WorkflowTask

from govmedia.orgs.models import Department
from govmedia.portal.models import HomePage
from govmedia.publishing.models import (
    ApprovalTask,
    CatalogueIndexPage,
    ContentCheckTask,
    DepartmentIndexPage,
    ReviewTask,
)

WORKFLOW_NAME = "政府信息发布流程"


@transaction.atomic
def ensure_site() -> CatalogueIndexPage:
    """Make sure the portal home, the catalogue and the workflow exist; return the catalogue."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(title=settings.WAGTAIL_SITE_NAME, slug="home-portal")
        )
        # Wagtail's own welcome page is of no use once our home exists.
        for page in root.get_children().exclude(pk=home.pk).not_type(HomePage):
            if not page.get_children().exists():
                page.delete()
        Site.objects.all().delete()
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    catalogue = CatalogueIndexPage.objects.first()
    if catalogue is None:
        catalogue = home.add_child(instance=CatalogueIndexPage(title="政府信息公开", slug="xxgk"))
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
        catalogue = ensure_site()
        page = catalogue.add_child(
            instance=DepartmentIndexPage(
                title=department.name, slug=department.code_compact.lower(), department=department
            )
        )
    return page


__all__ = ["ensure_site", "ensure_workflow", "ensure_department_page"]
