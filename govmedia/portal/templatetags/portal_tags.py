"""Template pieces every public page shares: the disclosure links, the footer, the page numbers."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page as PaginatorPage
from wagtail.models import Site

register = template.Library()

# Page numbers shown either side of the current one, and at each end, before "…".
PAGES_EACH_SIDE = 2
PAGES_AT_ENDS = 1


@register.simple_tag(takes_context=True)
def disclosure_links(context) -> list[tuple[str, str]]:
    """(title, address) of the live disclosure pages (指南, 制度, 法定主动公开内容), in tree order."""
    from govmedia.portal.models import DisclosurePage

    request = context.get("request")
    pages = DisclosurePage.objects.live().public().only("id", "title", "url_path", "path")
    links = []
    for page in pages.order_by("path"):
        url = page.get_url(request=request)
        if url:
            links.append((page.title, url))
    return links


def _footer_settings(request):
    from govmedia.portal.models import PortalSettings

    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return PortalSettings()
    # Read only: a page view never writes the settings row (Wagtail's
    # `for_request` would create it); an unsaved empty one shows nothing.
    found = PortalSettings.base_queryset().filter(site=site).first()
    return found or PortalSettings(site=site)


@register.inclusion_tag("portal/_footer_info.html", takes_context=True)
def site_footer(context) -> dict[str, Any]:
    """The footer's 主办/承办, 联系方式 and registration marks, from the admin's site settings."""
    return {"info": _footer_settings(context.get("request")), "site_name": context.get("site_name")}


@register.filter
def page_numbers(page_obj: PaginatorPage) -> list[int | str]:
    """The page numbers to link around the current page, with "…" where some are left out."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=PAGES_EACH_SIDE, on_ends=PAGES_AT_ENDS
        )
    )
