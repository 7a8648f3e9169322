"""sitemap.xml: the home page, the catalogue, department sections and every live item.

Addresses are built from GOVMEDIA_SITE_URL, not from the request's Host. Every
URL has a `lastmod`: an item's is its 发布日期 or its latest correction; a page
that lists items (home, catalogue, a department's section) changed when the
newest item below it did, or when it was itself last published.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from govmedia.portal.dates import updated_at, with_corrected_at
from govmedia.portal.feeds import page_path

STEPLEN = 4  # treebeard's materialised path: four characters per tree level


@dataclass(frozen=True)
class Entry:
    path: str
    lastmod: datetime.datetime | None


class PageSitemap(Sitemap):
    limit = 10000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        # The domain is put between "scheme://" and each location, so a site
        # served below a path prefix keeps it.
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")

    def items(self):
        from wagtail.models import Page

        from govmedia.publishing.models import ItemPage

        # Everything public below the tree root that a reader can open.
        pages = list(
            Page.objects.live()
            .public()
            .filter(depth__gt=1)
            .only(
                "id",
                "url_path",
                "last_published_at",
                "first_published_at",
                "depth",
                "path",
            )
            .order_by("path")
        )
        items = {
            item.pk: updated_at(item)
            for item in with_corrected_at(
                ItemPage.objects.live().only("id", "publish_date", "first_published_at")
            )
        }
        # The newest item below each page, from the items' tree paths.
        newest_below: dict[str, datetime.datetime] = {}
        for page in pages:
            changed = items.get(page.pk)
            if changed is None:
                continue
            for end in range(STEPLEN, len(page.path), STEPLEN):
                prefix = page.path[:end]
                if prefix not in newest_below or newest_below[prefix] < changed:
                    newest_below[prefix] = changed
        entries = []
        for page in pages:
            own = items.get(page.pk) or page.last_published_at or page.first_published_at
            below = newest_below.get(page.path)
            dates = [d for d in (own, below) if d is not None]
            entries.append(Entry(page_path(page), max(dates) if dates else None))
        # A page never published through the admin (made at setup) and with
        # nothing below it: as new as the newest page of the site.
        newest = max((e.lastmod for e in entries if e.lastmod), default=None)
        return [e if e.lastmod else Entry(e.path, newest) for e in entries]

    def location(self, entry):
        return entry.path

    def lastmod(self, entry):
        return entry.lastmod


# Pages no crawler needs: the staff's admin, result pages of every possible
# search, and the 关怀版 switch (a redirect that sets a cookie).
ROBOTS_DISALLOW = ("/admin/", "/search/", "/care/")


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('portal:sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
