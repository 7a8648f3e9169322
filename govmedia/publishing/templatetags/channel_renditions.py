"""`{% renditions_to_sign_off item %}`: the channel renditions the approver signs off, with links."""

from __future__ import annotations

from django import template

from govmedia.publishing.panels import renditions_to_sign_off as rows_for

register = template.Library()


@register.inclusion_tag("publishing/admin/renditions_list.html")
def renditions_to_sign_off(item) -> dict:
    return {"rows": rows_for(getattr(item, "specific", item))}
