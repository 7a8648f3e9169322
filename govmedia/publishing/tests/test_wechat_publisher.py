"""WeChat official accounts: an item goes out once, each step recorded, every failure visible."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import actions, publishers
from govmedia.publishing.clients.fake_wechat import FakeWeChat
from govmedia.publishing.credentials import set_credentials
from govmedia.publishing.models import Delivery, DeliveryStatus, ItemPage, RetractStatus
from govmedia.publishing.publishers.wechat import WeChatPublisher
from govmedia.publishing.tasks import run_delivery
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

DRAFT_ADD = "/cgi-bin/draft/add"
SUBMIT = "/cgi-bin/freepublish/submit"


def _photo() -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 480), "#2a6fb0").save(buffer, "PNG")
    return Image.objects.create(
        title="开学检查现场", file=ImageFile(io.BytesIO(buffer.getvalue()), name="school.png")
    )


@pytest.fixture
def fake() -> Iterator[FakeWeChat]:
    with FakeWeChat() as server:
        yield server


@pytest.fixture
def wechat(people, fake, monkeypatch):
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WECHAT, "wechat")
    # Polling waits for nothing here; "still publishing" is shown by the fake's state.
    monkeypatch.setattr(WeChatPublisher, "poll_pauses", ())
    channel = Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育", account_id="sl-jy"
    )
    set_credentials(channel, {"appid": fake.appid, "secret": fake.secret, "api_base": fake.url})
    return channel


@pytest.fixture
def publish_to(people, django_capture_on_commit_callbacks):
    def publish(channel, **kwargs) -> ItemPage:
        item = draft_item(people.education, people.editor, **kwargs)
        item.channels = [channel]
        item.save_revision(user=people.editor)
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_submit_item(people.editor, item)
            actions.do_workflow_action(
                people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
            )
            actions.do_workflow_action(people.approver, item, "approve")
        return ItemPage.objects.get(pk=item.pk)

    return publish


def _delivery(item, channel) -> Delivery:
    return Delivery.objects.get(page_id=item.pk, channel=channel)


def test_it_publishes_the_article_once_with_every_remote_id_recorded(fake, wechat, publish_to):
    photo = _photo()
    body = (
        "<p>各区县教育局：请于9月1日前完成校舍安全检查。</p>"
        f'<embed embedtype="image" id="{photo.pk}" format="fullwidth" alt="检查现场"/>'
        '<p>详见<a href="https://www.example.org/notice">通知原文</a>，'
        '往期见<a href="https://mp.weixin.qq.com/s/AbCdEf">上一期文章</a>。</p>'
    )

    item = publish_to(wechat, body=body)

    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.SENT and delivery.last_error == ""
    [article] = fake.published()
    assert delivery.external_id == article["article_id"]
    assert delivery.external_url == article["url"]
    progress = delivery.progress
    assert progress["thumb_media_id"] in fake.materials
    assert list(progress["images"].values()) == fake.images
    assert progress["publish_id"] in fake.tasks and progress["draft_media_id"]
    assert len(fake.calls(DRAFT_ADD)) == len(fake.calls(SUBMIT)) == 1

    sent = article["articles"][0]
    assert sent["title"] == item.title and sent["author"] == "示例市教育局"
    assert sent["content_source_url"].endswith(f"/{item.slug}/")
    assert sent["thumb_media_id"] == progress["thumb_media_id"]
    # The body image is WeChat's copy; the outside link is written out, WeChat's own kept.
    assert f'src="{fake.images[0]}"' in sent["content"]
    assert "通知原文（https://www.example.org/notice）" in sent["content"]
    assert '<a href="https://mp.weixin.qq.com/s/AbCdEf"' in sent["content"]
    assert 'example.org/notice"' not in sent["content"]


def test_it_renders_inline_styles_only_without_scripts_or_frames(people, wechat):
    body = (
        '<h2 class="title" id="t1">一、总体要求</h2>'
        '<p class="lead" style="color:red">正文<script>alert(1)</script>内容</p>'
        '<style>p{color:red}</style><iframe src="https://evil.example/"></iframe>'
        '<embed embedtype="media" url="https://v.example.org/1"/>'
        '<ul><li>第一项</li></ul><p><a linktype="page" id="99999">失效链接</a></p>'
    )
    item = draft_item(people.education, people.editor, body=body)

    rendition = WeChatPublisher().render(item, wechat)

    content = rendition["content"]
    assert "<script" not in content and "<style" not in content and "<iframe" not in content
    assert "alert" not in content and "p{color" not in content
    assert "class=" not in content and "id=" not in content
    assert re.findall(r"<(p|h2|ul|li)[ >]", content) and not re.findall(r"<(p|h2|ul|li)>", content)
    assert "一、总体要求" in content and "视频：https://v.example.org/1" in content
    assert "失效链接" in content and "<a" not in content
    assert rendition["cover"] == {"default": True} and rendition["images"] == []
    assert len(rendition["digest"]) <= 120 and rendition["author"] == "示例市教育局"
    assert any("视频" in note for note in rendition["notes"])


def test_it_cuts_a_long_title_and_digest_and_says_so(people, wechat):
    title = "关于印发示例市2026年度义务教育阶段学校招生入学工作实施方案及相关配套政策的通知"
    item = draft_item(
        people.education, people.editor, title=title, body="<p>" + "字" * 300 + "</p>"
    )

    rendition = WeChatPublisher().render(item, wechat)

    assert len(rendition["title"]) == 32 and rendition["title"].endswith("…")
    assert len(rendition["digest"]) == 120
    assert any("标题超过 32 字" in note for note in rendition["notes"])


def test_it_resumes_after_a_lost_draft_answer_without_a_second_draft(fake, wechat, publish_to):
    fake.garble_next(DRAFT_ADD)  # the draft is made, its answer lost

    item = publish_to(wechat)

    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.FAILED
    assert "微信接口的应答无法识别" in delivery.last_error
    assert delivery.progress["draft_pending"] and not delivery.progress.get("draft_media_id")

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    assert len(fake.calls(DRAFT_ADD)) == 1 and len(fake.calls(SUBMIT)) == 1
    assert len(fake.published()) == 1


def test_it_resumes_after_a_lost_submit_answer_without_a_second_submit(fake, wechat, publish_to):
    fake.garble_next(SUBMIT)  # submitted, its answer lost

    item = publish_to(wechat)

    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.progress["submit_pending"] and not delivery.progress.get("publish_id")

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    delivery.refresh_from_db()
    [article] = fake.published()
    assert delivery.external_id == article["article_id"]
    assert len(fake.calls(SUBMIT)) == 1


def test_it_asks_before_resending_when_the_sender_died_after_submitting(fake, wechat, publish_to):
    fake.publish_after_polls = 5
    item = publish_to(wechat)
    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.FAILED
    assert "仍在发布中" in delivery.last_error

    fake.publish_after_polls = 1
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    assert len(fake.calls(SUBMIT)) == 1 and len(fake.published()) == 1


def test_it_survives_an_expired_token(fake, wechat, publish_to):
    publish_to(wechat)
    fake.expire_tokens()

    item = publish_to(wechat, title="关于开展秋季校园安全检查的通知")

    assert _delivery(item, wechat).status == DeliveryStatus.SENT
    assert len(fake.published()) == 2


def test_it_shows_the_quota_error_and_sends_once_the_quota_is_back(fake, wechat, publish_to):
    fake.daily_quota = 0

    item = publish_to(wechat)

    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is not None
    assert "微信接口错误 45009：接口调用超过限制" in delivery.last_error
    # The day's quota comes back at midnight Beijing time: no attempt before then.
    beijing = ZoneInfo("Asia/Shanghai")
    next_day = timezone.localtime(delivery.updated_at, beijing).date() + timedelta(days=1)
    assert timezone.localtime(delivery.next_attempt_at, beijing) == datetime.combine(
        next_day, time(0), beijing
    )
    fake.reset_quota()
    fake.daily_quota = None
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(fake.published()) == 1


def test_it_ends_a_rejected_article_failed_with_the_reason_and_never_resubmits(
    fake, wechat, publish_to
):
    fake.outcomes = [4]

    item = publish_to(wechat)

    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.FAILED
    assert "平台审核不通过（第 1 篇）" in delivery.last_error
    assert run_delivery(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert "平台审核不通过" in delivery.last_error
    assert len(fake.calls(SUBMIT)) == 1 and fake.published() == []


def test_it_starts_again_after_an_ordinary_failure(fake, wechat, publish_to):
    fake.outcomes = [3]

    item = publish_to(wechat)

    delivery = _delivery(item, wechat)
    assert "常规失败" in delivery.last_error and "将重新提交" in delivery.last_error
    assert run_delivery(delivery.pk) == DeliveryStatus.SENT
    assert len(fake.calls(SUBMIT)) == 2 and len(fake.published()) == 1


def test_it_says_when_the_account_has_no_credentials(people, wechat, publish_to):
    set_credentials(wechat, {}, replace=True)

    item = publish_to(wechat)

    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.FAILED
    assert "尚未配置接口凭据" in delivery.last_error


def test_it_reports_nothing_sent_when_nothing_was_submitted(fake, wechat, publish_to):
    fake.fail_next(DRAFT_ADD, 45166, "invalid content")
    item = publish_to(wechat)
    delivery = _delivery(item, wechat)
    assert "内容不合法" in delivery.last_error

    assert WeChatPublisher().lookup(delivery, item) is None


def test_it_deletes_the_article_when_the_item_is_withdrawn(
    fake, client, people, wechat, publish_to, django_capture_on_commit_callbacks
):
    item = publish_to(wechat)
    second = publish_to(wechat, title="关于开展秋季校园安全检查的通知")
    # The second one was already deleted by hand in the account's backend.
    fake.articles[_delivery(second, wechat).external_id]["deleted"] = True
    client.force_login(people.approver)

    for withdrawn in (item, second):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/admin/items/{withdrawn.pk}/withdraw/",
                {"category": "error", "reason": "通知中的日期有误。"},
            )

    assert fake.published() == []
    for withdrawn in (item, second):
        delivery = _delivery(withdrawn, wechat)
        assert delivery.retract_status == RetractStatus.DONE, delivery.retract_error


def test_it_cannot_correct_a_published_article():
    assert WeChatPublisher.can_correct is False and WeChatPublisher.can_retract is True


def _record_page(client, people, item) -> str:
    """The item's 发布与档案 page as its editor sees it."""
    client.force_login(people.editor)
    response = client.get(f"/admin/items/{item.pk}/record/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("fault", "shown"),
    [
        # A token refused again after the client's one refresh (42001/40001 twice).
        (lambda fake: fake.fail_next(DRAFT_ADD, 40001, times=2), "微信接口错误 40001"),
        # The frequency limit on draft/add, which the client never repeats within the call.
        (lambda fake: fake.fail_next(DRAFT_ADD, 45009), "微信接口错误 45009"),
        # An HTML page instead of JSON for freepublish/submit, the work not done.
        (lambda fake: fake.malformed_next(SUBMIT), "微信接口的应答无法识别"),
    ],
    ids=["token-expired", "rate-limited", "malformed"],
)
def test_a_fault_is_shown_on_the_item_retried_and_publishes_once(
    fault, shown, people, client, fake, wechat, publish_to
):
    fault(fake)

    item = publish_to(wechat)

    delivery = _delivery(item, wechat)
    assert delivery.status == DeliveryStatus.FAILED and shown in delivery.last_error
    assert delivery.next_attempt_at is not None
    page = _record_page(client, people, item)
    assert shown in page and "自动重试" in page
    assert fake.published() == []

    assert run_delivery(delivery.pk) == DeliveryStatus.SENT

    assert len(fake.tasks) == 1 and len(fake.published()) == 1  # one submit, one article
    assert "已发布" in _record_page(client, people, item)


