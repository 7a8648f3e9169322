"""Idempotent set-up of the public site: the portal's home, the Wagtail site, the catalogue and the disclosure pages below."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from govmedia.portal.models import DisclosurePage, HomePage
from govmedia.publishing.bootstrap import ensure_catalogue
from govmedia.publishing.models import CatalogueIndexPage


@transaction.atomic
def ensure_home() -> HomePage:
    """Make sure the portal's home exists and is the default site's root; return it."""
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
    return home


# The pages a 政府信息公开 site carries besides the catalogue: (slug, title). The
# slugs are the pinyin initials Chinese government sites commonly use, so the
# addresses read as expected: /xxgkzn/, /xxgkzd/, /fdzdgknr/.
DISCLOSURE_PAGES = (
    ("xxgkzn", "政府信息公开指南"),
    ("xxgkzd", "政府信息公开制度"),
    ("fdzdgknr", "法定主动公开内容"),
)
# What a new page says until the disclosure office writes it: nothing is
# invented on the office's behalf.
PLACEHOLDER_BODY = (
    "<p>本页内容由本机关政府信息公开工作机构（公开办）编写，正在完善中，敬请关注。</p>"
)


@transaction.atomic
def ensure_disclosure_pages(home: HomePage) -> list[DisclosurePage]:
    """Make sure the three disclosure pages exist under the home; an edited page is left as it is."""
    pages = []
    for slug, title in DISCLOSURE_PAGES:
        page = DisclosurePage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = home.add_child(
                instance=DisclosurePage(title=title, slug=slug, body=PLACEHOLDER_BODY)
            )
        pages.append(page)
    return pages


@transaction.atomic
def ensure_site() -> CatalogueIndexPage:
    """The home with the catalogue (and its workflow) under it, as `govmedia setup` makes them."""
    home = ensure_home()
    catalogue = ensure_catalogue(parent=home)
    ensure_disclosure_pages(home)
    former_parent = catalogue.get_parent()
    if former_parent.pk != home.pk:
        # Made before the home existed (a membership granted first), under
        # Wagtail's welcome page: its place is under the home.
        catalogue.move(home, pos="last-child")
        catalogue = CatalogueIndexPage.objects.get(pk=catalogue.pk)
        former_parent = Page.objects.get(pk=former_parent.pk)
        if former_parent.depth == 2 and not former_parent.get_children().exists():
            former_parent.delete()
    return catalogue
