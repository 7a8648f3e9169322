"""The Weibo client against the fake Weibo on loopback: what each documented answer becomes."""

from __future__ import annotations

import pytest

from govmedia.publishing.clients.fake_weibo import FakeWeibo
from govmedia.publishing.clients.weibo import (
    WeiboClient,
    WeiboMalformedAnswer,
    WeiboNotFound,
    WeiboRateLimited,
    WeiboRepeatedContent,
    WeiboTokenError,
)

LINK = "http://127.0.0.1/xxgk/jyj/2026-00001/"


@pytest.fixture
def fake():
    weibo = FakeWeibo()
    with weibo.server.serve():
        yield weibo


@pytest.fixture
def client(fake):
    pauses: list[float] = []
    client = WeiboClient(fake.access_token, api_base=fake.server.url, sleep=pauses.append)
    client.pauses = pauses  # type: ignore[attr-defined]
    return client


def test_it_posts_a_text_with_a_picture_as_multipart_and_gets_the_post_id(fake, client):
    post = client.share(f"【开学通知】请于9月1日前完成检查。 全文：{LINK}", pic=b"\xff\xd8jpeg")

    stored = fake.posts[post["idstr"]]
    assert stored.pic == b"\xff\xd8jpeg" and LINK in stored.text
    assert (
        fake.server.calls("/2/statuses/share.json")[0]
        .headers["content-type"]
        .startswith("multipart/form-data")
    )
    assert [s["idstr"] for s in client.user_timeline()] == [post["idstr"]]


def test_it_says_the_token_expired_and_does_not_retry(fake, client):
    fake.expire_token()

    with pytest.raises(WeiboTokenError) as caught:
        client.user_timeline()

    assert caught.value.error_code == 21327
    assert len(fake.server.calls("/2/statuses/user_timeline.json")) == 1


def test_it_tells_an_unknown_token_apart(fake):
    with pytest.raises(WeiboTokenError) as caught:
        WeiboClient("not-the-token", api_base=fake.server.url).user_show(fake.uid)
    assert caught.value.error_code == 21332


def test_it_reports_a_rate_limit_with_its_scope_without_hammering(fake, client):
    fake.rate_limit(1, code=10024)

    with pytest.raises(WeiboRateLimited) as caught:
        client.share(f"一条通知 {LINK}")

    # The window is an hour: the delivery's back-off retries, not the client.
    assert caught.value.scope == "接口" and caught.value.retryable
    assert fake.live_posts() == []


def test_it_retries_a_read_whose_answer_was_malformed(fake, client):
    fake.malformed_next_read(1)

    assert client.user_show(fake.uid)["followers_count"] == fake.followers_count
    assert len(fake.server.calls("/2/users/show.json")) == 2
    assert client.pauses == [0.5]


def test_it_never_takes_a_malformed_share_answer_for_success_nor_repeats_the_post(fake, client):
    fake.malformed_next_share(1)

    with pytest.raises(WeiboMalformedAnswer):
        client.share(f"一条通知 {LINK}")

    # Weibo kept the post; the client did not send it again on its own.
    assert len(fake.live_posts()) == 1
    assert len(fake.server.calls("/2/statuses/share.json")) == 1


def test_it_reports_repeated_content_and_a_post_already_deleted(fake, client):
    post = client.share(f"一条通知 {LINK}")
    with pytest.raises(WeiboRepeatedContent) as caught:
        client.share(f"一条通知 {LINK}")
    assert caught.value.error_code == 20019

    client.destroy(post["idstr"])
    with pytest.raises(WeiboNotFound):
        client.destroy(post["idstr"])


def test_it_refuses_nothing_itself_but_the_fake_holds_weibos_rules(fake, client):
    with pytest.raises(Exception) as no_link:
        client.share("一条没有链接的通知")
    assert "safe domain" in str(no_link.value)
    with pytest.raises(Exception) as too_long:
        client.share("长" * 141 + f" {LINK}")
    assert "20012" in str(too_long.value)


def test_it_counts_more_than_a_hundred_posts_in_calls_of_a_hundred(fake, client):
    ids = [client.share(f"第{n}条 {LINK}{n}")["idstr"] for n in range(3)]
    fake.set_counts(ids[0], comments=2, reposts=3, attitudes=5)

    counts = client.counts(ids + [str(n) for n in range(120)])

    assert {"id": ids[0], "comments": 2, "reposts": 3, "attitudes": 5} in counts
    assert len(counts) == 3
    assert len(fake.server.calls("/2/statuses/count.json")) == 2


def test_a_gateways_429_is_a_rate_limit_with_its_retry_after(fake, client):
    fake.server.route(
        "POST",
        "/2/statuses/share.json",
        lambda request: (429, b"<html>Too Many Requests</html>", {"Retry-After": "300"}),
    )

    with pytest.raises(WeiboRateLimited) as caught:
        client.share(f"【开学通知】请于9月1日前完成检查。 全文：{LINK}")

    assert caught.value.error_code == 429 and caught.value.retry_after == 300
    assert fake.posts == {}


def test_retry_after_is_read_as_seconds_or_an_http_date():
    from govmedia.publishing.clients.transport import retry_after_seconds

    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412420.0) == 60
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
