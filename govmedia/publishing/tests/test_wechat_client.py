"""The WeChat client against the loopback fake: tokens, quota, busy, malformed answers, timeouts."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from govmedia.publishing.clients.fake_wechat import FakeWeChat
from govmedia.publishing.clients.wechat import (
    MemoryTokenStore,
    WeChatBadAnswer,
    WeChatClient,
    WeChatError,
    WeChatRateLimited,
    WeChatTokenError,
    WeChatUnreachable,
)

JPEG = b"\xff\xd8\xff\xe0fake-jpeg-bytes"
YESTERDAY = date(2026, 11, 26)


@pytest.fixture
def fake() -> Iterator[FakeWeChat]:
    with FakeWeChat(today=lambda: YESTERDAY + timedelta(days=1)) as server:
        yield server


@pytest.fixture
def pauses() -> list[float]:
    return []


@pytest.fixture
def client(fake, pauses) -> Iterator[WeChatClient]:
    with WeChatClient(
        fake.appid,
        fake.secret,
        api_base=fake.url,
        token_store=MemoryTokenStore(),
        sleep=pauses.append,
    ) as wechat:
        yield wechat


def _publish_one(client: WeChatClient, title: str = "关于秋季开学的通知") -> str:
    thumb = client.add_material(JPEG, "cover.jpg")["media_id"]
    draft = client.add_draft(
        [
            {
                "title": title,
                "author": "示例市教育局",
                "digest": "开学准备",
                "content": "<p>正文</p>",
                "content_source_url": "https://www.shili.gov.cn/xxgk/x/2026-0001/",
                "thumb_media_id": thumb,
            }
        ]
    )
    return client.submit_publish(draft).publish_id


def test_it_fetches_the_token_once_and_reuses_it(fake, client):
    client.upload_image(JPEG, "a.jpg")
    client.upload_image(JPEG, "b.jpg")
    client.add_material(JPEG, "c.jpg")

    assert len(fake.calls("/cgi-bin/stable_token")) == 1


def test_it_shares_the_token_between_clients_of_one_store(fake):
    store = MemoryTokenStore()
    for _ in range(3):
        with WeChatClient(fake.appid, fake.secret, api_base=fake.url, token_store=store) as c:
            c.upload_image(JPEG, "a.jpg")

    assert len(fake.calls("/cgi-bin/stable_token")) == 1


@pytest.mark.parametrize(
    "switch, errcode", [("expire_tokens", 42001), ("invalidate_tokens", 40001)]
)
def test_it_renews_a_refused_token_and_repeats_the_call_once(fake, client, switch, errcode):
    client.upload_image(JPEG, "a.jpg")
    getattr(fake, switch)()

    url = client.upload_image(JPEG, "b.jpg")

    assert url.startswith("http://mmbiz.qpic.cn/")
    assert len(fake.calls("/cgi-bin/stable_token")) == 2
    assert len(fake.calls("/cgi-bin/media/uploadimg")) == 3  # the refused one, then again


def test_it_gives_up_when_a_fresh_token_is_refused_too(fake, client):
    client.upload_image(JPEG, "a.jpg")
    fake.fail_next("/cgi-bin/media/uploadimg", 40001, times=2)

    with pytest.raises(WeChatTokenError) as caught:
        client.upload_image(JPEG, "b.jpg")

    assert caught.value.retryable and caught.value.errcode == 40001
    assert "access_token 无效" in str(caught.value)


def test_it_keeps_a_token_only_until_its_expiry_minus_the_margin(fake):
    now = [1000.0]
    store = MemoryTokenStore(clock=lambda: now[0])
    with WeChatClient(
        fake.appid, fake.secret, api_base=fake.url, token_store=store, clock=lambda: now[0]
    ) as c:
        c.upload_image(JPEG, "a.jpg")
        now[0] += 7200 - 300 - 1
        c.upload_image(JPEG, "b.jpg")
        assert len(fake.calls("/cgi-bin/stable_token")) == 1
        now[0] += 2
        c.upload_image(JPEG, "c.jpg")
    assert len(fake.calls("/cgi-bin/stable_token")) == 2


def test_it_can_use_the_classic_token_endpoint(fake):
    with WeChatClient(
        fake.appid,
        fake.secret,
        api_base=fake.url,
        token_store=MemoryTokenStore(),
        stable_token=False,
    ) as c:
        c.upload_image(JPEG, "a.jpg")
    assert len(fake.calls("/cgi-bin/token")) == 1
    assert fake.calls("/cgi-bin/stable_token") == []


def test_it_says_which_credential_is_wrong(fake):
    with (
        WeChatClient(fake.appid, "wrong", api_base=fake.url, token_store=MemoryTokenStore()) as c,
        pytest.raises(WeChatError) as caught,
    ):
        c.upload_image(JPEG, "a.jpg")
    assert caught.value.errcode == 40125 and not caught.value.retryable
    assert "无效的 AppSecret" in str(caught.value)


def test_it_retries_a_short_term_rate_limit_with_growing_pauses(fake, client, pauses):
    fake.fail_next("/cgi-bin/media/uploadimg", 45009, times=2)

    url = client.upload_image(JPEG, "a.jpg")

    assert url and pauses == [1.0, 2.0]
    assert len(fake.calls("/cgi-bin/media/uploadimg")) == 3


def test_it_gives_up_on_the_rate_limit_after_its_retries(fake, client, pauses):
    fake.fail_next("/cgi-bin/media/uploadimg", 45009, times=5)

    with pytest.raises(WeChatRateLimited) as caught:
        client.upload_image(JPEG, "a.jpg")

    assert caught.value.retryable and pauses == [1.0, 2.0]
    assert "接口调用超过限制" in str(caught.value)


def test_it_does_not_wait_for_the_daily_quota(fake, client, pauses):
    fake.daily_quota = 1
    client.upload_image(JPEG, "a.jpg")

    with pytest.raises(WeChatRateLimited) as caught:
        client.upload_image(JPEG, "b.jpg")

    assert "daily quota" in caught.value.errmsg and pauses == []
    fake.reset_quota()
    assert client.upload_image(JPEG, "c.jpg")


def test_it_retries_system_busy(fake, client, pauses):
    fake.fail_next("/cgi-bin/freepublish/get", -1)
    publish_id = _publish_one(client)

    state = client.get_publish_status(publish_id)

    assert state.status == 0 and pauses == [1.0]


def test_it_never_repeats_a_draft_or_a_submit_by_itself(fake, client, pauses):
    thumb = client.add_material(JPEG, "cover.jpg")["media_id"]
    fake.fail_next("/cgi-bin/draft/add", -1)
    article = {"title": "标题", "content": "<p>正文</p>", "thumb_media_id": thumb}

    with pytest.raises(WeChatError) as caught:
        client.add_draft([article])

    assert caught.value.retryable and pauses == []
    assert len(fake.calls("/cgi-bin/draft/add")) == 1
    draft = client.add_draft([article])
    fake.fail_next("/cgi-bin/freepublish/submit", 45009)
    with pytest.raises(WeChatRateLimited):
        client.submit_publish(draft)
    assert len(fake.calls("/cgi-bin/freepublish/submit")) == 1


def test_it_reports_an_answer_that_is_not_json_as_retryable(fake, client):
    fake.malformed_next("/cgi-bin/draft/add")

    with pytest.raises(WeChatBadAnswer) as caught:
        client.add_draft([{"title": "标题", "content": "<p>正文</p>"}])

    assert caught.value.retryable
    assert "不是 JSON" in str(caught.value) and "502 Bad Gateway" in str(caught.value)


def test_it_reports_a_missing_field_as_a_bad_answer(fake, client):
    fake.server.route("POST", "/cgi-bin/media/uploadimg", lambda request: (200, {"errcode": 0}))

    with pytest.raises(WeChatBadAnswer, match="缺少 url"):
        client.upload_image(JPEG, "a.jpg")


def test_it_reports_an_http_error_page(fake, client):
    fake.server.route("POST", "/cgi-bin/media/uploadimg", lambda request: (502, b"<html>"))

    with pytest.raises(WeChatBadAnswer, match="HTTP 502"):
        client.upload_image(JPEG, "a.jpg")


def test_it_reports_a_timeout_as_unreachable():
    # A server that accepts the connection and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    host, port = listener.getsockname()
    try:
        with (
            WeChatClient(
                "wxappid",
                "secret",
                api_base=f"http://{host}:{port}",
                timeout=0.3,
                token_store=MemoryTokenStore(),
            ) as c,
            pytest.raises(WeChatUnreachable) as caught,
        ):
            c.access_token()
    finally:
        for conn in accepted:
            conn.close()
        listener.close()
    assert caught.value.retryable and "超时" in str(caught.value)


def test_it_publishes_polls_and_deletes(fake, client):
    fake.publish_after_polls = 2
    url = client.upload_image(JPEG, "body.jpg")
    publish_id = _publish_one(client)

    first = client.get_publish_status(publish_id)
    second = client.get_publish_status(publish_id)

    assert url in fake.images
    assert (first.status, first.meaning) == (1, "发布中")
    assert second.status == 0 and second.article_id and second.article_url
    assert [a["article_id"] for a in fake.published()] == [second.article_id]
    client.delete_publish(second.article_id)
    assert fake.published() == []
    assert client.get_publish_status(publish_id).status == 5
    assert client.get_article(second.article_id)[0]["is_deleted"] is True


def test_it_reads_review_rejection_with_the_failed_article(fake, client):
    fake.outcomes = [4]
    publish_id = _publish_one(client)

    state = client.get_publish_status(publish_id)

    assert (state.status, state.meaning, state.fail_idx) == (4, "平台审核不通过", (1,))


def test_it_reads_the_statistics(fake, client):
    fake.today = lambda: YESTERDAY  # published "yesterday"
    publish_id = _publish_one(client)
    client.get_publish_status(publish_id)
    fake.today = lambda: YESTERDAY + timedelta(days=1)

    summary = client.get_article_summary(YESTERDAY)
    again = client.get_article_summary(YESTERDAY)
    total = client.get_article_total(YESTERDAY)
    users = client.get_user_cumulate(YESTERDAY - timedelta(days=6), YESTERDAY)

    assert summary == again  # the same numbers every time
    assert summary[0]["title"] == "关于秋季开学的通知" and summary[0]["int_page_read_user"] >= 50
    assert total[0]["details"][0]["stat_date"] == YESTERDAY.isoformat()
    assert [row["ref_date"] for row in users][-1] == YESTERDAY.isoformat() and len(users) == 7
    with pytest.raises(ValueError):
        client.get_user_cumulate(YESTERDAY - timedelta(days=7), YESTERDAY)
    with pytest.raises(WeChatError) as caught:
        client.get_article_summary(YESTERDAY + timedelta(days=1))  # today: not ready
    assert caught.value.errcode == 61501


class DictTokenStore:
    """A store of our own, as a shared one (Redis, the database) would plug in."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.kept.get(key)

    def put(self, key: str, token: str, expires_at: float) -> None:
        self.kept[key] = token

    def discard(self, key: str, token: str) -> None:
        if self.kept.get(key) == token:
            del self.kept[key]


def test_it_takes_any_token_store(fake):
    store = DictTokenStore()
    with WeChatClient(fake.appid, fake.secret, api_base=fake.url, token_store=store) as c:
        c.upload_image(JPEG, "a.jpg")
    with WeChatClient(fake.appid, fake.secret, api_base=fake.url, token_store=store) as c:
        fake.invalidate_tokens()
        c.upload_image(JPEG, "b.jpg")

    assert len(fake.calls("/cgi-bin/stable_token")) == 2
    assert list(store.kept.values())[0] in fake.tokens


def test_it_runs_the_fake_as_its_own_process_for_the_demo():
    process = subprocess.Popen(
        [sys.executable, "-m", "govmedia.publishing.clients.fake_wechat", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        with WeChatClient(
            "wxfake0000000001",
            "fake-secret",
            api_base=url.group(0),
            token_store=MemoryTokenStore(),
        ) as c:
            assert _publish_one(c)
    finally:
        process.terminate()
        process.wait(10)
