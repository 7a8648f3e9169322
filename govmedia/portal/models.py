"""The public site's root page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(_("首页简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["publishing.CatalogueIndexPage"]
    max_count = 1
    template = "portal/home.html"

    class Meta:
        verbose_name = _("门户首页")
