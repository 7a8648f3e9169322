"""A receiver of our webhook pushes on loopback, as a 政务APP team would write it.

It does what docs/channel-webhook.md asks of a receiver: checks the signature
and the timestamp (401 otherwise), stores each event once per idempotency
key, and answers a key it has seen with 409 and the same id. A test can make
it fail the next requests with a 5xx.

    python -m govmedia.publishing.clients.fake_webhook --port 8766 --secret s3cret

No Django here (import-linter contract "framework-free").
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from govmedia.publishing.clients.fakeserver import FakeRequest, FakeServer
from govmedia.publishing.clients.webhook import (
    EVENT_HEADER,
    EVENTS,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)

PATH = "/govmedia/push"


@dataclass
class FakeWebhook:
    secret: str = "webhook-secret"
    server: FakeServer = field(default_factory=FakeServer)
    # idempotency key -> the stored event
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Pushes that arrived again under a key already stored (answered 409).
    redeliveries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _failures: list[tuple[int, int | None]] = field(default_factory=list)
    _garbled: int = 0

    def __post_init__(self) -> None:
        self.server.route("POST", PATH, self._receive)

    @property
    def url(self) -> str:
        return self.server.url + PATH

    def fail_next(self, times: int = 1, status: int = 503, retry_after: int | None = None) -> None:
        """The next `times` pushes are answered `status` (429 with `Retry-After` when given)."""
        self._failures.extend([(status, retry_after)] * times)

    def garble_next(self, times: int = 1) -> None:
        """The next `times` pushes are stored but answered 200 with an HTML page (a proxy's)."""
        self._garbled += times

    def events(self, event: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.received.values() if event is None or e["event"] == event]

    def duplicates(self) -> int:
        """Items stored twice for one event (two keys, one item version): should be 0."""
        seen: set[tuple[str, str, str]] = set()
        dupes = 0
        for stored in self.events():
            key = (
                stored["event"],
                stored["payload"].get("url", ""),
                stored["payload"].get("version", ""),
            )
            dupes += key in seen
            seen.add(key)
        return dupes

    def _receive(self, request: FakeRequest):
        with self.lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            status, retry_after = failure
            if status == 429:
                headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
                return 429, {"error": "too many requests"}, headers
            return status, {"error": "temporarily unavailable"}
        headers = request.headers
        timestamp = headers.get(TIMESTAMP_HEADER.lower(), "")
        given = headers.get(SIGNATURE_HEADER.lower(), "")
        if not verify(self.secret, timestamp, request.body, given):
            return 401, {"error": "bad signature or stale timestamp"}
        key = headers.get(IDEMPOTENCY_HEADER.lower(), "")
        event = headers.get(EVENT_HEADER.lower(), "")
        if not key or event not in EVENTS:
            return 400, {"error": "missing idempotency key or unknown event"}
        try:
            payload = json.loads(request.body)
        except ValueError:
            return 400, {"error": "body is not JSON"}
        with self.lock:
            stored = self.received.get(key)
            if stored is not None:
                self.redeliveries += 1
                return 409, {"id": stored["id"], "url": stored["url"]}
            number = next(self._ids)
            stored = {
                "id": f"app-{number}",
                "url": f"https://app.example.gov.cn/news/{number}",
                "event": event,
                "payload": payload,
            }
            self.received[key] = stored
            garbled = self._garbled > 0
            self._garbled -= garbled
        if garbled:
            return 200, b"<html><body>Gateway notice</body></html>"
        return 200, {"id": stored["id"], "url": stored["url"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A receiver of govmedia's webhook pushes.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", default="webhook-secret")
    args = parser.parse_args(argv)
    fake = FakeWebhook(secret=args.secret)
    fake.server.host, fake.server.port = args.host, args.port
    fake.server.start()
    print(f"fake webhook receiver ready at {fake.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.server.stop()


if __name__ == "__main__":
    main()
