"""What the channel clients share about HTTP: one TLS context per process, Retry-After.

No Django here (import-linter contract "framework-free").
"""

from __future__ import annotations

import functools
import ssl
import time
from email.utils import parsedate_to_datetime

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS context every channel request verifies with, made once per process.

    httpx builds a new one (loading the CA bundle, about 30 ms) for every
    `httpx.post` and every `httpx.Client` not given one: the benchmark of the
    channels' fan-out spent more time there than in its WeChat requests.
    An SSLContext is safe to share between threads and connections.
    """
    return httpx.create_ssl_context()


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """A Retry-After value (seconds, or an HTTP date) as seconds from now; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def transport_failure(exc: httpx.HTTPError) -> str:
    """A failed request as an editor reads it on the item's page, in Chinese.

    The exception's English text (errno, host) is for the log, where the
    callers also put it; the page says what happened in words.
    """
    if isinstance(exc, httpx.TimeoutException):
        return "网络超时，对方未在规定时间内应答"
    if isinstance(exc, httpx.ConnectError):
        return "无法连接到接口地址：对方拒绝连接或地址不可达"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "连接被对方中断"
    return "网络错误"
