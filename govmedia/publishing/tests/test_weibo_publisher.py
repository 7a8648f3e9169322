"""An item to a Weibo account (the fake Weibo on loopback), end to end through the delivery task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govmedia.core.models import WorkerProcess
from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import actions, publishers
from govmedia.publishing.clients.fake_weibo import FakeWeibo
from govmedia.publishing.credentials import set_credentials
from govmedia.publishing.models import Delivery, DeliveryStatus, ItemPage, RetractStatus
from govmedia.publishing.publishers.portal import public_url
from govmedia.publishing.publishers.weibo import WeiboPublisher, cut_to
from govmedia.publishing.tasks import recover_deliveries, retry_due_deliveries, run_delivery
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

SUMMARY = (
    "各区县教育局要在9月1日前完成校舍安全检查。开学前要组织教职工培训，做好食堂、宿舍和校车的检查。"
    "对发现的隐患要建立台账，逐项整改到位。"
)


@pytest.fixture
def fake(settings):
    settings.SITE_URL = "https://www.shili.gov.cn"
    weibo = FakeWeibo(safe_domains=("shili.gov.cn",))
    with weibo.server.serve():
        yield weibo


@pytest.fixture
def channel(people, fake, monkeypatch):
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WEIBO, "weibo")
    weibo = Channel.objects.create(
        department=people.education,
        kind=ChannelKind.WEIBO,
        name="示例教育发布",
        url="https://weibo.com/x",
    )
    set_credentials(
        weibo, {"access_token": fake.access_token, "uid": fake.uid, "api_base": fake.server.url}
    )
    return weibo


@pytest.fixture
def publish_to(people, django_capture_on_commit_callbacks):
    def publish(channel, *, summary=SUMMARY) -> ItemPage:
        item = draft_item(people.education, people.editor)
        item.channels = [channel]
        item.summary = summary
        item.save_revision(user=people.editor)
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_submit_item(people.editor, item)
            actions.do_workflow_action(
                people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
            )
            actions.do_workflow_action(people.approver, item, "approve")
        return ItemPage.objects.get(pk=item.pk)

    return publish


def _weibo_delivery(item) -> Delivery:
    return Delivery.objects.filter(page_id=item.pk, publisher="weibo").latest("created_at")


def _record_page(client, people, item) -> str:
    """The item's 发布与档案 page as its editor sees it."""
    client.force_login(people.editor)
    response = client.get(f"/admin/items/{item.pk}/record/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_posts_the_item_once_with_its_address_and_records_the_post(fake, channel, publish_to):
    item = publish_to(channel)

    delivery = _weibo_delivery(item)
    assert delivery.status == DeliveryStatus.SENT
    [post] = fake.live_posts()
    assert post.text.startswith(f"【{item.title}】各区县教育局")
    assert post.text.endswith(f"全文：{public_url(item)}")
    assert delivery.external_id == post.id
    assert delivery.external_url == f"https://weibo.com/{fake.uid}/{post.id}"

    # Run again (a duplicate task): the claim refuses, nothing is posted.
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(fake.live_posts()) == 1


def test_it_cuts_a_long_summary_at_a_sentence_within_the_limit(people, channel, settings):
    settings.GOVMEDIA_WEIBO_TEXT_LIMIT = 80
    item = draft_item(people.education, people.editor)
    item.summary = SUMMARY * 3

    rendition = WeiboPublisher().render(item, channel)

    assert rendition["length"] <= 80 and rendition["correction"] is False
    lead = rendition["text"].split("】", 1)[1].split(" 全文：")[0]
    assert lead.endswith("。") and SUMMARY.startswith(lead[:20])
    assert cut_to("没有句号的一段很长很长的话", 5) == "没有句号…"


def test_a_malformed_answer_is_visible_and_the_retry_finds_the_post_instead_of_posting_again(
    people, client, fake, channel, publish_to
):
    fake.malformed_next_share(1)

    item = publish_to(channel)

    delivery = _weibo_delivery(item)
    assert delivery.status == DeliveryStatus.FAILED
    assert "无法识别的应答" in delivery.last_error
    assert len(fake.live_posts()) == 1  # Weibo kept it
    page = _record_page(client, people, item)
    assert "失败" in page and "微博接口返回了无法识别的应答" in page and "自动重试" in page

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    delivery.refresh_from_db()
    [post] = fake.live_posts()
    assert delivery.external_id == post.id and delivery.last_error == ""
    assert len(fake.server.calls("/2/statuses/share.json")) == 1


def test_an_expired_token_is_a_clear_error_and_nothing_is_posted(
    people, client, fake, channel, publish_to
):
    fake.expire_token()

    item = publish_to(channel)

    delivery = _weibo_delivery(item)
    assert delivery.status == DeliveryStatus.FAILED
    assert "授权已过期" in delivery.last_error and "21327" in delivery.last_error
    assert fake.live_posts() == []
    # Not retried blindly: only a person can authorise the account again.
    assert delivery.next_attempt_at is None
    assert retry_due_deliveries() == 0
    page = _record_page(client, people, item)
    assert "需要重新授权" in page and "不再自动重试，需人工处理后重新发送" in page
    assert len(fake.server.calls("/2/statuses/share.json")) == 1

    # A person authorises again and stores the new token; the retry posts once.
    fake.renew_token("renewed-token")
    set_credentials(channel, {"access_token": "renewed-token"})
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(fake.live_posts()) == 1


def test_a_rate_limit_waits_for_the_next_hourly_window(people, client, fake, channel, publish_to):
    fake.rate_limit(1, code=10024)
    before = timezone.now()

    item = publish_to(channel)

    delivery = _weibo_delivery(item)
    assert delivery.status == DeliveryStatus.FAILED
    assert "频次超过上限" in delivery.last_error and "下一个小时计数周期" in delivery.last_error
    # Not in seconds or minutes: at the start of Weibo's next hour (GOVMEDIA_WEIBO_RATE_WINDOW).
    due = delivery.next_attempt_at
    assert due.timestamp() % 3600 == 0 and before < due <= timezone.now() + timedelta(hours=1)
    page = _record_page(client, people, item)
    shown = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    assert "频次超过上限" in page and f"将于 {shown} 自动重试" in page
    assert retry_due_deliveries() == 0  # not due yet
    assert fake.live_posts() == []

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(fake.live_posts()) == 1 and fake.duplicates() == 0


def test_a_rate_limit_with_retry_after_waits_as_long_as_weibo_says(fake, channel, publish_to):
    fake.rate_limit(1, code=10023, retry_after=120)

    item = publish_to(channel)

    delivery = _weibo_delivery(item)
    assert delivery.status == DeliveryStatus.FAILED and "等待时间" in delivery.last_error
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=100) < wait <= timedelta(seconds=120)
    assert fake.live_posts() == []


