"""`{% review_notes item %}`: what a reviewer needs to know about an item, in any admin template."""

from __future__ import annotations

from django import template

from govmedia.publishing.panels import blocking_rows, review_notes

register = template.Library()


@register.inclusion_tag("publishing/admin/review_notes.html")
def review_notes_for(item) -> dict:
    item = getattr(item, "specific", item)
    notes = review_notes(item)
    return {"notes": notes, "blocking": blocking_rows(notes.blocking) if notes else []}
