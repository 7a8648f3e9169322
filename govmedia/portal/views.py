"""Public pages outside the Wagtail page tree."""

from __future__ import annotations

from django.shortcuts import render


def catalogue(request, catalogue_page, department=None):
    from govmedia.publishing.models import ItemPage

    items = ItemPage.objects.live().filter(department=department) if department else ItemPage.objects.live()
    return render(
        request,
        "portal/catalogue.html",
        {"page": catalogue_page, "department": department, "items": items.order_by("-first_published_at")[:50]},
    )
