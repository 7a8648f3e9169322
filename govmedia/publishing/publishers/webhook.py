"""A signed JSON push (webhook) to a receiver: a 政务APP, a 头条号 gateway, a provincial platform.

The rendition is the JSON payload the receiver gets (docs/channel-webhook.md
describes it for the teams that write receivers): the 索引号, title,
department, dates, summary, body HTML, the attachments' and the item's
addresses. A correction is sent as the event "corrected" with the new
version; a withdrawal as "withdrawn", carrying no title or text (the public
410 page does not show them either).

Never twice: every push carries `Idempotency-Key` (the delivery's key; for a
withdrawal that key and ":withdrawn"), and the receiver must store one event
per key and answer a repeat with 409. So a resumed send simply sends again;
the receiver's answer (200 or 409) gives the receipt.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from govmedia.publishing.clients.webhook import (
    WebhookClient,
    WebhookError,
    WebhookMalformed,
    WebhookRateLimited,
    WebhookUnavailable,
)
from govmedia.publishing.publishers.base import Publisher, PublishError, Receipt
from govmedia.publishing.publishers.portal import public_url
from govmedia.publishing.publishers.previous import previous_delivery

PAYLOAD_VERSION = 1


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def _date(value) -> str | None:
    return value.isoformat() if value else None


class WebhookPublisher(Publisher):
    name = "webhook"
    label = "推送接口（政务APP等）"
    channel_kinds = ("app",)
    supports_lookup = True
    can_retract = True
    can_correct = True

    def render(self, item, channel) -> dict:
        department = item.department
        correction = previous_delivery(item, channel) is not None
        return {
            "schema": PAYLOAD_VERSION,
            "event": "corrected" if correction else "published",
            "index_number": item.index_number,
            "version": str(item.latest_revision_id or ""),
            "title": item.title,
            "department": {"name": department.name, "code": department.code},
            "issuing_body": item.issuing_body or department.name,
            "doc_number": item.doc_number,
            "written_date": _date(item.written_date),
            "publish_date": _date(item.publish_date),
            "summary": item.summary,
            "body_html": item.body,
            "attachments": [
                {
                    "title": attachment.title or attachment.document.title,
                    "url": _absolute(attachment.document.url),
                }
                for attachment in item.attachments.select_related("document")
            ],
            "url": public_url(item),
            "correction_note": item.correction_note if correction else "",
        }

    def _client(self, channel) -> WebhookClient:
        from govmedia.publishing.credentials import get_credentials

        credentials = get_credentials(channel)
        if not credentials.get("url") or not credentials.get("secret"):
            raise PublishError(
                "该推送渠道尚未配置接收地址和签名密钥，请在渠道设置中填写后重新发送。"
            )
        return WebhookClient(credentials["url"], credentials["secret"])

    def _send(self, channel, event: str, payload: dict, key: str) -> Receipt:
        try:
            receipt = self._client(channel).send(event, payload, idempotency_key=key)
        except WebhookUnavailable as exc:
            raise PublishError(f"推送接口暂时不可用（{exc}），将自动重试。") from exc
        except WebhookRateLimited as exc:
            if exc.retry_after is None:
                raise PublishError(f"推送接口限流（{exc}），将按退避间隔自动重试。") from exc
            retry_at = timezone.now() + timedelta(seconds=exc.retry_after)
            when = timezone.localtime(retry_at).strftime("%H:%M:%S")
            raise PublishError(
                f"推送接口限流（{exc}），将按接收方要求（Retry-After）于 {when} 自动重试。",
                retry_at=retry_at,
            ) from exc
        except WebhookMalformed as exc:
            raise PublishError(
                f"推送接口返回了无法识别的应答（{exc}），无法确认对方是否已收到；"
                "将以同一幂等键自动重试，对方已收到的不会重复入库。"
            ) from exc
        except WebhookError as exc:
            # A refusal (wrong secret, address, payload): retrying changes nothing until a person fixes it.
            raise PublishError(
                f"推送接口拒收（{exc}）：请核对接收地址、签名密钥和接收方的实现，"
                "修正后点击重新发送（不会自动重试）。",
                needs_person=True,
            ) from exc
        return Receipt(external_id=receipt.id, external_url=receipt.url)

    def publish(self, delivery, item) -> Receipt:
        # The version is the delivery's own (the rendition may have been made from a draft).
        payload = {**self.rendition_for(delivery, item), "version": str(delivery.revision_id or "")}
        # Signed off before publication, the rendition may lack the date publication set.
        payload["publish_date"] = payload.get("publish_date") or _date(item.publish_date)
        receipt = self._send(delivery.channel, payload["event"], payload, delivery.idempotency_key)
        delivery.remember(receiver_id=receipt.external_id, receiver_url=receipt.external_url)
        return receipt

    def lookup(self, delivery, item) -> Receipt | None:
        if "receiver_id" in delivery.progress:
            # Received; only the row's update was lost.
            return Receipt(
                external_id=delivery.progress["receiver_id"],
                external_url=delivery.progress.get("receiver_url", ""),
            )
        # Otherwise the receiver deduplicates by the idempotency key: sending
        # again is the question, and its 409 the answer. None means "send".
        return None

    def retract(self, delivery, item) -> None:
        payload = {
            "schema": PAYLOAD_VERSION,
            "event": "withdrawn",
            "index_number": item.index_number,
            "url": public_url(item),
            "receiver_id": delivery.external_id,
        }
        self._send(delivery.channel, "withdrawn", payload, f"{delivery.idempotency_key}:withdrawn")