def test_a_delivery_left_sending_by_a_dead_worker_is_resumed_from_the_timeline(
    fake, channel, publish_to
):
    item = publish_to(channel)
    delivery = _weibo_delivery(item)
    [post] = fake.live_posts()
    # As if the worker died after Weibo took the post and before the row said so.
    old = timezone.now() - timedelta(minutes=2)
    WorkerProcess.objects.create(
        worker_id="dead-worker", hostname="elsewhere", pid=1, started_at=old, heartbeat_at=old
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_by="dead-worker", external_id="", progress={}
    )

    recover_deliveries()  # tasks run inline in tests: taken back and resumed

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.external_id == post.id
    assert len(fake.live_posts()) == 1
    assert len(fake.server.calls("/2/statuses/share.json")) == 1


def test_a_repeated_content_refusal_is_taken_as_sent_when_the_timeline_has_our_post(
    fake, channel, publish_to
):
    item = publish_to(channel)
    delivery = _weibo_delivery(item)
    [post] = fake.live_posts()
    # A sender that does not know: no attempt recorded, nothing remembered.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=0, external_id="", progress={}
    )

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    delivery.refresh_from_db()
    assert delivery.external_id == post.id
    assert len(fake.live_posts()) == 1


def test_a_correction_is_a_new_post_marked_and_linking_to_the_item(
    people, fake, channel, publish_to, django_capture_on_commit_callbacks
):
    item = publish_to(channel)
    item.body = "<p>更正后的正文。</p>"
    item.correction_note = "开学准备截止日期有误，更正为8月31日。"
    with django_capture_on_commit_callbacks(execute=True):
        item.save_revision(user=people.editor).publish(user=None)

    first, correction = sorted(fake.live_posts(), key=lambda p: int(p.id))
    assert not first.text.startswith("【更正】")
    assert correction.text.startswith(f"【更正】{item.title}：开学准备截止日期有误")
    assert correction.text.endswith(public_url(item))
    statuses = Delivery.objects.filter(page_id=item.pk, publisher="weibo")
    assert {d.status for d in statuses} == {DeliveryStatus.SENT} and statuses.count() == 2


def test_a_withdrawal_deletes_the_post_and_a_post_already_gone_counts_as_done(
    people, fake, channel, publish_to, django_capture_on_commit_callbacks
):
    item = publish_to(channel)
    delivery = _weibo_delivery(item)

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_withdraw_item(people.approver, item, "通知中的日期有误。", category="error")

    delivery.refresh_from_db()
    assert delivery.retract_status == RetractStatus.DONE
    assert fake.live_posts() == []

    # Retracting again (a lost answer): Weibo says it does not exist, which is done.
    WeiboPublisher().retract(delivery, item)


def test_the_bodys_first_image_goes_with_the_post_as_its_picture(fake, channel, publish_to, people):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="校舍", file=get_test_image_file())
    item = draft_item(people.education, people.editor)
    item.body = f'<p>检查要求如下。</p><embed embedtype="image" format="fullwidth" id="{image.pk}" alt="校舍"/>'

    rendition = WeiboPublisher().render(item, channel)

    assert rendition["image_id"] == image.pk
    with image.file.open("rb") as handle:
        assert WeiboPublisher._picture(image.pk) == handle.read()


def test_a_repeat_that_cannot_be_checked_now_is_a_visible_failure_not_a_stuck_send(
    fake, channel, publish_to
):
    item = publish_to(channel)
    delivery = _weibo_delivery(item)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=0, external_id="", progress={}
    )
    fake.rate_limit(1, code=10023, path="/2/statuses/user_timeline.json")

    assert run_delivery(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert "频次超过上限" in delivery.last_error
    assert len(fake.live_posts()) == 1


def test_the_preview_shows_the_picture_that_goes_with_the_post(people, client, channel):
    from django.urls import reverse
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from govmedia.publishing.tests.adminforms import form_data

    image = get_image_model().objects.create(title="校舍", file=get_test_image_file())
    item = draft_item(
        people.education,
        people.editor,
        body=f'<p>检查要求如下。</p><embed embedtype="image" format="fullwidth" id="{image.pk}" alt="校舍"/>',
    )
    client.force_login(people.editor)
    data = form_data(client.get(reverse("wagtailadmin_pages:edit", args=[item.pk])).text)
    data["channels"] = [str(channel.pk)]
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[item.pk])
    assert client.post(url, data).json()["is_valid"]

    shown = client.get(url, {"mode": "weibo"}).text

    picture = image.get_rendition("max-800x800").url
    assert f'<img class="pic" src="{picture}" alt="配图">' in shown
