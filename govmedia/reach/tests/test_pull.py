"""Pulling statistics from the loopback fakes of WeChat and Weibo: stored once, however often pulled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing.clients.fake_wechat import FakeWeChat
from govmedia.publishing.clients.fake_weibo import FakeWeibo
from govmedia.publishing.clients.wechat import WeChatClient
from govmedia.publishing.clients.weibo import WeiboClient
from govmedia.publishing.credentials import set_credentials
from govmedia.publishing.models import Delivery, DeliveryStatus
from govmedia.publishing.tests.factories import draft_item
from govmedia.reach import pull
from govmedia.reach.models import AccountDay, IndexScore, Post, PostStat

pytestmark = pytest.mark.django_db
YESTERDAY = date(2026, 11, 26)
JPEG = b"\xff\xd8\xff\xe0fake-jpeg-bytes"
LINK = "http://127.0.0.1/xxgk/jyj/2026-00001/"


def _rows():
    return sorted(
        PostStat.objects.values_list(
            "post__external_id", "day", "kind", "reads", "shares", "favourites", "likes", "comments"
        )
    )


@pytest.fixture
def wechat_fake():
    with FakeWeChat(today=lambda: YESTERDAY) as server:
        yield server


def test_it_pulls_a_wechat_accounts_day_and_a_second_pull_changes_nothing(people, wechat_fake):
    channel = Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育发布", account_id="gh"
    )
    set_credentials(
        channel,
        {"appid": wechat_fake.appid, "secret": wechat_fake.secret, "api_base": wechat_fake.url},
    )
    with WeChatClient(wechat_fake.appid, wechat_fake.secret, api_base=wechat_fake.url) as client:
        thumb = client.add_material(JPEG, "cover.jpg")["media_id"]
        draft = client.add_draft(
            [{"title": "秋季学期开学安排", "content": "<p>正文</p>", "thumb_media_id": thumb}]
        )
        client.get_publish_status(client.submit_publish(draft).publish_id)
        wechat_fake.today = lambda: YESTERDAY + timedelta(days=1)
        summary = client.get_article_summary(YESTERDAY)
        before, followers = (
            row["cumulate_user"]
            for row in client.get_user_cumulate(YESTERDAY - timedelta(days=1), YESTERDAY)
        )

    assert channel in pull.pullable_channels()
    pull.pull_channel(channel, YESTERDAY)
    post = Post.objects.get(channel=channel)
    assert post.external_id == summary[0]["msgid"] and post.title == "秋季学期开学安排"
    assert post.is_headline and post.reads >= summary[0]["int_page_read_count"] > 0
    assert timezone.localtime(post.published_at).date() == YESTERDAY and not post.time_known
    day = AccountDay.objects.get(channel=channel, day=YESTERDAY)
    assert (day.followers, day.new_followers, day.posts) == (followers, followers - before, 1)
    score = IndexScore.objects.get(channel=channel, period="day", start=YESTERDAY)
    assert score.index == "WCI" and score.version == "WCI V14.2" and score.value > 0

    before = _rows()
    pull.pull_channel(channel, YESTERDAY)
    assert _rows() == before and Post.objects.count() == 1
    assert AccountDay.objects.filter(channel=channel).count() == 1


@pytest.fixture
def weibo_fake():
    weibo = FakeWeibo()
    with weibo.server.serve():
        yield weibo


def test_it_pulls_a_weibo_accounts_counts_and_followers(people, weibo_fake):
    channel = Channel.objects.create(
        department=people.education, kind=ChannelKind.WEIBO, name="示例教育微博", account_id="w"
    )
    set_credentials(
        channel,
        {
            "access_token": weibo_fake.access_token,
            "uid": weibo_fake.uid,
            "api_base": weibo_fake.server.url,
        },
    )
    client = WeiboClient(weibo_fake.access_token, api_base=weibo_fake.server.url)
    status = client.share(f"【开学通知】请于9月1日前完成检查。 全文：{LINK}")
    weibo_fake.set_counts(status["idstr"], comments=5, reposts=7, attitudes=30)
    item = draft_item(people.education, people.editor)
    Delivery.objects.create(
        page=item,
        channel=channel,
        publisher="weibo",
        idempotency_key="reach-test-weibo",
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        external_id=status["idstr"],
        external_url=f"https://weibo.com/{weibo_fake.uid}/{status['idstr']}",
    )

    pull.pull_channel(channel, YESTERDAY)
    post = Post.objects.get(channel=channel)
    assert (post.shares, post.comments, post.likes) == (7, 5, 30)
    assert post.page_id == item.pk and post.title == item.title
    day = AccountDay.objects.get(channel=channel, day=YESTERDAY)
    assert (day.followers, day.statuses_total) == (weibo_fake.followers_count, 1)
    assert IndexScore.objects.get(channel=channel, period="month").version == "BCI（四项版）"

    before = _rows()
    pull.pull_channel(channel, YESTERDAY)
    assert _rows() == before

    # The next day: one more status, more followers; the day's posts come from the difference.
    client.share(f"【开学通知】补充说明。 全文：{LINK}")
    weibo_fake.followers_count += 100
    pull.pull_channel(channel, YESTERDAY + timedelta(days=1))
    after = AccountDay.objects.get(channel=channel, day=YESTERDAY + timedelta(days=1))
    assert (after.posts, after.new_followers) == (1, 100)


def test_a_failing_channel_does_not_stop_the_others_and_the_job_says_so(people, weibo_fake):
    broken = Channel.objects.create(
        department=people.education, kind=ChannelKind.WEIBO, name="失效账号", account_id="x"
    )
    set_credentials(
        broken, {"access_token": "wrong", "uid": "1", "api_base": weibo_fake.server.url}
    )
    good = Channel.objects.create(
        department=people.transport, kind=ChannelKind.WEIBO, name="示例交通", account_id="y"
    )
    set_credentials(
        good,
        {
            "access_token": weibo_fake.access_token,
            "uid": weibo_fake.uid,
            "api_base": weibo_fake.server.url,
        },
    )
    with pytest.raises(RuntimeError, match=str(broken.pk)):
        pull.pull_yesterday()
    assert AccountDay.objects.filter(channel=good).exists()
    assert not AccountDay.objects.filter(channel=broken).exists()
