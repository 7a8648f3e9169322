"""A client of the Weibo open API (微博开放平台), written to its public documentation.

The methods used and where each is documented (open.weibo.com/wiki/…):

- `statuses/share` (2/statuses/share): POST, form-encoded, or multipart/form-data
  when a picture (`pic`, JPEG/GIF/PNG under 5 MB) goes with it. The text may
  be at most 140 汉字 and must contain at least one link inside the app's safe
  domain (应用信息 → 安全域名); it must not contain a #话题#.
- `statuses/destroy` (2/statuses/destroy): POST `id`; deletes one of the
  account's posts.
- `statuses/user_timeline` (2/statuses/user_timeline): GET the authorised
  account's latest posts, newest first, `count` up to 100 a page.
- `statuses/count` (2/statuses/count): GET comments, reposts and attitudes of
  up to 100 posts (`ids` comma-separated).
- `users/show` (2/users/show): GET an account's profile (followers_count,
  friends_count, statuses_count …).

Errors (Error_code): every failure is JSON `{"error", "error_code", "request"}`
whatever the HTTP status. Codes starting with 1 are system errors, with 2
service errors. The ones this client tells apart:

- 10022 / 10023 / 10024: the IP's, the user's, or one API's (for posting:
  30 a user an hour on normal access) hourly quota is used up
  (`WeiboRateLimited`). Not retried inside the call: the window is an hour,
  so the delivery is retried later with its back-off.
- 21327 expired_token, 21332 invalid access token, and the other OAuth token
  codes (21314–21319, 21301): `WeiboTokenError`. Weibo's web apps get no
  refresh token: a person must authorise the account again.
- 20019 (and 20017), repeated content ("相同内容请间隔再进行发布"):
  `WeiboRepeatedContent`. It may mean our own earlier attempt went out:
  the caller looks for the post before doing anything else.
- 20101, target post does not exist: `WeiboNotFound` (a deletion that has
  already happened).
- 10001–10003, 10009–10011 and HTTP 5xx, timeouts, connection errors, and an
  answer that is not the JSON the documentation describes
  (`WeiboMalformedAnswer`): transient. Reads (GET) are retried here a few
  times with a short back-off; a POST is never repeated here, since Weibo may
  have acted on it: the caller asks the timeline first.

No Django here (import-linter contract "framework-free").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from govmedia.publishing.clients.transport import (
    retry_after_seconds,
    tls_context,
    transport_failure,
)

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weibo.com"
# statuses/share: "内容不超过140个汉字" (open.weibo.com/wiki/2/statuses/share).
# Settings: GOVMEDIA_WEIBO_TEXT_LIMIT.
DEFAULT_TEXT_LIMIT = 140
# statuses/share: pictures "上传图片大小限制为<5M".
PIC_MAX_BYTES = 5 * 1024 * 1024
# statuses/user_timeline and statuses/count: at most 100 a page / a call.
PAGE_MAX = 100

RATE_LIMIT_CODES = {10022: "IP", 10023: "用户", 10024: "接口", 429: "请求"}
TOKEN_CODES = {21301, 21314, 21315, 21316, 21317, 21319, 21327, 21332}
REPEATED_CODES = {20017, 20019}
NOT_FOUND_CODES = {20101}
TRANSIENT_CODES = {10001, 10002, 10003, 10009, 10010, 10011}


class WeiboError(Exception):
    """An error answer of the Weibo API: `error_code` and `error` as Weibo sent them."""

    retryable = False

    def __init__(self, error_code: int, error: str, *, request: str = ""):
        super().__init__(f"{error_code} {error}")
        self.error_code = error_code
        self.error = error
        self.request = request


class WeiboRateLimited(WeiboError):
    """Over an hourly rate limit (10022/10023/10024, or HTTP 429 from a gateway).

    `retry_after`: seconds from the answer's Retry-After header, when it has one.
    """

    retryable = True
    retry_after: float | None = None

    @property
    def scope(self) -> str:
        return RATE_LIMIT_CODES.get(self.error_code, "")


class WeiboTokenError(WeiboError):
    """The access token expired or is invalid: a person must authorise the account again."""


class WeiboRepeatedContent(WeiboError):
    """Weibo refused the text as a repeat: perhaps our own earlier attempt went out."""


class WeiboNotFound(WeiboError):
    pass


class WeiboUnavailable(WeiboError):
    """Weibo could not be reached or answered 5xx or a system error: try again later."""

    retryable = True


class WeiboMalformedAnswer(WeiboUnavailable):
    """The answer was not the JSON the documentation describes (never taken as success)."""


def error_for(error_code: int, error: str, request: str = "") -> WeiboError:
    if error_code in RATE_LIMIT_CODES:
        kind: type[WeiboError] = WeiboRateLimited
    elif error_code in TOKEN_CODES:
        kind = WeiboTokenError
    elif error_code in REPEATED_CODES:
        kind = WeiboRepeatedContent
    elif error_code in NOT_FOUND_CODES:
        kind = WeiboNotFound
    elif error_code in TRANSIENT_CODES:
        kind = WeiboUnavailable
    else:
        kind = WeiboError
    return kind(error_code, error, request=request)


def parse_created_at(value: str) -> datetime | None:
    """Weibo's `created_at`, e.g. "Tue May 31 17:46:55 +0800 2011"."""
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    except (TypeError, ValueError):
        return None


