"""`{% review_notes item %}`: what a reviewer needs to know about an item, in any admin template."""

from __future__ import annotations

from django import template

from govmedia.publishing.panels import blocking_rows, review_notes

register = template.Library()


@register.inclusion_tag("publishing/admin/review_notes.html")
def review_notes_for(item, findings: bool = True) -> dict:
    """`findings=False` where the full check report follows anyway (the editor's panel)."""
    item = getattr(item, "specific", item)
    notes = review_notes(item)
    rows = blocking_rows(notes.blocking) if notes and findings else []
    return {"notes": notes, "blocking": rows}
