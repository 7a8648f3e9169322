"""An article page: its title, main text, publication date and author.

Config: optional selectors ``{"title": "h1", "content": "div.TRS_Editor",
"date": "span.pubtime"}``; without them the page is read by the rules below.

The main text comes from a small density-based extractor (``extract``):
every block's own text is scored by its length and its Chinese sentence
punctuation, and each score is credited to the block's parent and, halved,
to its grandparent (as Readability does); the container with the highest
score, discounted by the share of its text that sits inside links, is the
article. Navigation, headers, footers, scripts and forms are removed first.
It is simple on purpose: government article pages are one block of
paragraphs inside a frame of menus, and this finds it.

The publication date, in this order: the configured selector; the meta
tags Chinese government CMSs write (PubDate, publishdate, pubdate,
article:published_time, ...); a "发布时间：", "发布日期：", "日期：" or
"时间：" label in the page; the date in the address (t20260301_123.html).
A page without any is read with ``published_at=None``: no date counts as
not updated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from govmedia.sources import dates
from govmedia.sources.readers.base import Fetcher, ReadEntry, ReadResult, config_str, fetch_for_read
from govmedia.sources.readers.html import check_selectors, clean_text, node_text, soup_of

KIND = "article"
DATE_METAS = (
    "pubdate",
    "publishdate",
    "publish_date",
    "firstpublishedtime",
    "article:published_time",
    "og:release_date",
    "datepublished",
    "dc.date",
    "dcterms.issued",
    "lastmodifiedtime",
)
TITLE_METAS = ("articletitle", "og:title", "title")
AUTHOR_METAS = ("author", "contentsource", "source")
DATE_LABELS = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|更新时间|日期|时间)\s*[:：]\s*")
SOURCE_LABEL = re.compile(r"(?:来源|信息来源|作者)\s*[:：]\s*([^\s|｜<]{1,40})")
NOISE = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "select",
    "button",
)
BLOCKS = {"div", "article", "section", "td", "main", "body"}
SENTENCE_MARKS = "，。；！？、"
MIN_BLOCK_CHARS = 10


@dataclass
class Article:
    title: str
    text: str
    published_at: datetime | None
    date_text: str
    author: str


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str:
    wanted = set(names)
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if name in wanted and meta.get("content"):
            return clean_text(str(meta["content"]))
    return ""


def _without_site_name(title: str) -> str:
    """ "关于…的通知_示例市水利局" -> "关于…的通知": CMSs append the site's name to <title>."""
    for separator in ("_", " - ", "—", "|", "｜"):
        head, found, tail = title.rpartition(separator)
        if found and len(head) > len(tail):
            return head.strip()
    return title


def _own_text(node: Tag) -> str:
    return "".join(
        str(child) for child in node.children if isinstance(child, NavigableString)
    ).strip()


def _link_density(node: Tag, text_length: int) -> float:
    if not text_length:
        return 1.0
    linked = sum(len(a.get_text(strip=True)) for a in node.find_all("a"))
    return min(1.0, linked / text_length)


def main_block(soup: BeautifulSoup) -> Tag | None:
    """The element holding the article's text (see the module docstring), or None."""
    for node in soup(NOISE):
        node.decompose()
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for node in soup.find_all(["p", "div", "td", "section", "article", "span", "font"]):
        text = (
            _own_text(node)
            if node.name in BLOCKS or node.name in {"span", "font"}
            else node.get_text(strip=True)
        )
        if len(text) < MIN_BLOCK_CHARS:
            continue
        score = 1 + sum(text.count(mark) for mark in SENTENCE_MARKS) + min(len(text) / 100, 3)
        parent = node.parent if node.name not in BLOCKS else node
        for ancestor, share in ((parent, 1.0), (parent.parent if parent else None, 0.5)):
            if isinstance(ancestor, Tag) and ancestor.name != "[document]":
                scores[id(ancestor)] = scores.get(id(ancestor), 0.0) + score * share
                nodes[id(ancestor)] = ancestor
    best: Tag | None = None
    best_score = 0.0
    for key, score in scores.items():
        node = nodes[key]
        length = len(node.get_text(strip=True))
        adjusted = score * (1 - _link_density(node, length))
        if adjusted > best_score:
            best, best_score = node, adjusted
    return best


def find_publication_date(
    soup: BeautifulSoup, url: str, *, date_selector: str = "", now: datetime | None = None
) -> tuple[datetime | None, str]:
    """(publication date, the words it was read from) by the order in the module docstring."""
    if date_selector:
        node = soup.select_one(date_selector)
        found = dates.find_date(node_text(node), now) if node else None
        if found:
            return found.at, found.text
    meta = _meta(soup, DATE_METAS)
    if meta and (found := dates.find_date(meta, now)):
        return found.at, meta
    body_text = soup.get_text(" ")
    for label in DATE_LABELS.finditer(body_text):
        found = dates.find_date(body_text[label.end() : label.end() + 40], now)
        if found:
            return found.at, body_text[label.start() : label.end()].strip() + found.text
    found = dates.date_in_url(url)
    if found:
        return found.at, found.text
    return None, ""


def extract(
    html: str, url: str, config: Mapping[str, Any] | None = None, *, now: datetime | None = None
) -> Article:
    """Title, main text, date and author of an article page."""
    config = config or {}
    soup = soup_of(html)
    published_at, date_text = find_publication_date(
        soup, url, date_selector=config_str(config, "date"), now=now
    )
    title = ""
    if selector := config_str(config, "title"):
        title = node_text(soup.select_one(selector))
    title = title or _meta(soup, TITLE_METAS) or node_text(soup.find("h1"))
    if not title and soup.title:
        title = _without_site_name(node_text(soup.title))
    author = _meta(soup, AUTHOR_METAS)
    if not author and (source := SOURCE_LABEL.search(soup.get_text(" "))):
        author = source.group(1)
    content_selector = config_str(config, "content")
    block = soup.select_one(content_selector) if content_selector else None
    if block is None:
        block = main_block(soup)
    text = clean_text(block.get_text("\n")) if block is not None else ""
    return Article(
        title=title, text=text, published_at=published_at, date_text=date_text, author=author
    )


class ArticleReader:
    kind = KIND
    label = "文章页"

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
        article = extract(fetched.text, fetched.url, config, now=now)
        if not article.text:
            result.warnings.append("no main text found on the page")
        result.entries = [
            ReadEntry(
                key=url,
                url=fetched.url,
                title=article.title,
                text=article.text,
                published_at=article.published_at,
                date_text=article.date_text,
                author=article.author,
            )
        ]
        return result

    def check_config(self, config: Mapping[str, Any]) -> list[str]:
        return check_selectors(config, ("title", "content", "date"))


reader = ArticleReader()
