"""RSS 2.0, Atom and RSS 1.0 (RDF) feeds.

Config: none needed. Optional ``{"max_entries": 200}``.

The body must be XML: a site that answers with an HTML page (a login or an
error page, a moved feed) is a clear ``not_xml`` error, never zero entries.
XML is parsed by defusedxml (no entity expansion, no external entities); the
body is decoded by the fetcher first, because expat reads no GBK and many
Chinese feeds declare gb2312. Dates are read from pubDate, dc:date,
published or updated; an entry's key is its guid or id, else its link.
Atom threading (thr:in-reply-to) gives the parent of a comment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from govmedia.sources import dates
from govmedia.sources.readers.base import (
    NOT_A_FEED,
    NOT_XML,
    Fetcher,
    ReadEntry,
    ReadError,
    ReadResult,
    fetch_for_read,
)
from govmedia.sources.readers.html import clean_text, html_to_text

KIND = "feed"
ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
DEFAULT_MAX_ENTRIES = 500


def _text(element: Element | None) -> str:
    return clean_text("".join(element.itertext())) if element is not None else ""


def _first(parent: Element, *tags: str) -> Element | None:
    for tag in tags:
        found = parent.find(tag)
        if found is not None:
            return found
    return None


def _date(parent: Element, now: datetime | None, *tags: str) -> tuple[datetime | None, str]:
    for tag in tags:
        raw = _text(parent.find(tag))
        if raw:
            found = dates.find_date(raw, now)
            return (found.at if found else None), raw
    return None, ""


def parse(xml: str, *, source: str = "", now: datetime | None = None) -> list[ReadEntry]:
    """The entries of a feed document. Raises ReadError (not_xml, not_a_feed)."""
    body = XML_DECLARATION.sub("", xml, count=1).lstrip("\ufeff")
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException) as exc:
        start = clean_text(body[:60]).replace("\n", " ")
        raise ReadError(
            NOT_XML,
            f"{source or 'the feed'} is not XML ({exc}); it starts with {start!r}",
            "订阅地址返回的内容不是 XML（可能是网页、登录页或错误页），无法按 RSS/Atom 读取。",
        ) from exc
    if root.tag == "rss":
        channel = root.find("channel")
        return [
            _rss_item(item, now)
            for item in (channel.findall("item") if channel is not None else [])
        ]
    if root.tag == f"{ATOM}feed":
        return [_atom_entry(entry, now) for entry in root.findall(f"{ATOM}entry")]
    if root.tag == f"{RDF}RDF":
        return [_rss1_item(item, now) for item in root.findall(f"{RSS1}item")]
    raise ReadError(
        NOT_A_FEED,
        f"{source or 'the document'} is XML but not RSS or Atom (root element {root.tag!r})",
        "订阅地址返回的是 XML，但不是 RSS 或 Atom 订阅。",
    )


def _rss_item(item: Element, now: datetime | None) -> ReadEntry:
    link = _text(item.find("link"))
    guid = _text(item.find("guid"))
    published_at, date_text = _date(item, now, "pubDate", f"{DC}date", f"{ATOM}updated")
    body = _text(_first(item, f"{CONTENT}encoded", "description"))
    extra: dict[str, Any] = {}
    categories = [_text(c) for c in item.findall("category") if _text(c)]
    if categories:
        extra["categories"] = categories
    comments = _text(item.find(f"{SLASH}comments"))
    if comments.isdigit():
        extra["comments"] = int(comments)
    return ReadEntry(
        key=guid or link or _text(item.find("title")),
        url=link,
        title=_text(item.find("title")),
        text=html_to_text(body),
        published_at=published_at,
        date_text=date_text,
        author=_text(_first(item, f"{DC}creator", "author")),
        parent_key=_in_reply_to(item),
        extra=extra,
    )


def _atom_link(entry: Element) -> str:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "")
    return ""


def _in_reply_to(entry: Element) -> str:
    reply = entry.find(f"{THREAD}in-reply-to")
    return (reply.get("ref") or reply.get("href") or "") if reply is not None else ""


def _atom_entry(entry: Element, now: datetime | None) -> ReadEntry:
    link = _atom_link(entry)
    published_at, date_text = _date(entry, now, f"{ATOM}published", f"{ATOM}updated")
    body = _first(entry, f"{ATOM}content", f"{ATOM}summary")
    author = entry.find(f"{ATOM}author")
    return ReadEntry(
        key=_text(entry.find(f"{ATOM}id")) or link,
        url=link,
        title=_text(entry.find(f"{ATOM}title")),
        text=html_to_text(_text(body)),
        published_at=published_at,
        date_text=date_text,
        author=_text(author.find(f"{ATOM}name")) if author is not None else "",
        parent_key=_in_reply_to(entry),
    )


def _rss1_item(item: Element, now: datetime | None) -> ReadEntry:
    link = _text(item.find(f"{RSS1}link"))
    published_at, date_text = _date(item, now, f"{DC}date")
    return ReadEntry(
        key=item.get(f"{RDF}about") or link,
        url=link,
        title=_text(item.find(f"{RSS1}title")),
        text=html_to_text(_text(_first(item, f"{CONTENT}encoded", f"{RSS1}description"))),
        published_at=published_at,
        date_text=date_text,
        author=_text(item.find(f"{DC}creator")),
    )


class FeedReader:
    kind = KIND
    label = "RSS/Atom 订阅"

    def read(
        self,
        url: str,
        config: Mapping[str, Any],
        fetcher: Fetcher,
        *,
        etag: str = "",
        last_modified: str = "",
        since: datetime | None = None,
        now: datetime | None = None,
    ) -> ReadResult:
        fetched, result = fetch_for_read(fetcher, url, etag=etag, last_modified=last_modified)
        if result.not_modified:
            return result
        entries = parse(fetched.text, source=url, now=now)
        limit = int(config.get("max_entries") or DEFAULT_MAX_ENTRIES)
        if len(entries) > limit:
            result.warnings.append(f"{len(entries)} entries in the feed, kept the first {limit}")
        result.entries = [e for e in entries[:limit] if e.key]
        if len(result.entries) < len(entries[:limit]):
            result.warnings.append("entries without a link, id or title skipped")
        return result

    def check_config(self, config: Mapping[str, Any]) -> list[str]:
        limit = config.get("max_entries")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            return ["max_entries 应为正整数。"]
        return []


reader = FeedReader()
