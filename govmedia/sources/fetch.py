"""A polite HTTP fetcher for every reader: it asks a government site as a careful person would.

- a minimum interval between two requests to one host, shared by every
  thread of the process (``HostLimiter``), so a worker reading 40 columns of
  one portal does not hammer it;
- a time-out for the whole request (default 15 s), not only per socket read:
  a site that trickles a byte a second is as unavailable as a silent one;
- retries with exponential back-off on connection errors and on 5xx and 429
  answers, honouring Retry-After up to a small cap (a server that asks for
  an hour is an error, not a reason to hold the worker); a read time-out is
  not retried, since waiting again would hold the worker for minutes;
- conditional requests: If-None-Match / If-Modified-Since from the last
  read's validators, and a 304 answer is ``not_modified``;
- a size cap (default 10 MB): a declared Content-Length above it is refused
  before the body is read, and an undeclared body is streamed and cut off
  at the cap, so memory stays bounded whatever the server sends;
- redirects followed by hand, up to a limit, with a loop named as a loop;
- text decoded by the charset in the headers, else in the page's meta tag or
  XML declaration, else UTF-8 when it is valid, else charset-normalizer's
  guess; GB2312 and GBK are decoded as GB18030, their superset, so that
  pages from older CMSs with characters outside GB2312 do not break;
- a User-Agent that names govmedia, so a webmaster can tell who is asking.

No Django here: settings are passed in by ``service.make_fetcher``.
"""

from __future__ import annotations

import codecs
import email.utils
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from govmedia.sources.readers.base import (
    BAD_URL,
    CONNECTION,
    HTTP_STATUS,
    REDIRECT_LOOP,
    TIMEOUT,
    TOO_LARGE,
    TOO_MANY_REDIRECTS,
    Fetched,
    ReadError,
)

USER_AGENT = "govmedia/0.1 (government channel inspection; +https://github.com/govmedia)"
DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MIN_INTERVAL = 1.0  # seconds between two requests to one host
DEFAULT_RETRIES = 2  # attempts after the first
DEFAULT_BACKOFF = 1.0  # seconds before the first retry, doubled each time
DEFAULT_MAX_RETRY_AFTER = 30.0  # the longest Retry-After we wait for
DEFAULT_MAX_REDIRECTS = 10
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Where a page names its own charset: the head, in practice the first 4 KB.
CHARSET_SNIFF_BYTES = 4096
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
# Chinese legacy charsets, read as their superset so that no character is lost.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}

_STATUS_ZH = {
    400: "请求错误",
    401: "需要登录",
    403: "禁止访问",
    404: "页面不存在",
    410: "页面已删除",
    429: "请求过于频繁",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂不可用",
    504: "网关超时",
}


class HostLimiter:
    """At most one request per host every `interval` seconds, across threads.

    Each caller reserves the next free slot under the lock and sleeps outside
    it, so threads waiting for one host never block threads of another.
    """

    def __init__(self, interval: float = DEFAULT_MIN_INTERVAL) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, sleep: Callable[[float], None] = time.sleep) -> float:
        """Block until `host` may be asked; returns the seconds waited."""
        if self.interval <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + self.interval
        delay = slot - now
        if delay > 0:
            sleep(delay)
        return max(delay, 0.0)


# One limiter per process by default: every fetcher of a worker shares it.
LIMITER = HostLimiter()


def normalise_encoding(name: str) -> str | None:
    """A Python codec name for a declared charset, or None when there is no such codec."""
    name = name.strip().strip("\"'").lower()
    if not name:
        return None
    name = SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect_encoding(content: bytes, content_type: str = "") -> str:
    """The encoding of a body: header, then meta tag or XML declaration, then UTF-8, then a guess."""
    match = re.search(r"charset\s*=\s*([^\s;]+)", content_type, re.I)
    if match and (name := normalise_encoding(match.group(1))):
        return name
    head = content[:CHARSET_SNIFF_BYTES]
    for pattern in (META_CHARSET, XML_ENCODING):
        found = pattern.search(head)
        if found and (name := normalise_encoding(found.group(1).decode("ascii", "ignore"))):
            return name
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content[: 256 * 1024]).best()
    if best is not None and (name := normalise_encoding(best.encoding)):
        return name
    return "gb18030"  # a Chinese page that is not UTF-8 is nearly always GBK


