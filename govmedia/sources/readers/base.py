"""The one interface every reader implements, and what it returns.

A reader turns what a source publishes (a feed, a column's list page, an
article page, a JSON API, an exported table) into ``ReadEntry`` rows. It
fetches through a ``Fetcher`` it is given, so the polite fetcher of
``sources/fetch.py`` (rate limit, time-outs, retries, conditional requests,
size cap) applies to every reader alike, and a test can hand it any other.

Readers know nothing of departments, items or inspection: inspection judges
the entries of a website column, opinion monitoring groups the posts of a
forum, through the same rows. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass
class ReadEntry:
    """One thing a source published: an article, a notice, a post."""

    key: str  # stable id within the source: the link, or the platform's own id
    url: str
    title: str
    text: str  # the main text when it was read (article pages), else the summary or ""
    published_at: datetime | None  # None: no date found, which counts as not updated
    date_text: str  # the date as the source wrote it, kept as evidence
    author: str = ""
    parent_key: str = ""  # the post this one answers, reposts or quotes (opinion monitoring)
    extra: dict[str, Any] = field(default_factory=dict)  # engagement counts and the like


@dataclass
class ReadResult:
    entries: list[ReadEntry] = field(default_factory=list)
    not_modified: bool = False  # the server answered 304: nothing changed since the last read
    etag: str = ""
    last_modified: str = ""
    final_url: str = ""  # after redirects
    warnings: list[str] = field(default_factory=list)  # English, one line each (rows skipped…)


@dataclass
class Fetched:
    """A response as a reader sees it: final address, status, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    encoding: str = "utf-8"  # what ``text`` was decoded with
    not_modified: bool = False
    elapsed_ms: int = 0

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding, errors="replace")


class Fetcher(Protocol):
    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
        """GET `url` (conditionally when an etag or date is given); raises ReadError."""
        ...


class Reader(Protocol):
    kind: str
    label: str  # Chinese, for the admin

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
        """Read the source. `since` lets a reader stop at entries it has seen; `now`
        anchors relative dates (3天前). Raises ReadError."""
        ...

    def check_config(self, config: Mapping[str, Any]) -> list[str]:
        """Problems with `config`, in Chinese, for the admin form; empty when usable."""
        ...


class ReadError(Exception):
    """A source that could not be read.

    `message` is one English line for the log; `message_zh` the same for the
    person who looks at the source in the admin; `code` is stable for code
    that reacts to it (inspection counts a timed-out site as unavailable).
    """

    def __init__(self, code: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_zh = message_zh


# The codes of ReadError, for callers that react to a kind of failure.
TIMEOUT = "timeout"
CONNECTION = "connection"
HTTP_STATUS = "http_status"
TOO_LARGE = "too_large"
REDIRECT_LOOP = "redirect_loop"
TOO_MANY_REDIRECTS = "too_many_redirects"
BAD_URL = "bad_url"
NOT_XML = "not_xml"
NOT_A_FEED = "not_a_feed"
NOT_JSON = "not_json"
LAYOUT_CHANGED = "layout_changed"
BAD_CONFIG = "bad_config"
BAD_TABLE = "bad_table"


def refuse_bad_config(problems: list[str], what: str) -> None:
    """Raise the reader's BAD_CONFIG error when its config check found problems."""
    if problems:
        raise ReadError(
            BAD_CONFIG, f"bad {what} config: {'; '.join(problems)}", "；".join(problems)
        )


def fetch_for_read(
    fetcher: Fetcher, url: str, *, etag: str, last_modified: str
) -> tuple[Fetched, ReadResult]:
    """The conditional GET every reader starts with, and its result's validators.

    On 304 the result says not_modified and keeps the validators sent, so the
    next read asks with them again; the caller returns it as it is.
    """
    fetched = fetcher.get(url, etag=etag, last_modified=last_modified)
    result = ReadResult(
        etag=fetched.etag, last_modified=fetched.last_modified, final_url=fetched.url
    )
    if fetched.not_modified:
        result.not_modified, result.etag, result.last_modified = True, etag, last_modified
    return fetched, result


def config_str(config: Mapping[str, Any], name: str, default: str = "") -> str:
    value = config.get(name, default)
    return value.strip() if isinstance(value, str) else default
