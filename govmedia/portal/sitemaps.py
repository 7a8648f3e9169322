"""sitemap.xml: the home page, the catalogue, department sections and every live item."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap


class PageSitemap(Sitemap):
    limit = 10000

    def items(self):
        from wagtail.models import Page

        # Everything public below the tree root that a reader can open.
        return (
            Page.objects.live()
            .public()
            .filter(depth__gt=1)
            .only("id", "url_path", "last_published_at", "first_published_at", "depth", "path")
            .order_by("path")
        )

    def location(self, page):
        parts = page.get_url_parts()
        return parts[2] if parts else page.url_path

    def lastmod(self, page):
        return page.last_published_at or page.first_published_at
