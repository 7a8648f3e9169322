"""Coverage of one release: the channels that carried an item, and when each first did."""

from __future__ import annotations

import pytest
from django.urls import reverse

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import actions, publishers
from govmedia.publishing.models import ChannelTodo, Delivery, ItemPage, TodoKind
from govmedia.publishing.publishers.base import Publisher, Receipt
from govmedia.publishing.tests.factories import draft_item
from govmedia.reach import coverage

pytestmark = pytest.mark.django_db


class RemoteWeChat(Publisher):
    """Stands in for the WeChat platform: answers every post with its address."""

    name = "reach_test_wechat"
    label = "微信公众号（测试）"

    def publish(self, delivery, item) -> Receipt:
        return Receipt(
            external_id=f"wx-{delivery.pk}",
            external_url=f"https://mp.weixin.qq.com/s/r{delivery.pk}",
        )


@pytest.fixture
def released(people, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setitem(publishers.PUBLISHERS, RemoteWeChat.name, RemoteWeChat)
    monkeypatch.setitem(
        publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WECHAT, RemoteWeChat.name
    )
    wechat = Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育发布", account_id="gh_e"
    )
    douyin = Channel.objects.create(
        department=people.education, kind=ChannelKind.DOUYIN, name="示例教育抖音", account_id="dy"
    )
    item = draft_item(people.education, people.editor)
    item.channels = [wechat, douyin]
    item.save_revision(user=people.editor)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_submit_item(people.editor, item)
        actions.do_workflow_action(
            people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
        )
        actions.do_workflow_action(people.approver, item, "approve")
    item = ItemPage.objects.get(pk=item.pk)
    todo = ChannelTodo.objects.get(page=item, channel=douyin, kind=TodoKind.PUBLISH)
    actions.do_complete_channel_todo(
        people.editor, todo, external_url="https://www.douyin.com/video/123"
    )
    return item, wechat, douyin


def test_it_lists_each_channel_that_carried_the_item_with_its_first_sent_time(people, released):
    item, wechat, douyin = released
    carried = {c.channel_name: c for c in coverage.for_item(item)}
    assert {"示例教育发布", "示例教育抖音"} <= set(carried)
    sent = Delivery.objects.get(page=item, channel=wechat)
    assert carried["示例教育发布"].first_sent_at == sent.sent_at is not None
    assert carried["示例教育发布"].external_url == sent.external_url
    assert carried["示例教育发布"].how == "自动发布"
    todo = ChannelTodo.objects.get(page=item, channel=douyin)
    assert carried["示例教育抖音"].first_sent_at == todo.done_at
    assert carried["示例教育抖音"].how == "人工发布"
    times = [c.first_sent_at for c in coverage.for_item(item) if c.first_sent_at]
    assert times == sorted(times) and coverage.first_sent_at(item) == times[0]


def test_the_item_record_page_shows_the_coverage(client, people, released):
    item, _wechat, _douyin = released
    client.force_login(people.editor)
    page = client.get(reverse("publishing_item_record", args=[item.pk])).content.decode()
    assert 'id="reach-coverage"' in page and "渠道覆盖" in page
    assert "https://www.douyin.com/video/123" in page and "人工发布" in page


def test_an_item_sent_nowhere_has_no_coverage(people):
    item = draft_item(people.education, people.editor)
    assert coverage.for_item(item) == []
