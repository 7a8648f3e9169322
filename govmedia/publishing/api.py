"""Public read API of the disclosure catalogue and the sealed archive.

Every operation documents its error answers (`core.api_errors`); the bounds on
the parameters below keep any value a client may send inside what Python's
dates and the databases' integers take, so a bad value is a 422, never a 500.
"""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import time.

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import AfterValidator

from govmedia.core.api_errors import error_responses
from govmedia.orgs.models import Department
from govmedia.publishing.models import ArchiveRecord, DisclosureCategory, ItemPage

# The largest id the databases store (a signed 64-bit integer).
MAX_ID = 2**63 - 1
# A page beyond this would ask the database for an offset no client needs.
MAX_PAGE = 100_000
DEFAULT_PAGE_SIZE = 20
# The cap on `page_size`; a larger value is refused with 422 (docs/api.md).
MAX_PAGE_SIZE = 100
MAX_YEAR = 9999  # datetime.date's last year

router = Router(tags=["catalogue"])


def _no_nul(value: str) -> str:
    # PostgreSQL refuses a NUL character in any string it is sent.
    if "\x00" in value:
        raise ValueError("NUL character")
    return value


IndexNumber = Annotated[
    str,
    AfterValidator(_no_nul),
    Path(..., description="索引号，如 11000000MB00000027/2026-00001"),
]


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

    @staticmethod
    def resolve_department(item: ItemPage) -> str:
        return item.department.name

    @staticmethod
    def resolve_category(item: ItemPage) -> str:
        return item.category.name

    @staticmethod
    def resolve_url(item: ItemPage) -> str:
        return item.full_url or item.url_path


class ItemOut(ItemSummary):
    issuing_body: str
    written_date: dt.date | None
    summary: str
    body_html: str
    correction_note: str

    @staticmethod
    def resolve_issuing_body(item: ItemPage) -> str:
        return item.issuing_body_display

    @staticmethod
    def resolve_body_html(item: ItemPage) -> str:
        return str(item.body)


class ItemFilters(Schema):
    department: int | None = Field(None, ge=1, le=MAX_ID, description="机构 id")
    category: int | None = Field(None, ge=1, le=MAX_ID, description="公开类别 id")
    year: int | None = Field(None, ge=1, le=MAX_YEAR, description="发布年份")


class ItemPagination(PageNumberPagination):
    """Page numbers with `page_size` capped: a larger one is a 422, not a silent cut."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"每页条数，默认 {DEFAULT_PAGE_SIZE}，最大 {MAX_PAGE_SIZE}",
        )


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


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **error_responses()},
    summary="Departments",
)
def departments(request):
    return Department.objects.filter(is_active=True)


@router.get(
    "/categories",
    response={200: list[CategoryOut], **error_responses()},
    summary="Disclosure categories",
)
def categories(request):
    return DisclosureCategory.objects.all()


@router.get(
    "/items",
    response={200: list[ItemSummary], **error_responses(422)},
    summary="Published items, newest first",
)
@paginate(ItemPagination, page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def items(request, filters: Query[ItemFilters]):
    qs = (
        ItemPage.objects.live()
        .select_related("department", "category")
        .defer("body")
        .order_by("-publish_date", "-pk")
    )
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.year:
        qs = qs.filter(publish_date__year=filters.year)
    return qs


@router.get(
    "/items/{path:index_number}/archive",
    response={200: list[ArchiveRecordOut], **error_responses(404, 422)},
    summary="Sealed archive records of an item",
)
def item_archive(request, index_number: IndexNumber):
    records = list(ArchiveRecord.objects.filter(index_number=index_number).order_by("seq"))
    if not records:
        raise Http404
    from govmedia.publishing.views import public_records

    return public_records(request, records)


@router.get(
    "/items/{path:index_number}",
    response={200: ItemOut, **error_responses(404, 422)},
    summary="One published item by its 索引号",
)
def item(request, index_number: IndexNumber):
    return get_object_or_404(
        ItemPage.objects.live().select_related("department", "category"), index_number=index_number
    )
