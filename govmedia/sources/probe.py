"""The availability probe, as 《政府网站与政务新媒体检查指标》 defines availability.

The indicators count a website as unavailable when its home page does not
open within 15 seconds, checked at least 20 times a day; unavailable on 5% or
more of the checks over a week is a single veto. A probe is one GET of the
source's address: available when the final answer (after redirects) is 2xx
or 3xx and came within the time-out. Only the first 64 KB are read: the probe
asks whether the site answers, not what it says. No Django here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from govmedia.sources.fetch import PoliteFetcher
from govmedia.sources.readers.base import ReadError

PROBE_TIMEOUT = 15.0  # seconds: 《检查指标》“首页打开时间超过15秒”


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    status_code: int | None
    elapsed_ms: int
    error: str  # Chinese, for the admin; "" when ok


def probe(url: str, fetcher: PoliteFetcher, *, timeout: float = PROBE_TIMEOUT) -> ProbeResult:
    """GET `url` once through `fetcher` (whose time-out should be `timeout`)."""
    started = time.monotonic()
    try:
        fetched = fetcher.get(url, peek=True)
    except ReadError as exc:
        return ProbeResult(False, None, int((time.monotonic() - started) * 1000), exc.message_zh)
    elapsed = int((time.monotonic() - started) * 1000)
    if fetched.status >= 400:
        return ProbeResult(False, fetched.status, elapsed, f"网站返回错误 {fetched.status}")
    if elapsed > timeout * 1000:
        return ProbeResult(False, fetched.status, elapsed, f"打开用时超过 {timeout:g} 秒")
    return ProbeResult(True, fetched.status, elapsed, "")
