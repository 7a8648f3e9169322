"""A small JSON/HTTP server on loopback, the base of the channels' fake servers.

A fake registers handlers per (method, path); each handler receives a
`FakeRequest` and returns `(status, body)` where body is a dict (sent as
JSON) or bytes, or `(status, body, headers)` to add response headers
(Retry-After). Every request is recorded in `server.requests`, so a test
can assert what a channel was sent and how often. `serve()` runs it in a
daemon thread until the context exits; `start()`/`stop()` do the same for a
long-running process (the demo city).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


Handler = Callable[[FakeRequest], tuple]


@dataclass
class FakeServer:
    host: str = "127.0.0.1"
    port: int = 0
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[FakeRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    @property
    def url(self) -> str:
        assert self._httpd is not None, "the fake server is not started"
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def calls(self, path: str) -> list[FakeRequest]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> str:
        fake = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The headers and the body go out as two writes; with Nagle's
            # algorithm the body waits for the client's delayed ACK of the
            # headers, about 40 ms a request on Linux loopback.
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = FakeRequest(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                with fake.lock:
                    fake.requests.append(request)
                handler = fake.routes.get((self.command, parts.path))
                body: dict[str, Any] | bytes
                extra: dict[str, str] = {}
                if handler is None:
                    status, body = 404, {"error": f"no route {self.command} {parts.path}"}
                else:
                    status, body, *more = handler(request)
                    extra = more[0] if more else {}
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                kind = "application/octet-stream" if isinstance(body, bytes) else "application/json"
                self.send_header("Content-Type", kind)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer((self.host, self.port), RequestHandler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @contextmanager
    def serve(self) -> Iterator[FakeServer]:
        self.start()
        try:
            yield self
        finally:
            self.stop()
