"""RSS 2.0 and Atom feeds: all items, one department's, one category's.

Every address in a feed is built from GOVMEDIA_SITE_URL, never from the
request's Host header: a feed is read by aggregators that keep the links,
and the site may be reached under several names. The feed objects are shared
by every thread of the server, so nothing about a request is kept on them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from govmedia.portal.dates import published_at, updated_at, with_corrected_at

FEED_LENGTH = 30


def absolute(path: str) -> str:
    """The public address of a path on this site."""
    return settings.SITE_URL + path


def page_path(page) -> str:
    """A page's path below its site's root, without the host Wagtail would add."""
    parts = page.get_url_parts()
    return parts[2] if parts else page.url_path


class ItemsFeed(Feed):
    feed_type = Rss201rev2Feed
    scope = "all"
    kind = "rss"
    language = "zh-CN"

    def get_object(self, request, key=None):
        from govmedia.orgs.models import Department
        from govmedia.publishing.models import DisclosureCategory

        if self.scope == "department":
            return get_object_or_404(Department, index_page__slug=key, is_active=True)
        if self.scope == "category":
            return get_object_or_404(DisclosureCategory, pk=key)
        return None

    def title(self, obj):
        site = settings.WAGTAIL_SITE_NAME
        if obj is None:
            return f"{site} 政府信息公开"
        return f"{site} 政府信息公开 · {obj.name}"

    def description(self, obj):
        return f"{self.title(obj)}：最新发布的政府信息。"

    subtitle = description

    def link(self, obj):
        if self.scope == "department":
            return absolute(page_path(obj.index_page))
        if self.scope == "category":
            from govmedia.publishing.models import CatalogueIndexPage

            catalogue = CatalogueIndexPage.objects.live().first()
            base = page_path(catalogue) if catalogue else reverse("portal:search")
            return absolute(f"{base}?category={obj.pk}")
        return absolute("/")

    def feed_url(self, obj):
        name = f"portal:feed_{self.scope}_{self.kind}"
        if self.scope == "department":
            return absolute(reverse(name, kwargs={"key": obj.index_page.slug}))
        if self.scope == "category":
            return absolute(reverse(name, kwargs={"key": obj.pk}))
        return absolute(reverse(name))

    def items(self, obj):
        from govmedia.publishing.models import ItemPage

        items = ItemPage.objects.live().select_related("department", "category").defer("body")
        if self.scope == "department":
            items = items.filter(department=obj)
        elif self.scope == "category":
            items = items.filter(category=obj)
        items = items.order_by("-publish_date", "-first_published_at", "-pk")
        return list(with_corrected_at(items)[:FEED_LENGTH])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        meta = f"索引号：{item.index_number}　发布机构：{item.issuing_body_display}"
        if item.doc_number:
            meta += f"　文号：{item.doc_number}"
        return f"{meta}\n{item.summary}" if item.summary else meta

    def item_link(self, item):
        return absolute(page_path(item))

    def item_guid(self, item):
        # The item URL never changes, so it doubles as the permanent identifier.
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return published_at(item)

    def item_updateddate(self, item):
        return updated_at(item)

    def item_author_name(self, item):
        return item.issuing_body_display

    def item_categories(self, item):
        return [item.category.name]


class ItemsAtomFeed(ItemsFeed):
    feed_type = Atom1Feed
    kind = "atom"


def feed_views():
    """(name, view) for the six feeds, so urls.py and templates agree on names."""
    views = {}
    for scope in ("all", "department", "category"):
        for kind, base in (("rss", ItemsFeed), ("atom", ItemsAtomFeed)):
            views[f"feed_{scope}_{kind}"] = type(
                f"{scope.title()}{kind.title()}Feed", (base,), {"scope": scope}
            )()
    return views
