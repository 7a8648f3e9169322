"""Keep the search index in step with publication."""

from __future__ import annotations

from wagtail.signals import page_published, page_unpublished


def _is_item(instance) -> bool:
    from govmedia.publishing.models import ItemPage

    return isinstance(instance, ItemPage)


def item_published(sender, instance, revision=None, **kwargs) -> None:
    from govmedia.publishing.signal_handlers import went_live

    if _is_item(instance) and went_live(instance, revision):
        from govmedia.portal.search import index_item

        index_item(instance)


def item_unpublished(sender, instance, **kwargs) -> None:
    if _is_item(instance):
        from govmedia.portal.search import unindex_item

        unindex_item(instance.pk)


def connect() -> None:
    page_published.connect(item_published, dispatch_uid="govmedia-portal-index-published")
    page_unpublished.connect(item_unpublished, dispatch_uid="govmedia-portal-unindex-unpublished")
