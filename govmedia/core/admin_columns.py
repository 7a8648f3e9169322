"""Listing columns shared by the apps' admin viewsets."""

from __future__ import annotations

from django.utils.text import capfirst
from wagtail.admin.ui.tables import BooleanColumn


def yes_no_column(model, field_name: str) -> BooleanColumn:
    """A boolean field as a tick or cross titled 是/否 (templates/wagtailadmin/tables/boolean_cell.html).

    Wagtail lists a boolean field named in `list_display` as the text "True"
    or "False"; this column is what it uses for its own boolean listings.
    """
    field = model._meta.get_field(field_name)
    return BooleanColumn(field_name, label=capfirst(field.verbose_name), sort_key=field_name)