def _retry_after(value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass
class FetchSettings:
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    user_agent: str = USER_AGENT


class PoliteFetcher:
    """The ``Fetcher`` of the readers (see the module docstring). Use as a context manager or close()."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        limiter: HostLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.limiter = limiter if limiter is not None else LIMITER
        self.sleep = sleep
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=False,
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
        )

    def __enter__(self) -> PoliteFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # --- the Fetcher interface -------------------------------------------------

    def get(
        self, url: str, *, etag: str = "", last_modified: str = "", peek: bool = False
    ) -> Fetched:
        """GET `url`, following redirects; `peek` reads at most the first 64 KB and never fails
        on size (the availability probe). Raises ReadError."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ReadError(BAD_URL, f"not an http(s) address: {url!r}", f"地址无效：{url}")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        seen = [url]
        current = url
        while True:
            fetched = self._get_once(current, headers, peek=peek)
            location = fetched.headers.get("location", "")
            if fetched.status not in REDIRECT_STATUSES or not location:
                break
            target = urljoin(current, location.strip())
            if target in seen:
                raise ReadError(
                    REDIRECT_LOOP,
                    f"redirect loop at {url}: {' -> '.join([*seen, target])}",
                    f"网页重定向形成循环（{len(seen)} 次后回到 {target}），无法打开。",
                )
            if len(seen) > self.settings.max_redirects:
                raise ReadError(
                    TOO_MANY_REDIRECTS,
                    f"more than {self.settings.max_redirects} redirects from {url}",
                    f"网页重定向超过 {self.settings.max_redirects} 次，无法打开。",
                )
            if urlsplit(target).scheme not in {"http", "https"}:
                raise ReadError(
                    BAD_URL, f"redirect to {target!r}", f"网页重定向到无效地址：{target}"
                )
            seen.append(target)
            current = target
        fetched.elapsed_ms = int((time.monotonic() - started) * 1000)
        if fetched.status == 304:
            fetched.not_modified = True
            return fetched
        if fetched.status >= 400 and not peek:
            reason = _STATUS_ZH.get(fetched.status, "请求失败")
            raise ReadError(
                HTTP_STATUS,
                f"{current} answered HTTP {fetched.status}",
                f"网站返回错误 {fetched.status}（{reason}）：{current}",
            )
        return fetched

    # --- one request, with retries --------------------------------------------

    def _get_once(self, url: str, headers: dict[str, str], *, peek: bool) -> Fetched:
        attempt = 0
        while True:
            self.limiter.wait(_host(url), self.sleep)
            # Each attempt has the whole time-out: a retry is a new question.
            deadline = time.monotonic() + self.settings.timeout
            try:
                fetched = self._stream(url, headers, deadline, peek=peek)
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ConnectTimeout) as exc:
                if attempt >= self.settings.retries or isinstance(exc, httpx.ConnectTimeout):
                    raise self._connection_error(url, exc) from exc
                self._back_off(attempt, None)
                attempt += 1
                continue
            if fetched.status in RETRY_STATUSES and attempt < self.settings.retries:
                wait = _retry_after(fetched.headers.get("retry-after", ""))
                if wait is not None and wait > self.settings.max_retry_after:
                    return fetched  # the server asks for longer than we hold a worker: its error stands
                self._back_off(attempt, wait)
                attempt += 1
                continue
            return fetched

    def _back_off(self, attempt: int, wait: float | None) -> None:
        delay = wait if wait is not None else self.settings.backoff * (2**attempt)
        self.sleep(min(delay, self.settings.max_retry_after))

    def _connection_error(self, url: str, exc: Exception) -> ReadError:
        if isinstance(exc, httpx.TimeoutException):
            return self._timeout(url)
        return ReadError(
            CONNECTION,
            f"cannot connect to {url}: {exc.__class__.__name__}: {exc}",
            f"无法连接网站（{exc.__class__.__name__}）：{url}",
        )

    def _timeout(self, url: str) -> ReadError:
        seconds = f"{self.settings.timeout:g}"
        return ReadError(
            TIMEOUT,
            f"{url} did not answer within {seconds} s",
            f"网站在 {seconds} 秒内没有响应：{url}",
        )

    def _too_large(self, url: str, size: int | None) -> ReadError:
        cap_mb = self.settings.max_bytes / 1024 / 1024
        told = f" ({size / 1024 / 1024:.1f} MB declared)" if size else ""
        return ReadError(
            TOO_LARGE,
            f"{url} is larger than the {cap_mb:g} MB cap{told}; not read",
            f"页面超过 {cap_mb:g} MB 的上限，未读取：{url}",
        )

    def _stream(self, url: str, headers: dict[str, str], deadline: float, *, peek: bool) -> Fetched:
        cap = 64 * 1024 if peek else self.settings.max_bytes
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout(url)
        try:
            with self.client.stream(
                "GET", url, headers=headers, timeout=httpx.Timeout(remaining)
            ) as response:
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                declared = response.headers.get("content-length", "")
                if (
                    not peek
                    and declared.isdigit()
                    and int(declared) > cap
                    and response.status_code < 300
                ):
                    raise self._too_large(url, int(declared))
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > cap:
                        if peek:
                            break
                        raise self._too_large(url, None)
                    if time.monotonic() > deadline:
                        raise self._timeout(url)
                content = b"".join(chunks)
                status = response.status_code
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise
            raise self._timeout(url) from exc
        except httpx.DecodingError as exc:
            raise ReadError(
                CONNECTION,
                f"{url}: a body that cannot be decompressed ({exc})",
                f"网页内容已损坏，无法解压：{url}",
            ) from exc
        return Fetched(
            url=url,
            status=status,
            headers=response_headers,
            content=content,
            encoding=detect_encoding(content, response_headers.get("content-type", "")),
        )
