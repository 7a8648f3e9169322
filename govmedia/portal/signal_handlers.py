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


def warm_segmenter(sender, **kwargs) -> None:
    # Loading jieba's dictionary takes a second or more: done when a worker
    # starts, not inside the first publication's transaction.
    from govmedia.portal.textsearch import tokenizer

    tokenizer()


def connect() -> None:
    from govmedia.core.workers import worker_starting

    worker_starting.connect(warm_segmenter, dispatch_uid="govmedia-portal-warm-segmenter")
    page_published.connect(item_published, dispatch_uid="govmedia-portal-index-published")
    page_unpublished.connect(item_unpublished, dispatch_uid="govmedia-portal-unindex-unpublished")
