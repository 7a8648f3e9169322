"""Small HTML helpers the readers share. No Django here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import soupsieve
from bs4 import BeautifulSoup, Tag

_SPACES = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def clean_text(text: str) -> str:
    """Spaces collapsed, blank lines squeezed, ends trimmed."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment (a feed's description), one line per block."""
    if "<" not in html:
        return clean_text(html)
    soup = soup_of(html)
    for node in soup(["script", "style"]):
        node.decompose()
    return clean_text(soup.get_text("\n"))


def node_text(node: Tag | None) -> str:
    if node is None:
        return ""
    return clean_text(node.get_text(" "))


def check_selectors(config: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    """Problems (in Chinese) with the CSS selectors named `names` in `config`."""
    problems = []
    for name in names:
        value = config.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            problems.append(f"{name} 应为 CSS 选择器文本。")
            continue
        try:
            soupsieve.compile(value)
        except soupsieve.SelectorSyntaxError as exc:
            problems.append(f"{name} 的 CSS 选择器无效：{value}（{exc}）")
    return problems
