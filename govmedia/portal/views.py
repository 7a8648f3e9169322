"""Public pages: the catalogue, departments, annual reports, search and the 关怀版 switch."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from govmedia.portal import textsearch
from govmedia.portal.search import Filters, search

CATALOGUE_PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 10
CARE_COOKIE = "elder"
CARE_COOKIE_AGE = 365 * 24 * 3600
MAX_QUERY_LENGTH = 100


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _date_param(request, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, "").strip())
    except ValueError:
        return None


def _filter_choices():
    from govmedia.orgs.models import Department
    from govmedia.publishing.models import DisclosureCategory

    return {
        "all_departments": Department.objects.filter(
            is_active=True, index_page__live=True
        ).order_by("order", "id"),
        "all_categories": list(DisclosureCategory.objects.all()),
    }


def catalogue(request, catalogue_page, department=None):
    """政府信息公开目录, whole or one department's, filtered by category and year, 20 a page."""
    from govmedia.publishing.models import ItemPage

    items = ItemPage.objects.live().select_related("department", "category").defer("body")
    if department is None:
        department_id = _int_param(request, "department")
        if department_id:
            items = items.filter(department_id=department_id)
    else:
        department_id = department.pk
        items = items.filter(department=department)
    category_id = _int_param(request, "category")
    if category_id:
        items = items.filter(category_id=category_id)
    years = [d.year for d in items.dates("publish_date", "year", order="DESC")]
    year = _int_param(request, "year")
    if year:
        items = items.filter(publish_date__year=year)
    items = items.order_by("-publish_date", "-first_published_at", "-pk")
    page_obj = Paginator(items, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    choices = _filter_choices()
    if department is None:
        crumbs = [(catalogue_page.title, None)]
    else:
        crumbs = [(catalogue_page.title, catalogue_page.get_url(request)), (department.name, None)]
    context = {
        "page": catalogue_page,
        "self": catalogue_page,
        "department": department,
        "page_obj": page_obj,
        "items": page_obj.object_list,
        "years": years,
        "selected": {"department": department_id, "category": category_id, "year": year},
        "category": next((c for c in choices["all_categories"] if c.pk == category_id), None),
        "crumbs": crumbs,
        **choices,
    }
    return render(request, "portal/catalogue.html", context)


def department_tree():
    """Active departments as nested (department, children) pairs, with live item counts."""
    from govmedia.orgs.models import Department
    from govmedia.publishing.models import ItemPage

    counts = dict(
        ItemPage.objects.live()
        .order_by()
        .values("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
    )
    departments = list(
        Department.objects.filter(is_active=True)
        .select_related("index_page")
        .order_by("order", "id")
    )
    children: dict[int | None, list] = {}
    known = {d.pk for d in departments}
    for d in departments:
        d.item_count = counts.get(d.pk, 0)
        parent = d.parent_id if d.parent_id in known else None
        children.setdefault(parent, []).append(d)

    def build(parent_id):
        return [(d, build(d.pk)) for d in children.get(parent_id, [])]

    return build(None)


@require_GET
def departments(request):
    return render(
        request, "portal/departments.html", {"tree": department_tree(), "crumbs": [("机构", None)]}
    )


@require_GET
def annual_reports(request):
    from govmedia.portal.models import AnnualReport

    reports = (
        AnnualReport.objects.filter(published_at__isnull=False)
        .select_related("department", "document", "page")
        .order_by("-year", "department__order", "department_id")
    )
    context = {"reports": reports, "crumbs": [("政府信息公开工作年度报告", None)]}
    return render(request, "portal/annual_reports.html", context)


@require_GET
def search_view(request):
    """Chinese full-text search over live items, 10 a page, with highlighted matches."""
    from govmedia.publishing.models import ItemPage

    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    filters = Filters(
        department_id=_int_param(request, "department"),
        category_id=_int_param(request, "category"),
        date_from=_date_param(request, "from"),
        date_to=_date_param(request, "to"),
    )
    context = {
        "query": query,
        "filters": filters,
        "results": [],
        "page_obj": None,
        "match_all": True,
        "crumbs": [("检索", None)],
        **_filter_choices(),
    }
    if query:
        result = search(query, filters)
        paginator = Paginator(result.hits, SEARCH_PAGE_SIZE)
        if result.count is not None:
            paginator.count = result.count  # spare the database a second grouping pass
        page_obj = paginator.get_page(request.GET.get("page"))
        ids = [hit["page_id"] for hit in page_obj.object_list]
        pages = (
            ItemPage.objects.live()
            .filter(pk__in=ids)
            .select_related("department", "category")
            .in_bulk()
        )
        results = []
        for page_id in ids:
            item = pages.get(page_id)
            if item is None:
                continue
            text = " ".join(p for p in (item.summary, textsearch.html_to_text(item.body)) if p)
            results.append(
                {
                    "item": item,
                    "title_html": textsearch.highlight(item.title, result.highlight_terms),
                    "snippet_html": textsearch.snippet(text, result.highlight_terms),
                }
            )
        context.update(
            {
                "terms": result.terms,
                "results": results,
                "page_obj": page_obj,
                "match_all": result.match_all,
            }
        )
    return render(request, "portal/search.html", context)


@require_GET
def care(request):
    """Switch 关怀版 on (?on=1) or off (?on=0) with a cookie and go back; works without JavaScript."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie(
            CARE_COOKIE, "1", max_age=CARE_COOKIE_AGE, samesite="Lax", httponly=True
        )
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response
