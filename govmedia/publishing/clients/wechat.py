"""A client of the WeChat Official Accounts platform (微信公众平台) server API.

Written to the platform's public documentation (docs/channel-wechat.md names
the pages): the access token, images for article bodies, permanent material
for the cover, the draft box (草稿箱), publishing (发布能力) and the
statistics (数据统计, datacube).

How the platform answers, and what this client makes of it:

- Every answer is HTTP 200 with JSON; a failure carries `errcode` (non-zero)
  and `errmsg`. `WeChatError` keeps both, the Chinese meaning where the
  documentation gives one, and whether trying again later can help
  (`retryable`). An answer that is not JSON, lacks the fields the call
  promises, or an HTTP status other than 200 (a gateway's HTML page) is a
  `WeChatBadAnswer`; a timeout or a refused connection a `WeChatUnreachable`;
  both retryable.
- The access token is fetched once and kept in a `TokenStore` until
  `expires_in` minus a margin. An answer 40001/40014/42001 (the token is
  invalid or expired) drops it, fetches a new one and repeats the call once.
  By default the token comes from the stable-token endpoint
  (`POST /cgi-bin/stable_token`, 获取稳定版接口调用凭据): every process that asks
  in its normal mode gets the same token, so two workers never invalidate each
  other's, which the classic `GET /cgi-bin/token` does.
- -1 (系统繁忙) and 45009 (接口调用超过限制) are retried here a few times with
  a growing pause, but only for calls that are safe to repeat (uploads,
  queries, deletion). Creating a draft and submitting it are never repeated by
  the client: their failure goes up, and the publisher asks the platform what
  happened before it does anything again. 45009 with "daily quota" in its
  message is the day's quota: waiting seconds cannot help, so it goes up at once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

import httpx

from govmedia.publishing.clients.transport import tls_context, transport_failure

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com"

# The meanings the platform's documentation gives (全局返回码说明 and the
# error tables of the pages used here), shown to editors beside the code.
ERROR_MEANINGS: dict[int, str] = {
    -1: "系统繁忙，请稍候再试",
    40001: "access_token 无效或不是最新（获取时 AppSecret 错误，或该凭证已被刷新）",
    40002: "不合法的凭证类型",
    40004: "不合法的媒体文件类型",
    40005: "上传素材文件格式不对",
    40006: "不合法的文件大小",
    40007: "不合法的媒体文件 id",
    40009: "图片尺寸太大",
    40013: "不合法的 AppID",
    40014: "不合法的 access_token",
    40125: "无效的 AppSecret",
    40164: "调用接口的 IP 地址不在公众号的 IP 白名单中",
    41001: "缺少 access_token 参数",
    42001: "access_token 已过期",
    43002: "需要 POST 请求",
    44002: "POST 的数据包为空",
    45009: "接口调用超过限制",
    45166: "内容不合法",
    47001: "数据格式错误",
    48001: "接口功能未授权（请确认公众号已获得该接口权限）",
    50001: "用户未授权该接口",
    53600: "Article ID 无效",
    61500: "日期格式错误",
    61501: "日期范围错误",
}

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
BUSY = -1
RATE_LIMITED = 45009

# freepublish/get's publish_status (发布状态轮询接口).
PUBLISH_STATUS = {
    0: "发布成功",
    1: "发布中",
    2: "原创声明失败",
    3: "常规失败",
    4: "平台审核不通过",
    5: "发布成功后已被公众号删除",
    6: "发布成功后已被平台封禁",
}
PUBLISHED, PUBLISHING = 0, 1


class WeChatError(Exception):
    """The platform refused a call (errcode/errmsg), or its answer could not be used."""

    retryable = False

    def __init__(self, errcode: int | None, errmsg: str):
        self.errcode = errcode
        self.errmsg = errmsg
        self.meaning = ERROR_MEANINGS.get(errcode, "") if errcode is not None else ""
        super().__init__(self.describe())

    def describe(self) -> str:
        meaning = f"{self.meaning}（{self.errmsg}）" if self.meaning else self.errmsg
        return f"微信接口错误 {self.errcode}：{meaning}"


class WeChatTokenError(WeChatError):
    """The token was refused again after a fresh one was fetched."""

    retryable = True


class WeChatBusy(WeChatError):
    retryable = True


class WeChatRateLimited(WeChatError):
    retryable = True


class WeChatBadAnswer(WeChatError):
    """Not JSON, not HTTP 200, or without the fields the call promises."""

    retryable = True

    def describe(self) -> str:
        return f"微信接口的应答无法识别：{self.errmsg}"


class WeChatUnreachable(WeChatError):
    """Timeout or connection failure: the call may or may not have reached the platform."""

    retryable = True

    def describe(self) -> str:
        return f"连接微信接口失败：{self.errmsg}"


def error_for(errcode: int, errmsg: str) -> WeChatError:
    if errcode in TOKEN_ERRORS:
        return WeChatTokenError(errcode, errmsg)
    if errcode == BUSY:
        return WeChatBusy(errcode, errmsg)
    if errcode == RATE_LIMITED:
        return WeChatRateLimited(errcode, errmsg)
    return WeChatError(errcode, errmsg)


class TokenStore(Protocol):
    """Where access tokens are kept between calls (and, if shared, between processes)."""

    def get(self, key: str) -> str | None:
        """The token for `key` if it is still good, else None."""

    def put(self, key: str, token: str, expires_at: float) -> None:
        """Keep `token` until `expires_at` (a `time.time()` value)."""

    def discard(self, key: str, token: str) -> None:
        """Forget `token`, if it is still the one kept for `key`."""


@dataclass
class MemoryTokenStore:
    """Tokens in this process's memory, shared by every client that uses the store."""

    clock: Callable[[], float] = time.time
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str) -> str | None:
        with self._lock:
            kept = self._tokens.get(key)
        if kept is None or kept[1] <= self.clock():
            return None
        return kept[0]

    def put(self, key: str, token: str, expires_at: float) -> None:
        with self._lock:
            self._tokens[key] = (token, expires_at)

    def discard(self, key: str, token: str) -> None:
        with self._lock:
            if self._tokens.get(key, ("",))[0] == token:
                del self._tokens[key]


