"""A fake Weibo open API on loopback, speaking what `clients/weibo.py` documents.

It keeps posts with ids, answers the timeline, counts and the profile, and
refuses as Weibo does: a text over the limit (20012), one without a link in
the safe domain (10017), a repeat of a recent post's text (20019), an unknown or expired token (21332 / 21327),
and, when a test asks, rate limits (10022/10023/10024) and one malformed
answer (the post is stored, the answer is cut off: the case where a sender
cannot know whether it went out).

Run it alone for the demo city:

    python -m govmedia.publishing.clients.fake_weibo --port 8765

No Django here (import-linter contract "framework-free").
"""

from __future__ import annotations

import argparse
import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

from govmedia.publishing.clients.fakeserver import FakeRequest, FakeServer
from govmedia.publishing.clients.weibo import DEFAULT_TEXT_LIMIT, text_weight

CHINA = timezone(timedelta(hours=8))
DEFAULT_TOKEN = "fake-weibo-token"
DEFAULT_UID = "7000000001"


@dataclass
class FakePost:
    id: str
    text: str
    created: datetime
    pic: bytes | None = None
    comments: int = 0
    reposts: int = 0
    attitudes: int = 0
    deleted: bool = False

    def as_status(self, uid: str) -> dict[str, Any]:
        return {
            "created_at": self.created.astimezone(CHINA).strftime("%a %b %d %H:%M:%S %z %Y"),
            "id": int(self.id),
            "idstr": self.id,
            "mid": self.id,
            "text": self.text,
            "source": '<a href="https://weibo.com" rel="nofollow">政务发布平台</a>',
            "reposts_count": self.reposts,
            "comments_count": self.comments,
            "attitudes_count": self.attitudes,
            "original_pic": f"https://wx1.sinaimg.cn/large/{self.id}.jpg" if self.pic else "",
            "user": {"id": int(uid), "idstr": uid},
        }


def _form(request: FakeRequest) -> tuple[dict[str, str], dict[str, bytes]]:
    """The fields and files of a form-encoded or multipart/form-data POST."""
    kind = request.headers.get("content-type", "")
    fields: dict[str, str] = dict(request.query)
    files: dict[str, bytes] = {}
    if kind.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + request.body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            decoded = part.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""
            if part.get_filename():
                files[str(name)] = payload
            else:
                fields[str(name)] = payload.decode()
    else:
        fields.update({k: v[-1] for k, v in parse_qs(request.body.decode()).items()})
    return fields, files


