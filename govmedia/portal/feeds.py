"""RSS 2.0 and Atom feeds: all items, one department's, one category's."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

FEED_LENGTH = 30


class ItemsFeed(Feed):
    feed_type = Rss201rev2Feed
    scope = "all"
    language = "zh-CN"

    def __call__(self, request, *args, **kwargs):
        # Page URLs depend on the site the request came to.
        self.request = request
        return super().__call__(request, *args, **kwargs)

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
            return obj.index_page.get_url(self.request) or "/"
        if self.scope == "category":
            from govmedia.publishing.models import CatalogueIndexPage

            catalogue = CatalogueIndexPage.objects.live().first()
            base = catalogue.get_url(self.request) if catalogue else reverse("portal:search")
            return f"{base}?category={obj.pk}"
        return "/"

    def items(self, obj):
        from govmedia.publishing.models import ItemPage

        items = ItemPage.objects.live().select_related("department", "category")
        if self.scope == "department":
            items = items.filter(department=obj)
        elif self.scope == "category":
            items = items.filter(category=obj)
        return items.order_by("-first_published_at", "-pk")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        meta = f"索引号：{item.index_number}　发布机构：{item.issuing_body_display}"
        if item.doc_number:
            meta += f"　文号：{item.doc_number}"
        return f"{meta}\n{item.summary}" if item.summary else meta

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        # The item URL never changes, so it doubles as the permanent identifier.
        return self.request.build_absolute_uri(item.get_url(self.request))

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item):
        return item.issuing_body_display

    def item_categories(self, item):
        return [item.category.name]


class ItemsAtomFeed(ItemsFeed):
    feed_type = Atom1Feed


def feed_views():
    """(name, view) for the six feeds, so urls.py and templates agree on names."""
    views = {}
    for scope in ("all", "department", "category"):
        for kind, base in (("rss", ItemsFeed), ("atom", ItemsAtomFeed)):
            views[f"feed_{scope}_{kind}"] = type(
                f"{scope.title()}{kind.title()}Feed", (base,), {"scope": scope}
            )()
    return views
