"""Fake government websites served on loopback, for the tests of sources and inspection.

``FakeSite`` builds a site of the usual shape (a home page, columns whose
list pages link to article pages, an RSS feed) from Chinese demo text
written for these tests, and ``serve(site)`` serves it on 127.0.0.1 in a
thread. Every response carries an ETag and answers If-None-Match with 304;
``site.hits`` counts requests per path. Faults are routes like any other:
a delay (a site that times out), a 30 MB streamed body, a redirect loop, a
page in GBK, a feed that is not XML, a 503 that passes.

The ready-made sites of the inspection issue::

    healthy_site(now)   动态 updated daily, 通知公告 every 10 days, RSS
    stale_site(now)     the same columns, last entries 4 and 8 months ago
    blank_site(now)     a column with no entries at all (暂无信息)
    slow_site(delay)    every page answers after `delay` seconds

and ``site.set_layout(slug, "v2")`` redesigns a column's list page so that
the selectors of the old layout stop matching. No Django here: importable by
any test (inspection's too) and by the benchmarks.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from govmedia.sources.dates import SHANGHAI

SITE_NAME = "示例市人民政府"
# Pieces of demo titles, written for these tests.
PLACES = ("示例市", "东城区", "西城区", "南湖区", "北山县", "临江镇")
TOPICS = (
    "安全生产",
    "春季植树",
    "防汛抗旱",
    "营商环境优化",
    "城乡环境整治",
    "就业创业服务",
    "食品安全检查",
    "老旧小区改造",
    "义务教育招生",
    "医疗保障服务",
)
NEWS_PATTERNS = (
    "{place}召开{topic}工作推进会",
    "{place}部署{topic}重点任务",
    "{place}开展{topic}专项行动",
    "{place}{topic}工作取得阶段性成效",
)
NOTICE_PATTERNS = (
    "关于做好{topic}工作的通知",
    "关于开展{topic}检查的公告",
    "{place}关于{topic}有关事项的通知",
)
PARAGRAPHS = (
    "为进一步做好{topic}工作，{place}认真贯彻落实上级部署，结合本地实际，制定了具体工作方案，明确了责任分工和时间节点。",
    "会议指出，各部门要提高思想认识，压实工作责任，加强协调配合，确保各项任务落到实处、取得实效。",
    "下一步，{place}将持续跟踪工作进展，及时总结经验做法，定期通报工作情况，切实回应群众关切。",
    "联系电话：12345。欢迎社会各界监督。",
)


@dataclass
class Article:
    """One page a column lists."""

    title: str
    published_at: datetime
    path: str = ""
    paragraphs: list[str] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        return f"{self.published_at:%Y-%m-%d}"


@dataclass
class Column:
    slug: str
    name: str
    articles: list[Article]
    layout: str = "list"  # "list": ul/li/span.date; "table": rows of a table; "v2": a redesign
    per_page: int = 20

    @property
    def path(self) -> str:
        return f"/col/{self.slug}/index.html"


@dataclass
class Route:
    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # How many times to answer `fail_status` before answering normally (retry tests).
    fail_times: int = 0
    fail_status: int = 503
    fail_headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True


def make_articles(
    now: datetime,
    count: int,
    *,
    every_days: float = 1.0,
    start_days_ago: float = 0.0,
    kind: str = "news",
    seed: int = 1,
) -> list[Article]:
    """`count` articles, newest first, the newest `start_days_ago` days before `now`."""
    rng = random.Random(seed)
    patterns = NEWS_PATTERNS if kind == "news" else NOTICE_PATTERNS
    articles = []
    for index in range(count):
        when = now - timedelta(days=start_days_ago + index * every_days, hours=rng.randint(0, 6))
        place, topic = rng.choice(PLACES), rng.choice(TOPICS)
        title = rng.choice(patterns).format(place=place, topic=topic)
        body = [p.format(place=place, topic=topic) for p in PARAGRAPHS]
        articles.append(
            Article(title=title, published_at=when.astimezone(SHANGHAI), paragraphs=body)
        )
    return articles


def _page(title: str, body: str, *, charset: str = "utf-8") -> str:
    nav = "".join(
        f'<li><a href="{href}">{name}</a></li>'
        for href, name in (
            ("/", "首页"),
            ("/col/dongtai/index.html", "政务动态"),
            ("/col/tzgg/index.html", "通知公告"),
            ("/col/hudong/index.html", "互动交流"),
        )
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}"><title>{escape(title)}_{SITE_NAME}</title></head>'
        f'<body><div class="header"><div class="logo">{SITE_NAME}</div><ul class="nav">{nav}</ul></div>'
        f'<div class="container">{body}</div>'
        f'<div class="footer"><p>主办：{SITE_NAME}办公室 <a href="/sitemap.html">网站地图</a> <a href="/contact.html">联系我们</a></p>'
        "<p>网站标识码：0000000000 备案号：示ICP备00000000号</p></div></body></html>"
    )


def _list_html(column: Column, articles: list[Article], next_path: str) -> str:
    if column.layout == "v2":
        items = "".join(
            f'<div class="item"><h3><a href="{a.path}">{escape(a.title)}</a></h3><p class="time">发布时间：{a.published_at:%Y年%m月%d日}</p></div>'
            for a in articles
        )
        listing = f'<div class="article-list">{items}</div>'
    elif column.layout == "table":
        rows = "".join(
            f'<tr><td class="title"><a href="{a.path}" title="{escape(a.title)}">{escape(a.title)}</a></td><td class="time">{a.published_at:%Y/%m/%d}</td></tr>'
            for a in articles
        )
        listing = f'<table class="list-table"><tbody>{rows}</tbody></table>'
    else:
        items = "".join(
            f'<li><a href="{a.path}" title="{escape(a.title)}" target="_blank">{escape(a.title)}</a><span class="date">{a.date_text}</span></li>'
            for a in articles
        )
        empty = '<p class="empty">暂无信息</p>' if not articles else ""
        listing = f'<div class="list-box"><ul class="news-list">{items}</ul>{empty}</div>'
    pager = (
        f'<div class="pages"><a class="next" href="{next_path}">下一页</a></div>'
        if next_path
        else ""
    )
    return _page(
        column.name,
        f'<div class="crumb">当前位置：首页 &gt; {column.name}</div><h2 class="column-title">{column.name}</h2>{listing}{pager}',
    )


def _article_html(column: Column, article: Article) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return _page(
        article.title,
        f'<div class="crumb">当前位置：首页 &gt; <a href="{column.path}">{column.name}</a></div>'
        f'<div class="article"><h1>{escape(article.title)}</h1>'
        f'<div class="info">发布时间：{article.published_at:%Y-%m-%d %H:%M} 来源：{SITE_NAME}办公室 <a href="javascript:window.print()">打印</a></div>'
        f'<div class="TRS_Editor">{paragraphs}</div></div>'
        '<div class="related"><h4>相关链接</h4><ul><li><a href="/">国务院</a></li><li><a href="/">省政府</a></li></ul></div>',
    ).replace(
        "<head>",
        f'<head><meta name="PubDate" content="{article.published_at:%Y-%m-%d %H:%M}"><meta name="ArticleTitle" content="{escape(article.title)}">',
        1,
    )


def rss_xml(title: str, link: str, articles: list[Article], base: str = "") -> str:
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base}{a.path}</link><guid>{base}{a.path}</guid>"
        f"<pubDate>{format_datetime(a.published_at)}</pubDate><description>{escape(a.paragraphs[0] if a.paragraphs else '')}</description></item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{link}</link><description>{escape(title)}</description>{items}</channel></rss>"
    )


class FakeSite:
    """A website's routes; ``serve`` puts it on loopback."""

    def __init__(self, now: datetime | None = None, *, delay: float = 0.0) -> None:
        self.now = now or datetime.now(SHANGHAI)
        self.delay = delay  # added to every route: a slow site
        self.routes: dict[str, Route] = {}
        self.columns: dict[str, Column] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, lower-cased headers)
        self.base_url = ""  # set by serve()
        self.lock = threading.Lock()

    # --- building ---------------------------------------------------------------

    def route(
        self, path: str, body: str | bytes | Callable[[], Iterable[bytes]] = b"", **kwargs: Any
    ) -> Route:
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = kwargs.pop("headers", None) or {"Content-Type": "text/html; charset=utf-8"}
        route = Route(body=body, headers=headers, **kwargs)
        self.routes[path] = route
        return route

    def add_column(
        self,
        slug: str,
        name: str,
        articles: list[Article],
        *,
        layout: str = "list",
        per_page: int = 20,
    ) -> Column:
        column = Column(slug, name, articles, layout, per_page)
        for number, article in enumerate(articles):
            article.path = (
                article.path
                or f"/col/{slug}/{article.published_at:%Y%m}/t{article.published_at:%Y%m%d}_{number + 1}.html"
            )
        self.columns[slug] = column
        self._build_column(column)
        self._build_home()
        return column

    def set_layout(self, slug: str, layout: str) -> None:
        column = self.columns[slug]
        column.layout = layout
        self._build_column(column)

    def _build_column(self, column: Column) -> None:
        pages = [
            column.articles[i : i + column.per_page]
            for i in range(0, len(column.articles), column.per_page)
        ] or [[]]
        for number, articles in enumerate(pages):
            path = column.path if number == 0 else f"/col/{column.slug}/index_{number}.html"
            next_path = (
                f"/col/{column.slug}/index_{number + 1}.html" if number + 1 < len(pages) else ""
            )
            self.route(path, _list_html(column, articles, next_path))
        for article in column.articles:
            self.route(article.path, _article_html(column, article))

    def _build_home(self) -> None:
        blocks = []
        for column in self.columns.values():
            items = "".join(
                f'<li><a href="{a.path}">{escape(a.title)}</a><span>{a.published_at:%m-%d}</span></li>'
                for a in column.articles[:6]
            )
            blocks.append(
                f'<div class="block"><h3><a href="{column.path}">{column.name}</a></h3><ul>{items}</ul></div>'
            )
        self.route("/", _page("首页", "".join(blocks)))

    def add_feed(self, slug: str, path: str = "/rss.xml") -> None:
        column = self.columns[slug]
        # The base address is known only once served: the feed is rendered per request.
        self.route(
            path,
            lambda: [
                rss_xml(
                    column.name, self.base_url + column.path, column.articles[:20], self.base_url
                ).encode()
            ],
            headers={"Content-Type": "application/rss+xml; charset=utf-8"},
        )

    # --- faults -----------------------------------------------------------------

    def add_big_page(
        self, path: str = "/big.html", megabytes: int = 30, *, declare_length: bool = False
    ) -> None:
        """A page of `megabytes` MB streamed in 64 KB chunks (without Content-Length unless asked)."""
        chunk = ("<p>" + "示例文字" * 5000 + "</p>").encode()[: 64 * 1024]
        count = megabytes * 1024 * 1024 // len(chunk)

        def body() -> Iterator[bytes]:
            yield b"<html><body>"
            for _ in range(count):
                yield chunk

        headers = {"Content-Type": "text/html; charset=utf-8"}
        if declare_length:
            headers["Content-Length"] = str(len(b"<html><body>") + count * len(chunk))
        self.route(path, body, headers=headers, etag=False)

    def add_redirect_loop(self, path: str = "/loop/a", other: str = "/loop/b") -> None:
        self.route(path, status=302, headers={"Location": other})
        self.route(other, status=302, headers={"Location": path})

    def add_gbk_page(
        self, path: str = "/gbk.html", html: str = "", *, header_charset: bool = False
    ) -> str:
        html = html or _page(
            "政务动态",
            '<ul class="news-list"><li><a href="/a.html">关于做好镕铖堃垚工作的通知</a><span class="date">2026-03-01</span></li></ul>',
            charset="gbk",
        )
        content_type = "text/html; charset=GBK" if header_charset else "text/html"
        self.route(path, html.encode("gbk"), headers={"Content-Type": content_type})
        return html

    # --- serving ----------------------------------------------------------------

    def answer(
        self, path: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Iterable[bytes], float]:
        with self.lock:
            self.hits[path] += 1
            self.requests.append((path, headers))
            route = self.routes.get(path)
            if route is None:
                return (
                    404,
                    {"Content-Type": "text/html; charset=utf-8"},
                    [_page("页面不存在", "<p>您访问的页面不存在。</p>").encode()],
                    self.delay,
                )
            if route.fail_times > 0:
                route.fail_times -= 1
                return (
                    route.fail_status,
                    dict(route.fail_headers),
                    [b"busy"],
                    self.delay + route.delay,
                )
        body = route.body() if callable(route.body) else [route.body]
        out = dict(route.headers)
        if route.etag and route.status == 200:
            chunks = list(body)
            tag = '"' + hashlib.sha256(b"".join(chunks)).hexdigest()[:16] + '"'
            out["ETag"] = tag
            if headers.get("if-none-match") == tag:
                return 304, {"ETag": tag}, [], self.delay + route.delay
            body = chunks
            out["Content-Length"] = str(sum(len(c) for c in chunks))
        return route.status, out, body, self.delay + route.delay


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        site = self.server.site
        path = urlsplit(self.path).path
        status, headers, body, delay = site.answer(
            path, {k.lower(): v for k, v in self.headers.items()}
        )
        if delay and self.server.closing.wait(delay):
            return
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            for chunk in body:
                if self.server.closing.is_set():
                    return
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader stopped reading (a size cap): that is the point

    do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FakeSite
    closing: threading.Event