@dataclass
class FakeWeibo:
    access_token: str = DEFAULT_TOKEN
    uid: str = DEFAULT_UID
    safe_domains: tuple[str, ...] = ("127.0.0.1", "localhost", "testserver")
    text_limit: int = DEFAULT_TEXT_LIMIT
    # Weibo: 连续两次发布的微博不可以重复; refused as 20019 within this window.
    repeat_window: float = 600.0
    followers_count: int = 12345
    server: FakeServer = field(default_factory=FakeServer)
    posts: dict[str, FakePost] = field(default_factory=dict)
    # Every share accepted, in order (ids): the benchmark counts duplicates from it.
    accepted: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(5100000000000001))
    _expired: bool = False
    _rate_limited: list[tuple[int, str]] = field(default_factory=list)
    _retry_after: int | None = None
    _malformed: int = 0
    _malformed_reads: int = 0

    def __post_init__(self) -> None:
        s = self.server
        s.route("POST", "/2/statuses/share.json", self._share)
        s.route("POST", "/2/statuses/destroy.json", self._destroy)
        s.route("GET", "/2/statuses/user_timeline.json", self._timeline)
        s.route("GET", "/2/statuses/count.json", self._count)
        s.route("GET", "/2/users/show.json", self._user_show)

    # Faults a test (or the demo) switches on.

    def expire_token(self) -> None:
        self._expired = True

    def renew_token(self, token: str) -> None:
        self.access_token, self._expired = token, False

    def rate_limit(
        self, times: int = 1, code: int = 10023, path: str = "", retry_after: int | None = None
    ) -> None:
        """The next `times` requests (to `path` if given) answer `code` (10022 IP, 10023 user, 10024 one API).

        With `retry_after`, the answer carries that Retry-After header (seconds).
        """
        self._rate_limited.extend([(code, path)] * times)
        self._retry_after = retry_after

    def malformed_next_share(self, times: int = 1) -> None:
        """The next `times` shares are stored but answered with a cut-off body."""
        self._malformed += times

    def malformed_next_read(self, times: int = 1) -> None:
        """The next `times` GET requests get an HTML error page instead of JSON."""
        self._malformed_reads += times

    def _garbled_read(self):
        with self.lock:
            garbled = self._malformed_reads > 0
            self._malformed_reads -= garbled
        return (200, b"<html><body>upstream error</body></html>") if garbled else None

    # Inspection.

    def live_posts(self) -> list[FakePost]:
        with self.lock:
            return [p for p in self.posts.values() if not p.deleted]

    def duplicates(self) -> int:
        """Posts whose text another post of the account already carried (should be 0)."""
        seen: set[str] = set()
        dupes = 0
        with self.lock:
            for post_id in self.accepted:
                text = self.posts[post_id].text
                dupes += text in seen
                seen.add(text)
        return dupes

    def set_counts(self, post_id: str, *, comments=0, reposts=0, attitudes=0) -> None:
        post = self.posts[post_id]
        post.comments, post.reposts, post.attitudes = comments, reposts, attitudes

    # The API.

    def _error(self, request: FakeRequest, code: int, error: str, status: int = 400):
        return status, {"error": error, "error_code": code, "request": request.path}

    def _refusal(self, request: FakeRequest, fields: dict[str, str]):
        token = fields.get("access_token") or request.query.get("access_token", "")
        if self._expired and token == self.access_token:
            return self._error(request, 21327, "expired_token", 401)
        if token != self.access_token:
            return self._error(request, 21332, "invalid_access_token", 401)
        code = None
        with self.lock:
            for index, (limited, path) in enumerate(self._rate_limited):
                if not path or path == request.path:
                    code = limited
                    del self._rate_limited[index]
                    break
        if code is not None:
            names = {
                10022: "IP requests out of rate limit",
                10023: "User requests out of rate limit",
                10024: f"User requests for ({request.path}) out of rate limit",
            }
            status, body = self._error(request, code, names.get(code, "rate limit"), 403)
            if self._retry_after is None:
                return status, body
            return status, body, {"Retry-After": str(self._retry_after)}
        return None

    def _share(self, request: FakeRequest):
        fields, files = _form(request)
        refused = self._refusal(request, fields)
        if refused:
            return refused
        text = fields.get("status", "")
        if not text:
            return self._error(request, 10016, "miss required parameter (status)")
        if text_weight(text) > self.text_limit:
            return self._error(
                request, 20012, "Text too long, please input text less than 140 characters!"
            )
        if not self._has_safe_link(text):
            return self._error(
                request, 10017, "parameter (status)'s value invalid: no link in the safe domain"
            )
        if "pic" in files and len(files["pic"]) >= 5 * 1024 * 1024:
            return self._error(request, 20006, "Image size too large.")
        now = datetime.now(UTC)
        with self.lock:
            for post in self.posts.values():
                recent = (now - post.created).total_seconds() < self.repeat_window
                if not post.deleted and recent and post.text == text:
                    return self._error(request, 20019, "Repeat content! 相同内容请间隔再进行发布")
            post = FakePost(id=str(next(self._ids)), text=text, created=now, pic=files.get("pic"))
            self.posts[post.id] = post
            self.accepted.append(post.id)
            malformed = self._malformed > 0
            self._malformed -= malformed
        if malformed:
            return 200, b'{"created_at": "' + post.created.strftime("%a").encode() + b" "
        return 200, post.as_status(self.uid)

    def _has_safe_link(self, text: str) -> bool:
        for link in re.findall(r"https?://[^\s，。；！？]+", text):
            host = urlsplit(link).hostname or ""
            if any(host == d or host.endswith("." + d) for d in self.safe_domains):
                return True
        return False

    def _destroy(self, request: FakeRequest):
        fields, _files = _form(request)
        refused = self._refusal(request, fields)
        if refused:
            return refused
        with self.lock:
            post = self.posts.get(fields.get("id", ""))
            if post is None or post.deleted:
                return self._error(request, 20101, "Target weibo does not exist!")
            post.deleted = True
        return 200, post.as_status(self.uid)

    def _timeline(self, request: FakeRequest):
        refused = self._refusal(request, {}) or self._garbled_read()
        if refused:
            return refused
        count = min(int(request.query.get("count", 20)), 100)
        page = max(int(request.query.get("page", 1)), 1)
        since = int(request.query.get("since_id", 0) or 0)
        newest_first = sorted(self.live_posts(), key=lambda p: int(p.id), reverse=True)
        chosen = [p for p in newest_first if int(p.id) > since]
        rows = chosen[(page - 1) * count : page * count]
        return 200, {
            "statuses": [p.as_status(self.uid) for p in rows],
            "total_number": len(chosen),
        }

    def _count(self, request: FakeRequest):
        refused = self._refusal(request, {}) or self._garbled_read()
        if refused:
            return refused
        ids = [i for i in request.query.get("ids", "").split(",") if i][:100]
        with self.lock:
            # Deleted or unknown posts are left out of the answer, as Weibo does.
            found = [self.posts[i] for i in ids if i in self.posts and not self.posts[i].deleted]
        return 200, [
            {
                "id": int(p.id),
                "comments": p.comments,
                "reposts": p.reposts,
                "attitudes": p.attitudes,
            }
            for p in found
        ]

    def _user_show(self, request: FakeRequest):
        refused = self._refusal(request, {}) or self._garbled_read()
        if refused:
            return refused
        if request.query.get("uid") != self.uid:
            return self._error(request, 20003, "User does not exists!")
        return 200, {
            "id": int(self.uid),
            "idstr": self.uid,
            "screen_name": "示例发布",
            "followers_count": self.followers_count,
            "friends_count": 120,
            "statuses_count": len(self.live_posts()),
            "verified": True,
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Weibo open API on loopback.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--uid", default=DEFAULT_UID)
    parser.add_argument(
        "--safe-domain",
        action="append",
        default=[],
        help="a domain links must be in (repeatable; default 127.0.0.1, localhost)",
    )
    args = parser.parse_args(argv)
    fake = FakeWeibo(access_token=args.token, uid=args.uid)
    fake.server.host, fake.server.port = args.host, args.port
    if args.safe_domain:
        fake.safe_domains = tuple(args.safe_domain)
    url = fake.server.start()
    print(f"fake Weibo ready at {url} (token {args.token}, uid {args.uid})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.server.stop()


if __name__ == "__main__":
    main()