def text_weight(text: str) -> float:
    """The length Weibo counts, in 汉字: a half-width (ASCII) character counts half.

    Links are counted at their full length, although Weibo shortens them to
    t.cn links: never over the limit, at the price of a few characters.
    """
    return sum(0.5 if ord(ch) < 0x80 else 1.0 for ch in text)


class WeiboClient:
    def __init__(
        self,
        access_token: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: float = 10.0,
        read_retries: int = 2,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.access_token = access_token
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout
        self.read_retries = read_retries
        self.backoff = backoff
        self.sleep = sleep

    # Transport.

    def _url(self, method: str) -> str:
        return f"{self.api_base}/2/{method}.json"

    def _decode(self, method: str, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and "error_code" in body:
            try:
                code = int(body["error_code"])
            except (TypeError, ValueError):
                code = 0
            error = error_for(code, str(body.get("error", "")), str(body.get("request", "")))
            if isinstance(error, WeiboRateLimited):
                error.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise error
        if response.status_code == 429:
            # A gateway's "Too Many Requests" without Weibo's JSON: a rate limit all the same.
            limited = WeiboRateLimited(429, "HTTP 429 Too Many Requests")
            limited.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise limited
        if response.status_code >= 500:
            raise WeiboUnavailable(response.status_code, f"HTTP {response.status_code}")
        if body is None or response.status_code >= 400:
            raise WeiboMalformedAnswer(
                0, f"HTTP {response.status_code}, not the documented JSON: {response.text[:120]!r}"
            )
        return body

    def _get(self, method: str, params: dict[str, Any]) -> Any:
        query = {"access_token": self.access_token, **params}
        attempt = 0
        while True:
            try:
                response = httpx.get(
                    self._url(method), params=query, timeout=self.timeout, verify=tls_context()
                )
                return self._decode(method, response)
            except httpx.HTTPError as exc:
                logger.warning("Weibo %s failed: %s: %s", method, type(exc).__name__, exc)
                error: WeiboError = WeiboUnavailable(0, transport_failure(exc))
            except WeiboUnavailable as exc:
                error = exc
            # A read changes nothing at Weibo: a few quick tries before giving up.
            if attempt >= self.read_retries:
                raise error
            self.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _post(self, method: str, data: dict[str, Any], files: dict | None = None) -> Any:
        # Never repeated here: Weibo may have acted on a request whose answer was lost.
        try:
            response = httpx.post(
                self._url(method),
                data={"access_token": self.access_token, **data},
                files=files,
                timeout=self.timeout,
                verify=tls_context(),
            )
        except httpx.HTTPError as exc:
            logger.warning("Weibo %s failed: %s: %s", method, type(exc).__name__, exc)
            raise WeiboUnavailable(0, transport_failure(exc)) from exc
        return self._decode(method, response)

    @staticmethod
    def _status(body: Any) -> dict:
        if not isinstance(body, dict) or not (body.get("idstr") or body.get("id")):
            raise WeiboMalformedAnswer(0, f"no post id in the answer: {str(body)[:120]!r}")
        body.setdefault("idstr", str(body["id"]))
        return body

    # Posting.

    def share(
        self,
        status: str,
        *,
        pic: bytes | None = None,
        pic_name: str = "image.jpg",
        pic_type: str = "image/jpeg",
        rip: str = "",
    ) -> dict:
        """Post `status` (with a picture if given); returns the new post (`idstr`, `created_at` …)."""
        data: dict[str, Any] = {"status": status}
        if rip:
            data["rip"] = rip
        files = {"pic": (pic_name, pic, pic_type)} if pic else None
        return self._status(self._post("statuses/share", data, files))

    def destroy(self, id: str) -> dict:
        """Delete the post `id`; raises `WeiboNotFound` when it is already gone."""
        return self._status(self._post("statuses/destroy", {"id": id}))

    def user_timeline(self, *, count: int = PAGE_MAX, page: int = 1, since_id: str = "") -> list:
        """The authorised account's latest posts, newest first."""
        params: dict[str, Any] = {"count": min(count, PAGE_MAX), "page": page, "trim_user": 1}
        if since_id:
            params["since_id"] = since_id
        body = self._get("statuses/user_timeline", params)
        statuses = body.get("statuses") if isinstance(body, dict) else None
        if not isinstance(statuses, list):
            raise WeiboMalformedAnswer(0, "user_timeline answer has no list of statuses")
        return statuses

    # Statistics.

    def counts(self, ids: list[str]) -> list[dict]:
        """statuses/count: [{"id", "comments", "reposts", "attitudes"}] for up to 100 posts a call."""
        result: list[dict] = []
        for start in range(0, len(ids), PAGE_MAX):
            chunk = ids[start : start + PAGE_MAX]
            body = self._get("statuses/count", {"ids": ",".join(chunk)})
            if not isinstance(body, list):
                raise WeiboMalformedAnswer(0, "statuses/count answer is not a list")
            for row in body:
                result.append(
                    {
                        "id": str(row.get("id", "")),
                        "comments": int(row.get("comments", 0)),
                        "reposts": int(row.get("reposts", 0)),
                        "attitudes": int(row.get("attitudes", 0)),
                    }
                )
        return result

    def user_show(self, uid: str) -> dict:
        """users/show: the account's profile (followers_count, statuses_count …)."""
        body = self._get("users/show", {"uid": uid})
        if not isinstance(body, dict) or "followers_count" not in body:
            raise WeiboMalformedAnswer(0, "users/show answer has no followers_count")
        return body