# One store per process by default: a client is made per delivery, and
# fetching a token for each would spend the token endpoint's daily quota.
DEFAULT_TOKEN_STORE = MemoryTokenStore()


@dataclass(frozen=True)
class Submitted:
    publish_id: str
    msg_data_id: str = ""


@dataclass(frozen=True)
class PublishState:
    """freepublish/get's answer."""

    publish_id: str
    status: int
    article_id: str = ""
    article_urls: tuple[str, ...] = ()
    fail_idx: tuple[int, ...] = ()

    @property
    def meaning(self) -> str:
        return PUBLISH_STATUS.get(self.status, f"未知状态 {self.status}")

    @property
    def article_url(self) -> str:
        return self.article_urls[0] if self.article_urls else ""


class WeChatClient:
    """One official account (appid/secret) on one API base address."""

    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: float = 10.0,
        token_store: TokenStore | None = None,
        stable_token: bool = True,
        token_margin: float = 300.0,
        retries: int = 2,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ):
        if not appid or not secret:
            raise WeChatError(None, "未配置公众号的 AppID 或 AppSecret")
        self.appid = appid
        self._secret = secret
        self.api_base = api_base.rstrip("/")
        self.token_store: TokenStore = token_store or DEFAULT_TOKEN_STORE
        self.stable_token = stable_token
        # The platform renews a stable token in its last five minutes; asking
        # again within them gets the new one, so stop using ours before.
        self.token_margin = token_margin
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._http = httpx.Client(base_url=self.api_base, timeout=timeout, verify=tls_context())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WeChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The access token.

    @property
    def _token_key(self) -> str:
        return f"{self.api_base}|{self.appid}"

    def access_token(self) -> str:
        token = self.token_store.get(self._token_key)
        if token is None:
            token, expires_in = self._fetch_token()
            lifetime = max(expires_in - self.token_margin, min(expires_in, 60))
            self.token_store.put(self._token_key, token, self._clock() + lifetime)
        return token

    def _fetch_token(self) -> tuple[str, int]:
        if self.stable_token:
            body = {"grant_type": "client_credential", "appid": self.appid, "secret": self._secret}
            answer = self._retrying(
                lambda: self._send("POST", "/cgi-bin/stable_token", json_body=body), True
            )
        else:
            params = {
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self._secret,
            }
            answer = self._retrying(
                lambda: self._send("GET", "/cgi-bin/token", params=params), True
            )
        token, expires_in = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise WeChatBadAnswer(None, "获取 access_token 的应答缺少 access_token 或 expires_in")
        return token, expires_in

    # Sending.

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> dict[str, Any]:
        """One HTTP exchange; the parsed answer, or the error it stands for."""
        content = None
        headers = {}
        if json_body is not None:
            # The platform wants the characters themselves: titles sent as
            # \uXXXX escapes arrive as those six characters.
            content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            response = self._http.request(
                method, path, params=params, content=content, files=files, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise WeChatUnreachable(None, f"{path} 超时（{exc.__class__.__name__}）") from exc
        except httpx.HTTPError as exc:
            logger.warning("WeChat %s failed: %s: %s", path, type(exc).__name__, exc)
            raise WeChatUnreachable(None, f"{path}：{transport_failure(exc)}") from exc
        if response.status_code != 200:
            raise WeChatBadAnswer(None, f"{path} 返回 HTTP {response.status_code}")
        try:
            answer = json.loads(response.content)
        except ValueError as exc:
            start = response.content[:60].decode("utf-8", "replace")
            raise WeChatBadAnswer(None, f"{path} 返回的不是 JSON：{start!r}") from exc
        if not isinstance(answer, dict):
            raise WeChatBadAnswer(None, f"{path} 返回的 JSON 不是对象")
        errcode = answer.get("errcode", 0)
        if errcode not in (0, None):
            if not isinstance(errcode, int):
                raise WeChatBadAnswer(None, f"{path} 返回的 errcode 不是数字：{errcode!r}")
            raise error_for(errcode, str(answer.get("errmsg", "")))
        return answer

    def _retrying(self, call: Callable[[], dict[str, Any]], repeatable: bool) -> dict[str, Any]:
        """`call`, repeated after a pause on -1 and a short-term 45009 when `repeatable`."""
        attempt = 0
        while True:
            try:
                return call()
            except (WeChatBusy, WeChatRateLimited) as exc:
                daily = "daily" in exc.errmsg
                if not repeatable or daily or attempt >= self.retries:
                    raise
                self._sleep(self.backoff * 2**attempt)
                attempt += 1

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        expect: tuple[str, ...] = (),
        repeatable: bool = True,
    ) -> dict[str, Any]:
        """An API call with the token, renewed and repeated once if the token was refused."""
        renewed = False
        while True:
            token = self.access_token()

            def once(token: str = token) -> dict[str, Any]:
                query = {**(params or {}), "access_token": token}
                return self._send(method, path, params=query, json_body=json_body, files=files)

            try:
                answer = self._retrying(once, repeatable)
            except WeChatTokenError:
                self.token_store.discard(self._token_key, token)
                if renewed:
                    raise
                renewed = True
                continue
            missing = [name for name in expect if answer.get(name) in (None, "")]
            if missing:
                raise WeChatBadAnswer(None, f"{path} 的应答缺少 {', '.join(missing)}")
            return answer

    # Images and material (素材管理).

    def upload_image(self, data: bytes, filename: str, content_type: str = "image/jpeg") -> str:
        """An image for an article body (media/uploadimg, jpg/png under 1 MB): its URL."""
        answer = self._call(
            "POST",
            "/cgi-bin/media/uploadimg",
            files={"media": (filename, data, content_type)},
            expect=("url",),
        )
        return str(answer["url"])

    def add_material(
        self, data: bytes, filename: str, content_type: str = "image/jpeg", *, kind: str = "image"
    ) -> dict[str, str]:
        """Permanent material (material/add_material): {"media_id", "url"}."""
        answer = self._call(
            "POST",
            "/cgi-bin/material/add_material",
            params={"type": kind},
            files={"media": (filename, data, content_type)},
            expect=("media_id",),
        )
        return {"media_id": str(answer["media_id"]), "url": str(answer.get("url", ""))}

    # The draft box (草稿箱).

    def add_draft(self, articles: list[dict[str, Any]]) -> str:
        """draft/add: the draft's media_id. Never repeated here (see the module's docstring)."""
        answer = self._call(
            "POST",
            "/cgi-bin/draft/add",
            json_body={"articles": articles},
            expect=("media_id",),
            repeatable=False,
        )
        return str(answer["media_id"])

    def get_draft(self, media_id: str) -> list[dict[str, Any]]:
        answer = self._call(
            "POST", "/cgi-bin/draft/get", json_body={"media_id": media_id}, expect=("news_item",)
        )
        return list(answer["news_item"])

    def list_drafts(self, offset: int = 0, count: int = 20) -> list[dict[str, Any]]:
        """draft/batchget, newest first: items with media_id, content.news_item, update_time."""
        answer = self._call(
            "POST",
            "/cgi-bin/draft/batchget",
            json_body={"offset": offset, "count": count, "no_content": 1},
        )
        return list(answer.get("item") or [])

    # Publishing (发布能力).

    def submit_publish(self, media_id: str) -> Submitted:
        """freepublish/submit: the publish task's id. Never repeated here."""
        answer = self._call(
            "POST",
            "/cgi-bin/freepublish/submit",
            json_body={"media_id": media_id},
            expect=("publish_id",),
            repeatable=False,
        )
        return Submitted(str(answer["publish_id"]), str(answer.get("msg_data_id") or ""))

    def get_publish_status(self, publish_id: str) -> PublishState:
        answer = self._call(
            "POST", "/cgi-bin/freepublish/get", json_body={"publish_id": publish_id}
        )
        status = answer.get("publish_status")
        if not isinstance(status, int):
            raise WeChatBadAnswer(None, "freepublish/get 的应答缺少 publish_status")
        detail = answer.get("article_detail") or {}
        urls = tuple(
            str(entry.get("article_url", "")) for entry in detail.get("item") or [] if entry
        )
        if status == PUBLISHED and not answer.get("article_id"):
            raise WeChatBadAnswer(None, "freepublish/get 报告发布成功却没有 article_id")
        return PublishState(
            publish_id=str(answer.get("publish_id", publish_id)),
            status=status,
            article_id=str(answer.get("article_id") or ""),
            article_urls=urls,
            fail_idx=tuple(int(i) for i in answer.get("fail_idx") or []),
        )

    def list_published(self, offset: int = 0, count: int = 20) -> list[dict[str, Any]]:
        """freepublish/batchget, newest first: items with article_id, content.news_item, update_time."""
        answer = self._call(
            "POST",
            "/cgi-bin/freepublish/batchget",
            json_body={"offset": offset, "count": count, "no_content": 1},
        )
        return list(answer.get("item") or [])

    def get_article(self, article_id: str) -> list[dict[str, Any]]:
        """freepublish/getarticle: the published article's news_item (with is_deleted)."""
        answer = self._call(
            "POST",
            "/cgi-bin/freepublish/getarticle",
            json_body={"article_id": article_id},
            expect=("news_item",),
        )
        return list(answer["news_item"])

    def delete_publish(self, article_id: str, index: int = 0) -> None:
        """freepublish/delete: takes the article down (index 0: every article of the post)."""
        self._call(
            "POST",
            "/cgi-bin/freepublish/delete",
            json_body={"article_id": article_id, "index": index},
        )

    # Statistics (数据统计). Data for a day is ready after 08:00 the next day.

    def _datacube(self, path: str, begin: date, end: date, span: int) -> list[dict[str, Any]]:
        if end < begin or end - begin >= timedelta(days=span):
            raise ValueError(f"{path}: at most {span} day(s) a call, got {begin}..{end}")
        answer = self._call(
            "POST",
            path,
            json_body={"begin_date": begin.isoformat(), "end_date": end.isoformat()},
        )
        rows = answer.get("list")
        if not isinstance(rows, list):
            raise WeChatBadAnswer(None, f"{path} 的应答缺少 list")
        return rows

    def get_article_summary(self, day: date) -> list[dict[str, Any]]:
        """datacube/getarticlesummary (图文群发每日数据), one day a call."""
        return self._datacube("/datacube/getarticlesummary", day, day, 1)

    def get_article_total(self, day: date) -> list[dict[str, Any]]:
        """datacube/getarticletotal (图文群发总数据), one day a call."""
        return self._datacube("/datacube/getarticletotal", day, day, 1)

    def get_user_cumulate(self, begin: date, end: date) -> list[dict[str, Any]]:
        """datacube/getusercumulate (累计用户数据), at most seven days a call."""
        return self._datacube("/datacube/getusercumulate", begin, end, 7)
