"""Template tags the portal's pages load to show the desk (template coupling only).

`{% item_feedback page %}` on an item page: the link to ask about the item or
report an error in it, and its answered public messages, masked.
"""

from __future__ import annotations

from django import template

from govmedia.desk.publicview import item_answers

register = template.Library()


@register.inclusion_tag("desk/public/item_feedback.html")
def item_feedback(item) -> dict:
    return {"item": item, "entries": item_answers(item.pk)}
