"""Public pages besides Wagtail's (the catalogue is a page, see publishing.catalogue): departments, annual reports, the site map, search and the 关怀版 switch."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from govmedia.core.params import QueryParams
from govmedia.portal import textsearch
from govmedia.portal.search import Filters, search
from govmedia.publishing.catalogue import filter_choices

SEARCH_PAGE_SIZE = 10
CARE_COOKIE = "elder"
CARE_COOKIE_AGE = 365 * 24 * 3600
MAX_QUERY_LENGTH = 100


def department_tree():
    """Active departments as nested (department, children) pairs, with live item counts."""
    from govmedia.orgs.models import Department
    from govmedia.orgs.tree import department_tree as tree
    from govmedia.publishing.models import ItemPage

    departments = (
        Department.objects.filter(is_active=True)
        .select_related("index_page")
        .order_by("order", "id")
    )
    return tree(ItemPage.objects.live_counts_by_department(), departments)


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
def site_map(request):
    """网站地图: every section, the disclosure pages, the categories and the departments on one page."""
    from govmedia.publishing.models import CatalogueIndexPage, DisclosureCategory

    context = {
        "tree": department_tree(),
        "categories": DisclosureCategory.objects.all(),
        "catalogue_page": CatalogueIndexPage.objects.live().first(),
        "crumbs": [("网站地图", None)],
    }
    return render(request, "portal/site_map.html", context)


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; the site's emblem is an SVG.
    return HttpResponsePermanentRedirect(static("govmedia/logo.svg"))


@require_GET
def search_view(request):
    """Chinese full-text search over live items, 10 a page, with highlighted matches."""
    from govmedia.publishing.models import ItemPage

    # A filter value that cannot be used is dropped and named in `ignored_filters`.
    params = QueryParams(request)
    query = params.text("q", max_length=MAX_QUERY_LENGTH)
    filters = Filters(
        department_id=params.whole_number("department", "机构"),
        category_id=params.whole_number("category", "公开类别"),
        date_from=params.date("from", "发布日期从"),
        date_to=params.date("to", "发布日期至"),
    )
    context = {
        "query": query,
        "filters": filters,
        "ignored_filters": params.ignored,
        "results": [],
        "page_obj": None,
        "match_all": True,
        "crumbs": [("检索", None)],
        **filter_choices(),
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
            text = textsearch.snippet_source(item.summary, textsearch.html_to_text(item.body))
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
