"""The installation's own name in the admin's branding blocks (templates/wagtailadmin/)."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()

PRODUCT_NAME = "政务新媒体运营与监管平台"


@register.simple_tag
def govmedia_site_name() -> str:
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag
def govmedia_product_name() -> str:
    return PRODUCT_NAME
