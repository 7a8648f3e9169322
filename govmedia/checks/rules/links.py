"""Links: forbidden hosts (no network needed) and broken links (checked over HTTP)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..findings import BLOCKING, LINK, WARNING, Finding

if TYPE_CHECKING:
    import httpx

# Stops at whitespace, quotes, angle brackets and Chinese punctuation, which
# cannot appear unescaped in a URL but often follow one in Chinese text.
URL_RE = re.compile(r"https?://[^\s<>\"'\u3000-\u303f\uff01-\uff65\u201c-\u201f]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'"

DEFAULT_TIMEOUT = 5.0
DEFAULT_CONCURRENCY = 8
DEFAULT_CACHE_SECONDS = 3600.0
_USER_AGENT = "govmedia-linkcheck/0.1 (+content check before publishing)"


@dataclass(frozen=True, slots=True)
class Link:
    """A link and where it shows in the visible text."""

    url: str
    start: int
    end: int


def find_text_links(text: str) -> list[Link]:
    if "://" not in text:
        return []
    links = []
    for m in URL_RE.finditer(text):
        url = m.group().rstrip(_TRAILING)
        # Keep a closing parenthesis that belongs to the URL, as in Wikipedia links.
        if m.group()[len(url) : len(url) + 1] == ")" and url.count("(") > url.count(")"):
            url += ")"
        links.append(Link(url, m.start(), m.start() + len(url)))
    return links


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def host_forbidden(host: str, forbidden: Iterable[str]) -> str | None:
    """The forbidden entry that ``host`` equals or is a subdomain of, if any."""
    for entry in forbidden:
        entry = entry.lower().strip().lstrip(".")
        if entry and (host == entry or host.endswith("." + entry)):
            return entry
    return None


class LinkChecker:
    """Checks URLs over HTTP with a timeout, bounded concurrency and a result cache.

    HEAD first (cheap); servers that refuse HEAD (405, 501) get a GET. A result
    is cached for ``cache_seconds`` so re-checking a draft does not hammer sites.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
        cache_seconds: float = DEFAULT_CACHE_SECONDS,
    ) -> None:
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def problem(self, client: httpx.Client, url: str) -> str | None:
        """None when the link works, else a short English reason."""
        import httpx

        try:
            response = client.head(url)
            if response.status_code in (405, 501, 403):
                response = client.get(url)
        except httpx.TimeoutException:
            return "timeout"
        except httpx.ConnectError as exc:
            return f"connection failed ({exc.__class__.__name__}: {exc})"
        except (httpx.HTTPError, ValueError) as exc:
            return f"request failed ({exc.__class__.__name__}: {exc})"
        if response.status_code >= 400:
            return f"HTTP {response.status_code}"
        return None

    def check(self, urls: Sequence[str]) -> dict[str, str | None]:
        now = time.monotonic()
        results: dict[str, str | None] = {}
        todo: list[str] = []
        with self._lock:
            for url in dict.fromkeys(urls):
                cached = self._cache.get(url)
                if cached and now - cached[0] < self.cache_seconds:
                    results[url] = cached[1]
                else:
                    todo.append(url)
        if todo:
            # Imported when a link is checked: they cost 0.2 s of every start-up otherwise.
            from concurrent.futures import ThreadPoolExecutor

            import httpx

            with httpx.Client(
                timeout=self.timeout,
                follow_redirects=True,
                headers={"User-Agent": _USER_AGENT},
                trust_env=False,
            ) as client:
                workers = min(self.concurrency, len(todo))
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    checked = list(pool.map(lambda u: self.problem(client, u), todo))
            with self._lock:
                for url, problem in zip(todo, checked, strict=True):
                    self._cache[url] = (time.monotonic(), problem)
                    results[url] = problem
        return results


def find_link_problems(
    links: Sequence[Link],
    *,
    forbidden_hosts: Sequence[str] = (),
    checker: LinkChecker | None = None,
    visible_text: str,
) -> list[Finding]:
    """Forbidden hosts always; broken links only when a checker is given."""
    findings: list[Finding] = []
    to_check: list[Link] = []
    for link in links:
        host = host_of(link.url)
        shown = visible_text[link.start : link.end]
        entry = host_forbidden(host, forbidden_hosts) if host else None
        if entry:
            findings.append(
                Finding(
                    LINK,
                    BLOCKING,
                    link.start,
                    link.end,
                    shown,
                    f"链接指向禁止使用的网站（{entry}），请删除或更换：{link.url}",
                    "link:forbidden-host",
                    f"链接的网站“{host}”在禁止链接的网站名单中（名单条目：{entry}）",
                )
            )
        elif checker is not None:
            to_check.append(link)
    if to_check and checker is not None:
        problems = checker.check([link.url for link in to_check])
        for link in to_check:
            problem = problems.get(link.url)
            if problem:
                findings.append(
                    Finding(
                        LINK,
                        WARNING,
                        link.start,
                        link.end,
                        visible_text[link.start : link.end],
                        f"链接无法访问（{problem}），请核实：{link.url}",
                        "link:broken",
                        f"检查时打开该链接失败：{problem}",
                    )
                )
    return findings
