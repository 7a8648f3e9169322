"""The portal sets up its own part of the site: the home, the Wagtail site, the catalogue under it."""

from __future__ import annotations

import pytest
from wagtail.models import Page, Site

from govmedia.orgs.models import Department, DepartmentKind
from govmedia.portal.bootstrap import ensure_site
from govmedia.portal.models import HomePage
from govmedia.publishing.access import role_group
from govmedia.publishing.models import CatalogueIndexPage

pytestmark = pytest.mark.django_db


def test_it_serves_the_catalogue_below_its_home_and_is_safe_to_run_again(client):
    catalogue = ensure_site()
    ensure_site()

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert catalogue.get_parent().pk == home.pk
    assert CatalogueIndexPage.objects.count() == 1
    # Wagtail's welcome page is gone; only our home hangs under the root.
    assert list(Page.get_first_root_node().get_children()) == [home.page_ptr]
    assert client.get("/xxgk/").status_code == 200


def test_it_moves_a_catalogue_made_before_the_home_under_it(client):
    # A role granted before `govmedia setup`: publishing makes its catalogue
    # under whatever the site's root is (Wagtail's welcome page).
    department = Department.objects.create(
        name="示例市教育局", kind=DepartmentKind.DEPARTMENT, code="11000000MB0000002X"
    )
    role_group(department, "editor")
    early = CatalogueIndexPage.objects.get()
    assert not isinstance(early.get_parent().specific, HomePage)

    catalogue = ensure_site()

    assert catalogue.pk == early.pk
    assert catalogue.get_parent().pk == HomePage.objects.get().pk
    assert list(Page.get_first_root_node().get_children().specific()) == [HomePage.objects.get()]
    assert client.get("/xxgk/").status_code == 200
