"""One item, signed off once, fanned out by the worker to the portal, WeChat and Weibo.

The must-show of issue 13: the editor submits through the item editor, the
reviewer and the approver act through the admin's workflow URLs as they do in
a browser, the worker (`govmedia worker --once`, tasks in the database) sends,
and each loopback fake receives its own rendition, the one signed off, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.urls import reverse

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import publishers
from govmedia.publishing.clients.fake_wechat import FakeWeChat
from govmedia.publishing.clients.fake_weibo import FakeWeibo
from govmedia.publishing.credentials import set_credentials
from govmedia.publishing.models import ChannelRendition, Delivery, DeliveryStatus, ItemPage
from govmedia.publishing.publishers.wechat import WeChatPublisher
from govmedia.publishing.tests.adminforms import form_data
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

DRAFT_ADD = "/cgi-bin/draft/add"
SUBMIT = "/cgi-bin/freepublish/submit"
SHARE = "/2/statuses/share.json"
SUMMARY = "各区县教育局要在9月1日前完成校舍安全检查，开学前组织教职工培训。"


@pytest.fixture
def fakes(settings) -> Iterator[tuple[FakeWeChat, FakeWeibo]]:
    settings.SITE_URL = "https://www.shili.gov.cn"
    weibo = FakeWeibo(safe_domains=("shili.gov.cn",))
    with FakeWeChat() as wechat, weibo.server.serve():
        yield wechat, weibo


@pytest.fixture
def channels(people, fakes, monkeypatch) -> tuple[Channel, Channel]:
    wechat_fake, weibo_fake = fakes
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WECHAT, "wechat")
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WEIBO, "weibo")
    monkeypatch.setattr(WeChatPublisher, "poll_pauses", ())
    wechat = Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育", account_id="sl-jy"
    )
    set_credentials(
        wechat,
        {"appid": wechat_fake.appid, "secret": wechat_fake.secret, "api_base": wechat_fake.url},
    )
    weibo = Channel.objects.create(
        department=people.education, kind=ChannelKind.WEIBO, name="示例教育发布"
    )
    set_credentials(
        weibo,
        {
            "access_token": weibo_fake.access_token,
            "uid": weibo_fake.uid,
            "api_base": weibo_fake.server.url,
        },
    )
    return wechat, weibo


@pytest.fixture
def worker(settings, monkeypatch):
    """`govmedia worker --once` on the tasks queued in the test's own database.

    The database task backend queues; the worker claims and runs each task as
    in production. Only its "close stale connections" is made a no-op: the
    test's database lives inside one transaction.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.GOVMEDIA_WORKER_HEARTBEAT = 3600  # no heartbeat thread writing during the test

    def run() -> None:
        call_command("worker", "--once", "--no-scheduler", verbosity=0)

    return run


def _workflow_action(client, user, item, action: str, **data):
    client.force_login(user)
    state = ItemPage.objects.get(pk=item.pk).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[item.pk, action, state.pk])
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.content[:500]
    return response


def test_one_sign_off_reaches_portal_wechat_and_weibo_each_once_in_its_own_form(
    people, client, fakes, channels, worker, django_capture_on_commit_callbacks
):
    wechat_fake, weibo_fake = fakes
    wechat, weibo = channels
    item = draft_item(people.education, people.editor)

    # The editor chooses the channels and submits, in the item editor.
    client.force_login(people.editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[item.pk])
    data = form_data(client.get(edit_url).content.decode())
    data["channels"] = [str(wechat.pk), str(weibo.pk)]
    data["summary"] = [SUMMARY]
    data["action-submit"] = ["1"]
    assert client.post(edit_url, data).status_code == 302
    item = ItemPage.objects.get(pk=item.pk)
    assert item.current_workflow_state is not None

    _workflow_action(
        client, people.reviewer, item, "approve", content_ok="on", secrecy_ok="on", comment="同意"
    )
    # At the approval step each channel's rendition is stored, to be signed off with the item.
    stored = {r.channel_id: r for r in ChannelRendition.objects.filter(page_id=item.pk)}
    assert set(stored) == {wechat.pk, weibo.pk}

    # Signed off once, by the approver, through the admin.
    with django_capture_on_commit_callbacks(execute=True):
        _workflow_action(client, people.approver, item, "approve", comment="")
    item = ItemPage.objects.get(pk=item.pk)
    assert item.live
    assert not Delivery.objects.filter(page_id=item.pk, status=DeliveryStatus.SENT).exists()

    worker()

    deliveries = {d.publisher: d for d in Delivery.objects.filter(page_id=item.pk)}
    assert set(deliveries) == {"portal", "wechat", "weibo"}
    for delivery in deliveries.values():
        assert delivery.status == DeliveryStatus.SENT, (delivery.publisher, delivery.last_error)
        assert delivery.external_id and delivery.attempts == 1 and delivery.sent_at is not None
    for channel in (wechat, weibo):
        rendition = ChannelRendition.objects.get(pk=stored[channel.pk].pk)
        assert rendition.signed_off_by == people.approver

    # WeChat: one draft, one publication, carrying the article signed off.
    signed = stored[wechat.pk].content
    [draft_call] = wechat_fake.calls(DRAFT_ADD)
    [submit_call] = wechat_fake.calls(SUBMIT)
    [article] = json.loads(draft_call.body)["articles"]
    for key in ("title", "author", "digest", "content", "content_source_url"):
        assert article[key] == signed[key], key
    [published] = wechat_fake.published()
    assert (
        json.loads(submit_call.body)["media_id"] == deliveries["wechat"].progress["draft_media_id"]
    )
    assert deliveries["wechat"].external_id == published["article_id"]

    # Weibo: one post, with the text signed off.
    [share] = weibo_fake.server.calls(SHARE)
    [post] = weibo_fake.live_posts()
    assert post.text == stored[weibo.pk].content["text"]
    assert deliveries["weibo"].external_id == post.id
    assert weibo_fake.duplicates() == 0

    # The portal: the page is public.
    assert client.get(item.url).status_code == 200

    # The worker again (a duplicate run): nothing more is sent anywhere.
    worker()
    assert len(wechat_fake.calls(DRAFT_ADD)) == len(wechat_fake.calls(SUBMIT)) == 1
    assert len(weibo_fake.server.calls(SHARE)) == 1
