"""The bridge from an item to the content-check engine."""

from __future__ import annotations

from django.utils.html import escape


def item_html(item) -> str:
    """The text of an item as the engine sees it: title, summary and body."""
    parts = [f"<h1>{escape(item.title)}</h1>"]
    if item.summary:
        parts.append(f"<p>{escape(item.summary)}</p>")
    parts.append(str(item.body or ""))
    return "\n".join(parts)


def check_item(item):
    from govmedia.checks.service import check_content

    return check_content(item_html(item), html=True, links=False, document_date=item.written_date)
