"""Link checks against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from govmedia.checks.engine import Engine
from govmedia.checks.rules.links import LinkChecker, find_text_links, host_forbidden


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def _answer(self, body: bool) -> None:
        Handler.hits.append(f"{self.command} {self.path}")
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        status = {"/ok": 200, "/gone": 404, "/error": 500, "/nohead": 200}.get(self.path, 200)
        if self.path == "/nohead" and self.command == "HEAD":
            status = 405
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(True)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    Handler.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_it_reports_broken_links_and_accepts_working_ones(server):
    engine = Engine(link_checker=LinkChecker(timeout=2))
    text = f"见 {server}/ok 和 {server}/gone 以及 {server}/error ，还有 {server}/moved 与 {server}/nohead 。"
    report = engine.check(text)
    broken = {
        f.text.rsplit("/", 1)[1]: f.suggestion for f in report.findings if f.rule == "link:broken"
    }
    assert set(broken) == {"gone", "error"}
    assert "HTTP 404" in broken["gone"]
    assert not report.has_blocking


def test_it_times_out_slow_links(server):
    engine = Engine(link_checker=LinkChecker(timeout=0.2))
    (finding,) = engine.check(f"{server}/slow").findings
    assert "timeout" in finding.suggestion


def test_it_reports_connection_failures():
    engine = Engine(link_checker=LinkChecker(timeout=1))
    (finding,) = engine.check("http://127.0.0.1:9/nothing-listens-here").findings
    assert finding.rule == "link:broken"


def test_it_caches_results(server):
    checker = LinkChecker(timeout=2)
    engine = Engine(link_checker=checker)
    engine.check(f"{server}/gone")
    engine.check(f"{server}/gone")
    assert Handler.hits.count("HEAD /gone") == 1


def test_it_checks_links_concurrently(server):
    checker = LinkChecker(timeout=3, concurrency=4)
    started = time.monotonic()
    checker.check([f"{server}/slow{i}" for i in range(4)])
    assert time.monotonic() - started < 3.0  # four 1-second answers, overlapped


def test_it_blocks_forbidden_hosts_without_any_network_use():
    engine = Engine(forbidden_hosts=["bad.example"])
    html = '<p>点<a href="https://www.bad.example/x">这里</a>，或 http://good.example/ 。</p>'
    (finding,) = engine.check(html, html=True).findings
    assert (finding.rule, finding.severity, finding.text) == (
        "link:forbidden-host",
        "blocking",
        "这里",
    )
    assert (
        finding.reason
        == "链接的网站“www.bad.example”在禁止链接的网站名单中（名单条目：bad.example）"
    )


def test_it_does_not_fetch_anything_when_link_checking_is_off(server):
    Engine().check(f"{server}/gone")
    assert Handler.hits == []


def test_it_finds_links_in_chinese_text_without_the_trailing_punctuation():
    (link,) = find_text_links("详见https://www.gov.cn/zhengce/。谢谢")
    assert link.url == "https://www.gov.cn/zhengce/"
    assert host_forbidden("a.b.example", ["b.example"]) == "b.example"
    assert host_forbidden("notb.example", ["b.example"]) is None