@contextmanager
def serve(site: FakeSite) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 (a free port); yields its base address."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = site
    server.closing = threading.Event()
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield site.base_url
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the sites of the inspection issue ----------------------------------------

COLUMN_CONFIG: dict[str, Any] = {
    "list": "ul.news-list",
    "item": "ul.news-list > li",
    "title": "a",
    "link": "a",
    "date": "span.date",
}


def healthy_site(now: datetime | None = None) -> FakeSite:
    """动态 updated daily (40 entries, two pages), 通知公告 every 10 days, an RSS feed of 动态."""
    site = FakeSite(now)
    site.add_column("dongtai", "政务动态", make_articles(site.now, 40, every_days=1, seed=1))
    site.add_column(
        "tzgg",
        "通知公告",
        make_articles(site.now, 12, every_days=10, start_days_ago=2, kind="notice", seed=2),
    )
    site.add_feed("dongtai")
    return site


def stale_site(now: datetime | None = None) -> FakeSite:
    """Columns whose last entries are months old: 动态 4 months, 通知公告 8 months."""
    site = FakeSite(now)
    site.add_column(
        "dongtai", "政务动态", make_articles(site.now, 15, every_days=3, start_days_ago=120, seed=3)
    )
    site.add_column(
        "tzgg",
        "通知公告",
        make_articles(site.now, 5, every_days=30, start_days_ago=240, kind="notice", seed=4),
    )
    site.add_feed("dongtai")
    return site


def blank_site(now: datetime | None = None) -> FakeSite:
    """A healthy 动态 beside a 互动交流 column that has never had an entry."""
    site = FakeSite(now)
    site.add_column("dongtai", "政务动态", make_articles(site.now, 10, every_days=1, seed=5))
    site.add_column("hudong", "互动交流", [])
    return site


def slow_site(delay: float, now: datetime | None = None) -> FakeSite:
    """Every page answers after `delay` seconds (a site that times out)."""
    site = healthy_site(now)
    site.delay = delay
    return site


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    """(result, seconds) of calling `func`."""
    started = time.monotonic()
    result = func()
    return result, time.monotonic() - started
