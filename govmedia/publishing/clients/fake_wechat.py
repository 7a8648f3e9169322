"""A loopback stand-in for the WeChat Official Accounts API, as its documentation describes it.

It issues tokens that expire (`token_lifetime`; `expire_tokens()` and
`invalidate_tokens()` on demand), counts calls against a daily quota and
answers 45009 beyond it, keeps uploaded images and material, drafts,
publish tasks and published articles, and answers the statistics with
numbers derived from the article and the day (the same every run).

A publish task is "publishing" (status 1) until it has been looked at
`publish_after_polls` times (freepublish/get or freepublish/batchget each
count as one look for every task), then ends with the next entry of
`outcomes` (0, success, when empty). A submitted draft leaves the draft box,
as on the platform.

For tests there are scripted faults: `fail_next(path, errcode)` answers an
error once, `malformed_next(path)` answers a body that is not JSON once
(nothing done), `garble_next(path)` does the work and then garbles the
answer (the caller cannot know it was done), and `hold(path)` does the next such call's work, then waits (so a test can
kill the caller after the platform acted but before the caller heard).

Run on its own for the demo::

    python -m govmedia.publishing.clients.fake_wechat --port 8701
"""

from __future__ import annotations

import argparse
import hashlib
import html
import itertools
import secrets
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from govmedia.publishing.clients.fakeserver import FakeRequest, FakeServer

Answer = tuple[int, "dict[str, Any] | bytes"]

# Multipart uploads; every other call sends JSON.
UPLOADS = ("/cgi-bin/media/uploadimg", "/cgi-bin/material/add_material")


def _error(errcode: int, errmsg: str) -> Answer:
    return 200, {"errcode": errcode, "errmsg": f"{errmsg} rid: fake-{secrets.token_hex(4)}"}


class _Refused(Exception):
    def __init__(self, answer: Answer):
        super().__init__(answer)
        self.answer = answer


def _media(request: FakeRequest) -> tuple[str, str, bytes] | None:
    """The form field "media" of a multipart upload: (filename, content type, bytes)."""
    kind = request.headers.get("content-type", "")
    if "multipart/form-data" not in kind:
        return None
    message = BytesParser(policy=default_policy).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + request.body
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "media":
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            return part.get_filename() or "", part.get_content_type(), data
    return None


