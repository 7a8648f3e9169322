"""The portal's own inverted index over live items, and queries against it.

Segmentation, snippets and highlighting live in `textsearch` (plain Python);
this module stores term counts in `SearchTerm` and ranks with one grouped
query, so it behaves the same on SQLite and PostgreSQL and never scans items.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Sum, Value, When
from django.utils import timezone

from govmedia.portal import textsearch
from govmedia.portal.models import SearchTerm

BATCH_SIZE = 2000


def item_text(item) -> str:
    """Everything searchable in an item besides its title."""
    parts = [item.summary, item.doc_number, item.index_number, textsearch.html_to_text(item.body)]
    return " ".join(p for p in parts if p)


def item_publish_date(item) -> datetime.date:
    if item.publish_date:
        return item.publish_date
    return timezone.localdate(item.first_published_at or timezone.now())


def build_rows(item) -> list[SearchTerm]:
    """The index rows of one item, unsaved."""
    title = textsearch.index_terms(item.title)
    body = textsearch.index_terms(item_text(item))
    publish_date = item_publish_date(item)
    return [
        SearchTerm(
            term=term,
            page_id=item.pk,
            title_count=title.get(term, 0),
            body_count=body.get(term, 0),
            department_id=item.department_id,
            category_id=item.category_id,
            publish_date=publish_date,
        )
        for term in title.keys() | body.keys()
    ]


@transaction.atomic
def index_item(item) -> int:
    """Replace the index rows of one item; return how many were written."""
    SearchTerm.objects.filter(page_id=item.pk).delete()
    rows = build_rows(item)
    SearchTerm.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def unindex_item(page_id: int) -> None:
    SearchTerm.objects.filter(page_id=page_id).delete()


def reconcile_index() -> dict[str, int]:
    """Index live items the index lacks; forget items no longer live (a periodic job).

    The index follows publishing's after-commit events, so a process killed
    between a commit and its event leaves a gap; this closes it. Both queries
    go through the index on `page`, item by item, never over the whole table.
    """
    from govmedia.publishing.models import ItemPage

    has_rows = Exists(SearchTerm.objects.filter(page_id=OuterRef("pk")))
    added = 0
    for item in ItemPage.objects.live().filter(~has_rows).iterator(chunk_size=200):
        index_item(item)
        added += 1
    stale = list(ItemPage.objects.not_live().filter(has_rows).values_list("pk", flat=True))
    SearchTerm.objects.filter(page_id__in=stale).delete()
    return {"indexed": added, "removed": len(stale)}


@dataclass
class Filters:
    department_id: int | None = None
    category_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def apply(self, qs):
        if self.department_id:
            qs = qs.filter(department_id=self.department_id)
        if self.category_id:
            qs = qs.filter(category_id=self.category_id)
        if self.date_from:
            qs = qs.filter(publish_date__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(publish_date__lte=self.date_to)
        return qs


@dataclass
class SearchResult:
    """Ranked page ids, lazily counted and sliced by the paginator."""

    terms: list[str]
    hits: object  # a values() queryset of dicts with page_id, matched, title_hits, tf
    count: int | None = None  # known when the search already counted the hits
    match_all: bool = True
    highlight_terms: list[str] = field(default_factory=list)


def _ranked(terms: list[str], filters: Filters):
    qs = filters.apply(SearchTerm.objects.filter(term__in=terms))
    return qs.values("page_id").annotate(
        matched=Count("*"),
        title_hits=Sum(
            Case(
                When(title_count__gt=0, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ),
        tf=Sum("title_count") + Sum("body_count"),
        recency=Max("publish_date"),
    )


def search(query: str, filters: Filters | None = None) -> SearchResult:
    """Items containing every term of the query; if none, those containing any, most terms first.

    Ranked by how many query terms the title holds, then by how often the
    terms occur, then by publish date, newest first.
    """
    filters = filters or Filters()
    terms = textsearch.query_terms(query)
    if not terms:
        return SearchResult(terms=[], hits=SearchTerm.objects.none().values("page_id"))
    hits = (
        _ranked(terms, filters)
        .filter(matched=len(terms))
        .order_by("-title_hits", "-tf", "-recency", "-page_id")
    )
    count = hits.count()
    if count:
        return SearchResult(terms=terms, hits=hits, count=count, highlight_terms=terms)
    loose = textsearch.loose_query_terms(query)
    hits = _ranked(loose, filters).order_by(
        "-matched", "-title_hits", "-tf", "-recency", "-page_id"
    )
    return SearchResult(terms=terms, hits=hits, match_all=False, highlight_terms=loose)