def _preview(client, people, item, channel, mode: str, **fields) -> str:
    """The editor's preview of `item` in `mode`, with `channel` chosen, as the editor's browser gets it."""
    from django.urls import reverse

    from govmedia.publishing.tests.adminforms import form_data

    client.force_login(people.editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    data = form_data(edit.content.decode())
    data["channels"] = [str(channel.pk)]
    data.update({name: [value] for name, value in fields.items()})
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[item.pk])
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url, {"mode": mode})
    assert response.status_code == 200
    return response.content.decode()


def test_the_preview_shows_the_cover_the_article_will_have(people, client, wechat):
    photo = _photo()
    with_image = draft_item(
        people.education,
        people.editor,
        body=f'<p>检查现场如下。</p><embed embedtype="image" id="{photo.pk}" format="fullwidth" alt="现场"/>',
    )
    cover = photo.get_rendition("fill-900x383-c50|format-jpeg|jpegquality-85").url

    shown = _preview(client, people, with_image, wechat, "wechat")

    # The article is in a sandboxed frame's srcdoc, escaped once.
    assert f"class=&quot;cover&quot; src=&quot;{cover}&quot;" in shown

    # Without images: the default cover WeChat will get, inline.
    plain = draft_item(people.education, people.editor, title="关于开展秋季校园安全检查的通知")
    shown = _preview(client, people, plain, wechat, "wechat")
    assert "class=&quot;cover&quot; src=&quot;data:image/jpeg;base64," in shown