class FakeWeChat:
    def __init__(
        self,
        appid: str = "wxfake0000000001",
        secret: str = "fake-secret",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token_lifetime: int = 7200,
        publish_after_polls: int = 1,
        daily_quota: int | None = None,
        clock: Callable[[], float] = time.time,
        today: Callable[[], date] = date.today,
    ):
        self.appid, self.secret = appid, secret
        self.token_lifetime = token_lifetime
        self.publish_after_polls = publish_after_polls
        self.daily_quota = daily_quota
        self.clock, self.today = clock, today
        self.server = FakeServer(host=host, port=port)
        self.lock = threading.RLock()
        self.calls_today = 0
        self.tokens: dict[str, float] = {}  # token -> expires at
        self.stable: str | None = None  # the current stable token
        self.images: list[str] = []
        self.materials: dict[str, dict[str, Any]] = {}
        self.drafts: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.articles: dict[str, dict[str, Any]] = {}
        self.outcomes: list[int] = []
        self._faults: dict[str, list[Answer]] = {}
        self._holds: dict[str, threading.Event] = {}
        self._garbles: dict[str, int] = {}
        self.held = threading.Event()
        self._ids = itertools.count(2247483601)
        for method, path, handler in self._routes():
            self.server.route(method, path, handler)

    # Running.

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> str:
        return self.server.start()

    def stop(self) -> None:
        self.release()
        self.server.stop()

    def __enter__(self) -> FakeWeChat:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def calls(self, path: str) -> list[FakeRequest]:
        return self.server.calls(path)

    # Switches for tests and the demo.

    def expire_tokens(self) -> None:
        """Every token issued so far expires now (the next call gets 42001)."""
        with self.lock:
            for token in self.tokens:
                self.tokens[token] = self.clock()

    def invalidate_tokens(self) -> None:
        """Every token issued so far is forgotten (the next call gets 40001)."""
        with self.lock:
            self.tokens.clear()
            self.stable = None

    def reset_quota(self) -> None:
        """What the platform's 清零 (clear_quota) does, or the next day."""
        with self.lock:
            self.calls_today = 0

    def fail_next(self, path: str, errcode: int, errmsg: str = "", times: int = 1) -> None:
        meanings = {-1: "system error", 45009: "api freq out of limit"}
        with self.lock:
            self._faults.setdefault(path, []).extend(
                [_error(errcode, errmsg or meanings.get(errcode, "error"))] * times
            )

    def malformed_next(
        self, path: str, body: bytes = b"<html><body>502 Bad Gateway</body></html>"
    ) -> None:
        with self.lock:
            self._faults.setdefault(path, []).append((200, body))

    def garble_next(self, path: str) -> None:
        """The next call to `path` does its work, but its answer arrives garbled (lost)."""
        with self.lock:
            self._garbles[path] = self._garbles.get(path, 0) + 1

    def hold(self, path: str) -> None:
        """The next call to `path` does its work, sets `held`, then waits for `release()`."""
        with self.lock:
            self.held.clear()
            self._holds[path] = threading.Event()

    def release(self) -> None:
        with self.lock:
            holds, self._holds = list(self._holds.values()), {}
        for event in holds:
            event.set()

    def published(self) -> list[dict[str, Any]]:
        """Articles published and not deleted."""
        with self.lock:
            return [a for a in self.articles.values() if not a["deleted"]]

    # The API.

    def _routes(self) -> list[tuple[str, str, Callable[[FakeRequest], Answer]]]:
        api = [
            ("/cgi-bin/media/uploadimg", self._uploadimg),
            ("/cgi-bin/material/add_material", self._add_material),
            ("/cgi-bin/draft/add", self._draft_add),
            ("/cgi-bin/draft/get", self._draft_get),
            ("/cgi-bin/draft/batchget", self._draft_batchget),
            ("/cgi-bin/freepublish/submit", self._submit),
            ("/cgi-bin/freepublish/get", self._publish_get),
            ("/cgi-bin/freepublish/batchget", self._publish_batchget),
            ("/cgi-bin/freepublish/getarticle", self._getarticle),
            ("/cgi-bin/freepublish/delete", self._delete),
            ("/datacube/getarticlesummary", self._article_summary),
            ("/datacube/getarticletotal", self._article_total),
            ("/datacube/getusercumulate", self._user_cumulate),
        ]
        routes: list[tuple[str, str, Callable[[FakeRequest], Answer]]] = [
            ("GET", "/cgi-bin/token", self._classic_token),
            ("POST", "/cgi-bin/stable_token", self._stable_token),
            ("GET", "/s", self._article_page),
        ]
        for path, handler in api:
            routes.append(("POST", path, self._guarded(path, handler)))
        return routes

    def _guarded(self, path: str, handler: Callable[[FakeRequest], Answer]):
        def serve(request: FakeRequest) -> Answer:
            with self.lock:
                faults = self._faults.get(path)
                if faults:
                    return faults.pop(0)
                refusal = self._check_token(request.query.get("access_token"))
                if refusal is not None:
                    return refusal
                self.calls_today += 1
                if self.daily_quota is not None and self.calls_today > self.daily_quota:
                    return _error(45009, "reach max api daily quota limit")
                if path not in UPLOADS:
                    try:
                        body = request.json()
                    except ValueError:
                        body = None
                    if not isinstance(body, dict):
                        return _error(47001, "data format error")
                    request.parsed = body  # type: ignore[attr-defined]
                answer = handler(request)
                if self._garbles.get(path):
                    self._garbles[path] -= 1
                    answer = (200, b"<html><body>504 Gateway Time-out</body></html>")
                hold = self._holds.pop(path, None)
            if hold is not None:
                self.held.set()
                hold.wait(60)
            return answer

        return serve

    @staticmethod
    def _body(request: FakeRequest) -> dict[str, Any]:
        return getattr(request, "parsed", {})

    def _check_token(self, token: str | None) -> Answer | None:
        if not token:
            return _error(41001, "access_token missing")
        expires = self.tokens.get(token)
        if expires is None:
            return _error(40001, "invalid credential, access_token is invalid or not latest")
        if expires <= self.clock():
            return _error(42001, "access_token expired")
        return None

    def _issue(self) -> str:
        token = f"FAKE_{secrets.token_urlsafe(24)}"
        self.tokens[token] = self.clock() + self.token_lifetime
        return token

    def _credentials_refusal(self, appid: Any, secret: Any, grant: Any) -> Answer | None:
        if grant != "client_credential":
            return _error(40002, "invalid grant_type")
        if appid != self.appid:
            return _error(40013, "invalid appid")
        if secret != self.secret:
            return _error(40125, "invalid appsecret")
        return None

    def _classic_token(self, request: FakeRequest) -> Answer:
        q = request.query
        with self.lock:
            refusal = self._credentials_refusal(
                q.get("appid"), q.get("secret"), q.get("grant_type")
            )
            if refusal:
                return refusal
            # A new token; the earlier ones stay good for five more minutes at most.
            now = self.clock()
            for token, expires in self.tokens.items():
                self.tokens[token] = min(expires, now + 300)
            return 200, {"access_token": self._issue(), "expires_in": self.token_lifetime}

    def _stable_token(self, request: FakeRequest) -> Answer:
        try:
            body = request.json()
        except ValueError:
            return _error(47001, "data format error")
        with self.lock:
            refusal = self._credentials_refusal(
                body.get("appid"), body.get("secret"), body.get("grant_type")
            )
            if refusal:
                return refusal
            now = self.clock()
            current = self.stable
            if body.get("force_refresh") and current:
                self.tokens.pop(current, None)
                current = None
            # Normal mode: the same token while it has more than five minutes left.
            if current is None or self.tokens.get(current, 0) - now <= 300:
                current = self.stable = self._issue()
            return 200, {"access_token": current, "expires_in": int(self.tokens[current] - now)}

    def _uploadimg(self, request: FakeRequest) -> Answer:
        media = _media(request)
        if media is None or not media[2]:
            return _error(41005, "media data missing")
        filename, kind, data = media
        if kind not in ("image/jpeg", "image/png") and not filename.lower().endswith(
            (".jpg", ".jpeg", ".png")
        ):
            return _error(40005, "invalid file type")
        if len(data) >= 1024 * 1024:
            return _error(40009, "invalid image size")
        url = f"http://mmbiz.qpic.cn/fake/{hashlib.sha1(data).hexdigest()}/0"
        self.images.append(url)
        return 200, {"url": url, "errcode": 0, "errmsg": "ok"}

    def _add_material(self, request: FakeRequest) -> Answer:
        if request.query.get("type") not in ("image", "voice", "video", "thumb"):
            return _error(40004, "invalid media type")
        media = _media(request)
        if media is None or not media[2]:
            return _error(41005, "media data missing")
        if len(media[2]) > 10 * 1024 * 1024:
            return _error(40009, "invalid image size")
        media_id = f"MAT_{secrets.token_urlsafe(16)}"
        url = f"http://mmbiz.qpic.cn/fake/material/{media_id}/0"
        self.materials[media_id] = {"filename": media[0], "size": len(media[2]), "url": url}
        return 200, {"media_id": media_id, "url": url}

    def _draft_add(self, request: FakeRequest) -> Answer:
        articles = self._body(request).get("articles")
        if not isinstance(articles, list) or not articles or len(articles) > 8:
            return _error(47001, "data format error")
        for article in articles:
            if not article.get("title") or not article.get("content"):
                return _error(47001, "data format error: title and content are required")
            if len(article["title"]) > 32 or len(article.get("author", "")) > 16:
                return _error(45003, "title or author too long")
            if len(article.get("digest", "")) > 128:
                return _error(45004, "description size out of limit")
            if article.get("thumb_media_id") not in self.materials:
                return _error(40007, "invalid media_id")
        media_id = f"DRAFT_{secrets.token_urlsafe(16)}"
        self.drafts[media_id] = {"articles": articles, "update_time": int(self.clock())}
        return 200, {"media_id": media_id}

    def _draft_get(self, request: FakeRequest) -> Answer:
        draft = self.drafts.get(self._body(request).get("media_id", ""))
        if draft is None:
            return _error(40007, "invalid media_id")
        return 200, {"news_item": draft["articles"]}

    @staticmethod
    def _page(entries: list[dict[str, Any]], body: dict[str, Any]) -> Answer:
        offset, count = int(body.get("offset", 0)), int(body.get("count", 20))
        if not 1 <= count <= 20:
            return _error(40035, "invalid count")
        entries = sorted(entries, key=lambda e: e["update_time"], reverse=True)
        page = entries[offset : offset + count]
        return 200, {"total_count": len(entries), "item_count": len(page), "item": page}

    def _draft_batchget(self, request: FakeRequest) -> Answer:
        no_content = bool(self._body(request).get("no_content"))
        entries = [
            {
                "media_id": media_id,
                "content": {"news_item": [_strip(a, no_content) for a in d["articles"]]},
                "update_time": d["update_time"],
            }
            for media_id, d in self.drafts.items()
        ]
        return self._page(entries, self._body(request))

    def _submit(self, request: FakeRequest) -> Answer:
        media_id = self._body(request).get("media_id", "")
        draft = self.drafts.pop(media_id, None)
        if draft is None:
            return _error(40007, "invalid media_id")
        publish_id = str(next(self._ids))
        msg_data_id = str(next(self._ids))
        self.tasks[publish_id] = {
            "articles": draft["articles"],
            "looks": 0,
            "status": 1,
            "msg_data_id": msg_data_id,
            "article_id": "",
        }
        return 200, {
            "errcode": 0,
            "errmsg": "ok",
            "publish_id": publish_id,
            "msg_data_id": msg_data_id,
        }

    def _advance(self) -> None:
        """A look at the publish tasks: the ones that were looked at enough end."""
        for publish_id, task in self.tasks.items():
            if task["status"] != 1:
                continue
            task["looks"] += 1
            if task["looks"] < self.publish_after_polls:
                continue
            task["status"] = self.outcomes.pop(0) if self.outcomes else 0
            if task["status"] == 0:
                article_id = f"ART_{secrets.token_urlsafe(16)}"
                task["article_id"] = article_id
                self.articles[article_id] = {
                    "article_id": article_id,
                    "publish_id": publish_id,
                    "msg_data_id": task["msg_data_id"],
                    "articles": task["articles"],
                    "url": f"{self.url}/s?__biz=FAKE&mid={task['msg_data_id']}&idx=1&sn={article_id[4:12]}",
                    "deleted": False,
                    "published_on": self.today(),
                    "update_time": int(self.clock()),
                }

    def _publish_get(self, request: FakeRequest) -> Answer:
        publish_id = str(self._body(request).get("publish_id", ""))
        if publish_id not in self.tasks:
            return _error(53600, "invalid publish_id")  # as the platform answers an unknown id
        self._advance()
        task = self.tasks[publish_id]
        answer: dict[str, Any] = {"publish_id": publish_id, "publish_status": task["status"]}
        article = self.articles.get(task["article_id"])
        if article is not None:
            if article["deleted"]:
                answer["publish_status"] = 5
            answer["article_id"] = article["article_id"]
            answer["article_detail"] = {
                "count": len(article["articles"]),
                "item": [
                    {"idx": i + 1, "article_url": article["url"]}
                    for i in range(len(article["articles"]))
                ],
            }
            answer["fail_idx"] = []
        else:
            answer["fail_idx"] = [1] if task["status"] in (2, 4) else []
        return 200, answer

    def _publish_batchget(self, request: FakeRequest) -> Answer:
        self._advance()
        no_content = bool(self._body(request).get("no_content"))
        entries = [
            {
                "article_id": a["article_id"],
                "content": {
                    "news_item": [
                        {**_strip(item, no_content), "url": a["url"], "is_deleted": False}
                        for item in a["articles"]
                    ]
                },
                "update_time": a["update_time"],
            }
            for a in self.articles.values()
            if not a["deleted"]
        ]
        return self._page(entries, self._body(request))

    def _getarticle(self, request: FakeRequest) -> Answer:
        article = self.articles.get(self._body(request).get("article_id", ""))
        if article is None:
            return _error(53600, "Article ID 无效")
        return 200, {
            "news_item": [
                {**item, "url": article["url"], "is_deleted": article["deleted"]}
                for item in article["articles"]
            ]
        }

    def _delete(self, request: FakeRequest) -> Answer:
        article = self.articles.get(self._body(request).get("article_id", ""))
        if article is None or article["deleted"]:
            return _error(53600, "Article ID 无效")
        article["deleted"] = True
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _article_page(self, request: FakeRequest) -> Answer:
        sn = request.query.get("sn", "")
        with self.lock:
            found = [a for a in self.articles.values() if a["article_id"][4:12] == sn]
        if not found or found[0]["deleted"]:
            return (
                200,
                "<!doctype html><title>该内容已被发布者删除</title><p>该内容已被发布者删除".encode(),
            )
        article = found[0]["articles"][0]
        page = (
            f"<!doctype html><meta charset=utf-8><title>{html.escape(article['title'])}</title>"
            f"<h1>{html.escape(article['title'])}</h1>{article['content']}"
        )
        return 200, page.encode()

    # Statistics: deterministic numbers from the article and the day.

    def _dates(self, request: FakeRequest, span: int) -> tuple[date, date]:
        body = self._body(request)
        try:
            begin = date.fromisoformat(body.get("begin_date", ""))
            end = date.fromisoformat(body.get("end_date", ""))
        except (TypeError, ValueError):
            raise _Refused(_error(61500, "date format error")) from None
        if end < begin or (end - begin).days >= span or end >= self.today():
            raise _Refused(_error(61501, "date range error"))
        return begin, end

    @staticmethod
    def _number(*parts: object, low: int = 0, high: int = 1000) -> int:
        digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
        return low + int.from_bytes(digest[:4], "big") % (high - low + 1)

    def _reads(self, article: dict[str, Any], day: date) -> dict[str, int]:
        key = article["article_id"]
        read_user = self._number(key, day, "read", low=50, high=5000)
        share_user = self._number(key, day, "share", high=read_user // 10)
        fav_user = self._number(key, day, "fav", high=read_user // 20)
        return {
            "int_page_read_user": read_user,
            "int_page_read_count": read_user + self._number(key, day, "rc", high=read_user // 4),
            "ori_page_read_user": self._number(key, day, "ori", high=read_user // 8),
            "ori_page_read_count": self._number(key, day, "oric", high=read_user // 6),
            "share_user": share_user,
            "share_count": share_user + self._number(key, day, "sc", high=share_user // 2 + 1),
            "add_to_fav_user": fav_user,
            "add_to_fav_count": fav_user + self._number(key, day, "fc", high=fav_user // 2 + 1),
        }

    def _live_on(self, day: date) -> list[dict[str, Any]]:
        return [a for a in self.articles.values() if a["published_on"] <= day and not a["deleted"]]

    def _article_summary(self, request: FakeRequest) -> Answer:
        try:
            day, _ = self._dates(request, 1)
        except _Refused as refused:
            return refused.answer
        rows = [
            {
                "ref_date": day.isoformat(),
                "msgid": f"{a['msg_data_id']}_1",
                "title": a["articles"][0]["title"],
                **self._reads(a, day),
            }
            for a in self._live_on(day)
        ]
        return 200, {"list": rows}

    def _article_total(self, request: FakeRequest) -> Answer:
        try:
            day, _ = self._dates(request, 1)
        except _Refused as refused:
            return refused.answer
        rows = []
        for a in self._live_on(day):
            details: list[dict[str, Any]] = []
            stat = a["published_on"]
            while stat <= day and len(details) < 7:
                details.append(
                    {
                        "stat_date": stat.isoformat(),
                        "target_user": self._number(a["article_id"], "target", low=1000, high=9000),
                        **self._reads(a, stat),
                    }
                )
                stat += timedelta(days=1)
            rows.append(
                {
                    "ref_date": a["published_on"].isoformat(),
                    "msgid": f"{a['msg_data_id']}_1",
                    "title": a["articles"][0]["title"],
                    "details": details,
                }
            )
        return 200, {"list": rows}

    def _user_cumulate(self, request: FakeRequest) -> Answer:
        try:
            begin, end = self._dates(request, 7)
        except _Refused as refused:
            return refused.answer
        rows = []
        day = begin
        while day <= end:
            base = self._number(self.appid, "followers", low=20000, high=80000)
            rows.append(
                {
                    "ref_date": day.isoformat(),
                    "user_source": 0,
                    "cumulate_user": base + day.toordinal() % 1000,
                }
            )
            day += timedelta(days=1)
        return 200, {"list": rows}


def _strip(article: dict[str, Any], no_content: bool) -> dict[str, Any]:
    return {k: v for k, v in article.items() if not (no_content and k == "content")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="A loopback fake of the WeChat Official Accounts API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--appid", default="wxfake0000000001")
    parser.add_argument("--secret", default="fake-secret")
    parser.add_argument("--publish-after-polls", type=int, default=1)
    args = parser.parse_args(argv)
    fake = FakeWeChat(
        args.appid,
        args.secret,
        host=args.host,
        port=args.port,
        publish_after_polls=args.publish_after_polls,
    )
    url = fake.start()
    print(f"fake WeChat API on {url} (appid {args.appid})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
