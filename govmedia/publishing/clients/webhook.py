"""A signed JSON push to a receiver we do not run (政务APP, 头条号 gateway, a provincial platform).

The contract, written out for receivers in docs/channel-webhook.md:

- `POST <url>` with a JSON body (UTF-8) and the headers
  `X-Govmedia-Event` (published, corrected, withdrawn),
  `X-Govmedia-Timestamp` (Unix seconds),
  `X-Govmedia-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed by the shared secret>`,
  `Idempotency-Key` (one per delivery and event; the same on every retry).
- 2xx: received; the body may be JSON `{"id": …, "url": …}`, the receiver's
  id and public address of the item, kept as the receipt.
- 409: received before under that idempotency key: success, with the same
  optional `{"id", "url"}`.
- 5xx, a timeout or a connection error: retried here with back-off (the
  idempotency key makes that safe), then reported as `WebhookUnavailable`.
- 429: `WebhookRateLimited`, with the seconds of its Retry-After header when
  it has one; not retried here (the delivery waits that long).
- any other 4xx: `WebhookError`, not retried here (the signature, the URL or
  the payload is wrong: a person must look).
- a 2xx (or 409) whose body is neither empty nor a JSON object (an HTML page
  from a proxy in front of the receiver, a cut-off body): `WebhookMalformed`,
  never taken as received; the retry carries the same key, so a receiver
  that did store it answers 409.

No Django here (import-linter contract "framework-free").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from govmedia.publishing.clients.transport import (
    retry_after_seconds,
    tls_context,
    transport_failure,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Govmedia-Signature"
TIMESTAMP_HEADER = "X-Govmedia-Timestamp"
EVENT_HEADER = "X-Govmedia-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENTS = ("published", "corrected", "withdrawn")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    given: str,
    *,
    now: float | None = None,
    tolerance: float = 300.0,
) -> bool:
    """What a receiver checks: the signature, in constant time, and a fresh timestamp."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(signature(secret, timestamp, body), given)


class WebhookError(Exception):
    """The receiver refused the push (4xx other than 409)."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class WebhookUnavailable(WebhookError):
    """5xx, timeouts, connection errors: still failing after the retries."""


class WebhookRateLimited(WebhookError):
    """429 Too Many Requests; `retry_after` in seconds when the receiver said."""

    def __init__(self, status: int, detail: str, retry_after: float | None = None):
        super().__init__(status, detail)
        self.retry_after = retry_after


class WebhookMalformed(WebhookError):
    """A success status whose body is not the contract's (empty or a JSON object)."""


@dataclass(frozen=True)
class WebhookReceipt:
    id: str = ""
    url: str = ""
    duplicate: bool = False  # the receiver had it already (409)


class WebhookClient:
    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.clock = clock

    def send(self, event: str, payload: dict[str, Any], *, idempotency_key: str) -> WebhookReceipt:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        attempt = 0
        while True:
            # Signed again on each try: the timestamp must stay fresh.
            timestamp = str(int(self.clock()))
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                EVENT_HEADER: event,
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: signature(self.secret, timestamp, body),
                IDEMPOTENCY_HEADER: idempotency_key,
            }
            try:
                response = httpx.post(
                    self.url,
                    content=body,
                    headers=headers,
                    timeout=self.timeout,
                    verify=tls_context(),
                )
            except httpx.HTTPError as exc:
                logger.warning("webhook push failed: %s: %s", type(exc).__name__, exc)
                error: WebhookError = WebhookUnavailable(0, transport_failure(exc))
            else:
                if response.status_code < 300 or response.status_code == 409:
                    return self._receipt(response)
                if response.status_code == 429:
                    raise WebhookRateLimited(
                        429,
                        response.text[:200],
                        retry_after_seconds(response.headers.get("Retry-After")),
                    )
                if response.status_code < 500:
                    raise WebhookError(response.status_code, response.text[:200])
                error = WebhookUnavailable(response.status_code, response.text[:200])
            if attempt >= self.retries:
                raise error
            self.sleep(self.backoff * 2**attempt)
            attempt += 1

    @staticmethod
    def _receipt(response: httpx.Response) -> WebhookReceipt:
        duplicate = response.status_code == 409
        if not response.content.strip():
            return WebhookReceipt(duplicate=duplicate)  # the body is optional
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # Not what a receiver of the contract answers: perhaps a proxy's page. Never "received".
            raise WebhookMalformed(
                response.status_code, f"not the contract's JSON: {response.text[:120]!r}"
            )
        return WebhookReceipt(
            id=str(body.get("id") or ""), url=str(body.get("url") or ""), duplicate=duplicate
        )
