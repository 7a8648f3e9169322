"""The 政府信息公开目录 as a page shows it: filters from the query string, 20 items a page.

The portal supplies the template (`portal/catalogue.html`); this module only
decides which items and which filter choices it gets.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest

from govmedia.core.params import QueryParams

CATALOGUE_PAGE_SIZE = 20


def filter_choices() -> dict[str, Any]:
    """The departments with a live section and every category, for the filter menus."""
    from govmedia.orgs.models import Department
    from govmedia.publishing.models import DisclosureCategory

    return {
        "all_departments": Department.objects.filter(
            is_active=True, index_page__live=True
        ).order_by("order", "id"),
        "all_categories": list(DisclosureCategory.objects.all()),
    }


def catalogue_context(request: HttpRequest, catalogue_page, department=None) -> dict[str, Any]:
    """The whole catalogue, or one department's part, filtered by category and year."""
    from govmedia.publishing.models import ItemPage

    # A filter value that cannot be used is dropped and named in `ignored_filters`.
    params = QueryParams(request)
    if department is None:
        department_id = params.whole_number("department", "机构")
    else:
        department_id = department.pk
    category_id = params.whole_number("category", "公开类别")
    items = ItemPage.objects.in_catalogue(department_id=department_id, category_id=category_id)
    years = items.publish_years()
    year = params.year("year", "发布年份")
    if year:
        items = items.filter(publish_date__year=year)
    page_obj = Paginator(items, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    choices = filter_choices()
    if department is None:
        crumbs = [(catalogue_page.title, None)]
    else:
        crumbs = [(catalogue_page.title, catalogue_page.get_url(request)), (department.name, None)]
    return {
        "page": catalogue_page,
        "self": catalogue_page,
        "department": department,
        "page_obj": page_obj,
        "items": page_obj.object_list,
        "years": years,
        "selected": {"department": department_id, "category": category_id, "year": year},
        "category": next((c for c in choices["all_categories"] if c.pk == category_id), None),
        "crumbs": crumbs,
        "ignored_filters": params.ignored,
        **choices,
    }
