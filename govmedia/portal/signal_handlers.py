"""Keep the search index and the page cache in step with publication, through publishing's own events."""

from __future__ import annotations

from django.db import transaction


def index_published_item(sender, item, **kwargs) -> None:
    from govmedia.portal.search import index_item

    index_item(item)


def unindex_withdrawn_item(sender, item, **kwargs) -> None:
    from govmedia.portal.search import unindex_item

    unindex_item(item.pk)


def purge_item_pages(sender, item, **kwargs) -> None:
    """Published, corrected or withdrawn: its page, the pages linked with it, every listing."""
    from django.db.models import Q

    from govmedia.portal import cache
    from govmedia.publishing.models import ItemPage

    # A policy's page lists its interpretations and an interpretation's page
    # names its policy, by title: both sides, as committed.
    linked = (
        ItemPage.objects.filter(Q(interpretations__pk=item.pk) | Q(interprets__pk=item.pk))
        .values_list("pk", flat=True)
        .distinct()
    )
    cache.bump_items([item.pk, *linked])


def purge_for_public_change(sender, item_ids=(), **kwargs) -> None:
    """Something public changed outside publishing (the desk's answers): listings and those items."""
    from govmedia.portal import cache

    cache.bump_items(item_ids)


def purge_site_pages(sender, instance=None, **kwargs) -> None:
    """Furniture every page shows changed: now (for this process) and again once committed.

    Purging before the commit alone would let a reader cache the old text in
    between; purging after it alone would leave this process's own next
    request (a test, a command) to see the old page until the commit.
    """
    from govmedia.portal import cache

    if instance is not None and not _is_site_furniture(instance):
        return
    cache.bump_site()
    transaction.on_commit(cache.bump_site)


def _is_site_furniture(instance) -> bool:
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Site

    from govmedia.orgs.models import Department
    from govmedia.portal.models import AnnualReport
    from govmedia.publishing.models import DisclosureCategory

    return isinstance(
        instance,
        (Department, DisclosureCategory, AnnualReport, Site, BaseSiteSetting, BaseGenericSetting),
    )


def purge_for_page(sender, instance, signal=None, **kwargs) -> None:
    from wagtail.signals import page_published, page_unpublished

    from govmedia.portal import cache
    from govmedia.publishing.models import ItemPage

    if not isinstance(instance, ItemPage):
        purge_site_pages(sender)
    elif signal not in (page_published, page_unpublished):
        # A moved item has a new address; its publication and withdrawal come
        # through publishing's events after commit instead.
        cache.bump_items([instance.pk])
        transaction.on_commit(lambda: cache.bump_items([instance.pk]))


def warm_segmenter(sender, **kwargs) -> None:
    # Loading jieba's dictionary takes a second or more: done when a worker
    # starts, not inside the first publication's transaction.
    from govmedia.portal.textsearch import tokenizer

    tokenizer()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from govmedia.core.signals import public_content_changed
    from govmedia.core.workers import worker_starting
    from govmedia.publishing.events import item_published, item_withdrawn

    worker_starting.connect(warm_segmenter, dispatch_uid="govmedia-portal-warm-segmenter")
    item_published.connect(index_published_item, dispatch_uid="govmedia-portal-index-published")
    item_withdrawn.connect(unindex_withdrawn_item, dispatch_uid="govmedia-portal-unindex-withdrawn")
    item_published.connect(purge_item_pages, dispatch_uid="govmedia-portal-purge-published")
    public_content_changed.connect(
        purge_for_public_change, dispatch_uid="govmedia-portal-purge-public-change"
    )
    item_withdrawn.connect(purge_item_pages, dispatch_uid="govmedia-portal-purge-withdrawn")
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(purge_for_page, dispatch_uid=f"govmedia-portal-purge-page-{id(signal)}")
    post_save.connect(purge_site_pages, dispatch_uid="govmedia-portal-purge-site-saved")
    post_delete.connect(purge_site_pages, dispatch_uid="govmedia-portal-purge-site-deleted")
