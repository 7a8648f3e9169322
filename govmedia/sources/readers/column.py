"""A website column's list page (栏目列表页): the title, link and date of each entry.

Config, CSS selectors set per column (``guess_selectors`` proposes them)::

    {
      "item": "ul.news-list > li",   # one element per entry (required)
      "title": "a",                  # within an item; default "a"; ":scope": the item itself
      "link": "a",                   # its href; default "a"
      "date": "span.date",           # within an item; empty: any date in the item's text
      "list": "ul.news-list",        # the list itself: found but empty = a blank column
      "next": "a.next-page",         # the next page's link (optional)
      "pages": 1,                    # how many list pages to read
      "articles": 0                  # read the main text of up to N new entries' pages
    }

When no item matches, either the column is blank or the page has changed:
blank when the ``list`` selector still matches (or the page says 暂无信息),
otherwise a ``layout_changed`` error, "栏目页面结构已改变", so that a
redesigned site is never mistaken for an empty column and the entries read
before stay as they were.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from govmedia.sources import dates
from govmedia.sources.readers import article
from govmedia.sources.readers.base import (
    LAYOUT_CHANGED,
    Fetcher,
    ReadEntry,
    ReadError,
    ReadResult,
    config_str,
    fetch_for_read,
    refuse_bad_config,
)
from govmedia.sources.readers.html import check_selectors, node_text, soup_of

KIND = "column"
EMPTY_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "没有记录", "无相关信息")
MAX_PAGES = 20
MIN_REPEATS = 3  # a "list" of fewer entries is not told apart from a menu


def _item_entry(
    item: Tag, base_url: str, config: Mapping[str, Any], now: datetime | None
) -> ReadEntry | None:
    link_node = item.select_one(config_str(config, "link", "a") or "a")
    title_node = item.select_one(config_str(config, "title", "a") or "a")
    href = str(link_node.get("href") or "") if link_node is not None else ""
    if not href and item.name == "a":
        href = str(item.get("href") or "")
    title = ""
    if title_node is not None:
        title = str(title_node.get("title") or "").strip() or node_text(title_node)
    if not href or href.startswith(("javascript:", "#")):
        return None
    url = urljoin(base_url, href)
    date_selector = config_str(config, "date")
    date_node = item.select_one(date_selector) if date_selector else None
    date_source = node_text(date_node) if date_node is not None else node_text(item)
    if title and not date_selector:
        date_source = date_source.replace(title, " ")  # a year in the title is not its date
    found = dates.find_date(date_source, now) or dates.date_in_url(url)
    return ReadEntry(
        key=url,
        url=url,
        title=title or url,
        text="",
        published_at=found.at if found else None,
        date_text=found.text if found else "",
    )


def _page_entries(
    soup: BeautifulSoup, base_url: str, config: Mapping[str, Any], now: datetime | None
) -> tuple[list[ReadEntry], bool]:
    """(entries, blank): blank when the list is there but empty."""
    items = soup.select(config_str(config, "item"))
    entries = [e for item in items if (e := _item_entry(item, base_url, config, now))]
    if entries:
        return entries, False
    list_selector = config_str(config, "list")
    if list_selector and soup.select_one(list_selector) is not None and not items:
        return [], True
    page_text = soup.get_text(" ")
    if not items and any(marker in page_text for marker in EMPTY_MARKERS):
        return [], True
    raise ReadError(
        LAYOUT_CHANGED,
        f"{base_url}: the selectors match no entries ({len(items)} items, none with a link); "
        "the page layout has changed",
        "栏目页面结构已改变：按设置的选择器找不到任何条目，请重新设置选择器（之前读到的条目已保留）。",
    )


class ColumnReader:
    kind = KIND
    label = "网站栏目列表页"

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
        refuse_bad_config(self.check_config(config), "column")
        fetched, result = fetch_for_read(fetcher, url, etag=etag, last_modified=last_modified)
        if result.not_modified:
            return result
        pages = max(1, min(int(config.get("pages") or 1), MAX_PAGES))
        seen: set[str] = set()
        visited = {fetched.url}
        page_url, soup = fetched.url, soup_of(fetched.text)
        for number in range(1, pages + 1):
            entries, _blank = _page_entries(soup, page_url, config, now)
            for entry in entries:
                if entry.key not in seen:
                    seen.add(entry.key)
                    result.entries.append(entry)
            next_selector = config_str(config, "next")
            if number == pages or not next_selector:
                break
            next_link = soup.select_one(next_selector)
            href = str(next_link.get("href") or "") if next_link is not None else ""
            next_url = urljoin(page_url, href) if href else ""
            if not next_url or next_url in visited:
                break
            visited.add(next_url)
            try:
                page = fetcher.get(next_url)
            except ReadError as exc:
                result.warnings.append(f"page {number + 1} not read: {exc.message}")
                break
            page_url, soup = page.url, soup_of(page.text)
        self._read_articles(result, config, fetcher, since, now)
        return result

    def _read_articles(
        self,
        result: ReadResult,
        config: Mapping[str, Any],
        fetcher: Fetcher,
        since: datetime | None,
        now: datetime | None,
    ) -> None:
        limit = int(config.get("articles") or 0)
        if limit <= 0:
            return
        wanted = [
            e
            for e in result.entries
            if since is None or e.published_at is None or e.published_at >= since
        ]
        for entry in wanted[:limit]:
            try:
                page = fetcher.get(entry.url)
            except ReadError as exc:
                result.warnings.append(f"article {entry.url} not read: {exc.message}")
                continue
            found = article.extract(page.text, page.url, now=now)
            entry.text = found.text
            entry.author = found.author
            if entry.published_at is None and found.published_at is not None:
                entry.published_at, entry.date_text = found.published_at, found.date_text

    def check_config(self, config: Mapping[str, Any]) -> list[str]:
        problems = []
        if not config_str(config, "item"):
            problems.append("栏目页需要设置条目选择器（item）。")
        problems += check_selectors(config, ("item", "title", "link", "date", "list", "next"))
        for name in ("pages", "articles"):
            value = config.get(name)
            if value is not None and (not isinstance(value, int) or value < 0):
                problems.append(f"{name} 应为非负整数。")
        return problems


reader = ColumnReader()


# --- guessing the selectors of a new column ------------------------------------


@dataclass
class Guess:
    config: dict[str, Any]
    count: int  # entries found by the guessed selectors
    dated: int  # how many of them carry a date
    samples: list[ReadEntry] = field(default_factory=list)


def _classes(node: Tag) -> list[str]:
    value = node.get("class")
    names = value if isinstance(value, list) else str(value or "").split()
    return [str(c) for c in names if str(c).isascii()]


def _signature(node: Tag) -> str:
    classes = _classes(node)
    return node.name + ("." + ".".join(sorted(classes)) if classes else "")


def _css_path(node: Tag) -> str:
    """A selector for `node`: its id, or its tag and classes under the nearest ancestor with an id."""
    parts: list[str] = []
    current: Tag | None = node
    while isinstance(current, Tag) and current.name not in {"[document]", "html"}:
        ident = current.get("id")
        if ident and str(ident).isascii() and " " not in str(ident):
            parts.append(f"#{ident}")
            break
        classes = _classes(current)
        part = current.name + "".join(f".{c}" for c in classes)
        if not classes and isinstance(current.parent, Tag):
            same = [s for s in current.parent.find_all(current.name, recursive=False)]
            if len(same) > 1:
                part += f":nth-of-type({same.index(current) + 1})"
        parts.append(part)
        current = current.parent if isinstance(current.parent, Tag) else None
        if current is not None and current.name == "body":
            break
    return " > ".join(reversed(parts))


def _date_selector(sample: Tag) -> str:
    """The selector of the element inside an item that holds only its date, or ""."""
    for node in sample.find_all(True):
        if node.name == "a":
            continue
        text = node_text(node)
        found = dates.find_date(text)
        if found and len(text) <= len(found.text) + 4:
            return _signature(node)
    return ""


def guess_selectors(html: str, url: str, *, now: datetime | None = None) -> Guess | None:
    """Propose a column config: the largest group of sibling elements of one shape,
    each holding a link and a date. None when the page has no such group."""
    soup = soup_of(html)
    for noise in soup(["script", "style", "noscript"]):
        noise.decompose()
    best: tuple[float, Tag, str] | None = None
    for parent in soup.find_all(True):
        children = [c for c in parent.find_all(True, recursive=False)]
        if len(children) < MIN_REPEATS:
            continue
        shapes = Counter(_signature(c) for c in children)
        shape, count = shapes.most_common(1)[0]
        if count < MIN_REPEATS:
            continue
        members = [c for c in children if _signature(c) == shape]
        linked = [m for m in members if m.name == "a" or m.find("a", href=True)]
        dated = [m for m in linked if dates.find_date(node_text(m), now)]
        if len(linked) < MIN_REPEATS:
            continue
        # Dates weigh most: a menu has links but no dates.
        score = float(len(dated) * 3 + len(linked))
        if len(dated) < len(linked) / 2:
            score = len(linked) * 0.5
        if best is None or score > best[0]:
            best = (score, parent, shape)
    if best is None:
        return None
    _score, parent, shape = best
    list_selector = _css_path(parent)
    item_selector = f"{list_selector} > {shape}"
    sample = next(c for c in parent.find_all(True, recursive=False) if _signature(c) == shape)
    link = "a" if sample.name != "a" else ""
    config: dict[str, Any] = {
        "list": list_selector,
        "item": item_selector,
        "title": link or ":scope",
        "link": link or ":scope",
        "date": _date_selector(sample),
    }
    try:
        entries, _blank = _page_entries(soup, url, config, now)
    except ReadError:
        return None
    return Guess(
        config=config,
        count=len(entries),
        dated=sum(1 for e in entries if e.published_at),
        samples=entries[:10],
    )
