"""Visible text of an HTML fragment or page, with where each link shows in it.

Findings on HTML carry offsets into this visible text, so the same text is
what ``--show-text`` prints and what ``highlight_html`` marks up.
"""

from __future__ import annotations

import re

from .rules.links import Link

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "iframe", "svg"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_SPACE_RE = re.compile(r"[ \t\r\n\f]+")


def visible_text(html: str) -> tuple[str, list[Link]]:
    """Return the text a reader sees (blocks on their own lines) and its ``<a href>`` links.

    Walks the tree iteratively (deeply nested pages would exhaust recursion),
    collapsing whitespace as a browser does except inside ``<pre>``.
    """
    # bs4 is imported here, not at the top: a plain-text `govmedia check` never
    # needs it, and importing it is a quarter of the command's start-up.
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
    from bs4.element import CData, ProcessingInstruction

    invisible = (Comment, Declaration, Doctype, CData, ProcessingInstruction)
    soup = BeautifulSoup(html, "lxml")
    parts: list[str] = []
    length = 0
    links: list[Link] = []
    open_links: list[tuple[str, int]] = []
    pre_depth = 0
    # Stack of (node, entering?) so closing a tag can emit its newline and link span.
    stack: list[tuple[object, bool]] = [(soup, True)]

    def emit(s: str) -> None:
        nonlocal length
        parts.append(s)
        length += len(s)

    def newline() -> None:
        if parts and not parts[-1].endswith("\n"):
            emit("\n")

    while stack:
        node, entering = stack.pop()
        if isinstance(node, NavigableString):
            if isinstance(node, invisible):
                continue
            s = str(node)
            if not pre_depth:
                s = _SPACE_RE.sub(" ", s)
                if s == " " and (not parts or parts[-1].endswith(("\n", " "))):
                    continue
                if s.startswith(" ") and (not parts or parts[-1].endswith(("\n", " "))):
                    s = s[1:]
            if s:
                emit(s)
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if entering:
            if name in _SKIP:
                continue
            if name in _BLOCK:
                newline()
            if name == "pre":
                pre_depth += 1
            if name == "a" and node.get("href"):
                open_links.append((str(node.get("href")).strip(), length))
            stack.append((node, False))
            stack.extend((child, True) for child in reversed(list(node.children)))
        else:
            if name == "pre":
                pre_depth -= 1
            if name == "a" and node.get("href") and open_links:
                href, start = open_links.pop()
                if href.lower().startswith(("http://", "https://")):
                    links.append(Link(href, start, length))
            if name in _BLOCK:
                newline()
    text = "".join(parts).strip("\n")
    # Leading newlines were stripped: shift link spans by the same amount.
    lead = len("".join(parts)) - len("".join(parts).lstrip("\n"))
    if lead:
        links = [Link(lk.url, lk.start - lead, lk.end - lead) for lk in links]
    text = text.rstrip(" ")
    links = [
        Link(lk.url, max(0, lk.start), min(len(text), lk.end))
        for lk in links
        if lk.start < len(text)
    ]
    return text, links
