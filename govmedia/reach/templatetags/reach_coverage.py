"""`{% item_coverage item as rows %}`: the channels that carried an item (reach/coverage.py)."""

from django import template

from govmedia.reach import coverage

register = template.Library()


@register.simple_tag
def item_coverage(item):
    return coverage.for_item(item)
