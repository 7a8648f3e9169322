"""Public read API of the disclosure catalogue and the sealed archive."""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import time.

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from govmedia.orgs.models import Department
from govmedia.publishing.models import ArchiveRecord, DisclosureCategory, ItemPage

router = Router(tags=["catalogue"])


class DepartmentOut(Schema):
    id: int
    name: str
    kind: str
    code: str
    parent_id: int | None


class CategoryOut(Schema):
    id: int
    name: str
    description: str


class ItemSummary(Schema):
    index_number: str
    title: str
    department: str
    category: str
    doc_number: str
    publish_date: dt.date | None
    validity: str
    url: str


class ItemOut(ItemSummary):
    issuing_body: str
    written_date: dt.date | None
    summary: str
    body_html: str
    correction_note: str


class ItemFilters(Schema):
    department: int | None = None
    category: int | None = None
    year: int | None = None


class ArchiveRecordOut(Schema):
    seq: int
    kind: str
    index_number: str
    note: str
    sealed_at: str
    actor: str
    payload: dict
    payload_sha256: str
    prev_hash: str
    record_hash: str
    signature: str
    key_id: str
    payload_version: int = 1
    # Present when the item was withdrawn: these payload fields are withheld
    # from the public, so `payload` no longer hashes to `payload_sha256`.
    payload_withheld: list[str] | None = None


def _summary(item: ItemPage) -> dict:
    return {
        "index_number": item.index_number,
        "title": item.title,
        "department": item.department.name,
        "category": item.category.name,
        "doc_number": item.doc_number,
        "publish_date": item.publish_date,
        "validity": item.validity,
        "url": item.full_url or item.url_path,
    }


@router.get("/departments", response=list[DepartmentOut], summary="Departments")
def departments(request):
    return Department.objects.filter(is_active=True)


@router.get("/categories", response=list[CategoryOut], summary="Disclosure categories")
def categories(request):
    return DisclosureCategory.objects.all()


@router.get("/items", response=list[ItemSummary], summary="Published items, newest first")
@paginate(PageNumberPagination, page_size=20)
def items(request, filters: Query[ItemFilters]):
    qs = (
        ItemPage.objects.live()
        .select_related("department", "category")
        .order_by("-publish_date", "-pk")
    )
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.year:
        qs = qs.filter(publish_date__year=filters.year)
    return [_summary(item) for item in qs]


@router.get(
    "/items/{path:index_number}/archive",
    response=list[ArchiveRecordOut],
    summary="Sealed archive records of an item",
)
def item_archive(request, index_number: str):
    records = list(ArchiveRecord.objects.filter(index_number=index_number).order_by("seq"))
    if not records:
        from django.http import Http404

        raise Http404
    from govmedia.publishing.views import public_records

    return public_records(request, records)


@router.get(
    "/items/{path:index_number}", response=ItemOut, summary="One published item by its 索引号"
)
def item(request, index_number: str):
    found = get_object_or_404(
        ItemPage.objects.live().select_related("department", "category"), index_number=index_number
    )
    return {
        **_summary(found),
        "issuing_body": found.issuing_body_display,
        "written_date": found.written_date,
        "summary": found.summary,
        "body_html": str(found.body),
        "correction_note": found.correction_note,
    }
