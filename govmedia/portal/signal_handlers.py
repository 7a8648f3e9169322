"""Keep the search index in step with publication, through publishing's own events."""

from __future__ import annotations


def index_published_item(sender, item, **kwargs) -> None:
    from govmedia.portal.search import index_item

    index_item(item)


def unindex_withdrawn_item(sender, item, **kwargs) -> None:
    from govmedia.portal.search import unindex_item

    unindex_item(item.pk)


def warm_segmenter(sender, **kwargs) -> None:
    # Loading jieba's dictionary takes a second or more: done when a worker
    # starts, not inside the first publication's transaction.
    from govmedia.portal.textsearch import tokenizer

    tokenizer()


def connect() -> None:
    from govmedia.core.workers import worker_starting
    from govmedia.publishing.events import item_published, item_withdrawn

    worker_starting.connect(warm_segmenter, dispatch_uid="govmedia-portal-warm-segmenter")
    item_published.connect(index_published_item, dispatch_uid="govmedia-portal-index-published")
    item_withdrawn.connect(unindex_withdrawn_item, dispatch_uid="govmedia-portal-unindex-withdrawn")
