"""Notices by SMS through an HTTP gateway: one JSON POST, signed with HMAC-SHA256.

The protocol (docs/desk-public.md "SMS gateway"), the shape most Chinese SMS
platforms and government message hubs offer in some dialect:

    POST GOVMEDIA_SMS_URL
    Content-Type: application/json; charset=utf-8
    X-App-Key:   GOVMEDIA_SMS_APP_KEY
    X-Timestamp: seconds since the epoch (the gateway refuses a skew over 300 s)
    X-Nonce:     32 hex digits, never reused (the gateway refuses a replay)
    X-Signature: hex HMAC-SHA256(GOVMEDIA_SMS_APP_SECRET, timestamp + "\\n" + nonce + "\\n" + body)

    {"to": "13800000000", "template": GOVMEDIA_SMS_TEMPLATE,
     "params": {"number": "<受理编号>", "text": "<what happened>"},
     "out_id": "desk-<notification id>"}

The gateway answers 200 with {"code": "OK", "message_id": "..."}; anything
else (another code, another status, no answer within the timeout) is a
failure, retried by the worker. ``out_id`` is the same on every retry, so a
gateway that did send before a timeout can drop the second copy.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request

from django.conf import settings

from govmedia.desk.models import Message
from govmedia.desk.notify.base import NotifyError

MAX_TEXT = 60  # characters of the event text in one SMS


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    signed = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class SmsNotifier:
    via = "sms"
    label = "短信"

    def address(self, message: Message) -> str:
        return message.phone

    def send(self, message: Message, event_text: str, *, out_id: str = "") -> str:
        url = settings.GOVMEDIA_SMS_URL
        if not url:
            raise NotifyError("未配置短信网关（GOVMEDIA_SMS_URL）")
        if not message.phone:
            raise NotifyError("没有手机号码")
        text = event_text if len(event_text) <= MAX_TEXT else event_text[: MAX_TEXT - 1] + "…"
        payload = {
            "to": message.phone,
            "template": settings.GOVMEDIA_SMS_TEMPLATE,
            "params": {"number": message.number or "", "text": text},
            "out_id": out_id or f"desk-message-{message.pk}",
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-App-Key": settings.GOVMEDIA_SMS_APP_KEY,
                "X-Timestamp": timestamp,
                "X-Nonce": nonce,
                "X-Signature": signature(settings.GOVMEDIA_SMS_APP_SECRET, timestamp, nonce, body),
            },
        )
        try:
            with urllib.request.urlopen(
                request, timeout=settings.GOVMEDIA_SMS_TIMEOUT_SECONDS
            ) as response:
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as error:
            detail = error.read(300).decode("utf-8", "replace")
            raise NotifyError(f"短信网关返回 HTTP {error.code}：{detail}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise NotifyError(f"无法连接短信网关：{error}") from error
        except ValueError as error:
            raise NotifyError("短信网关的回应不是 JSON") from error
        if not isinstance(answer, dict) or answer.get("code") != "OK":
            reason = answer.get("message", "") if isinstance(answer, dict) else ""
            code = answer.get("code", "") if isinstance(answer, dict) else ""
            raise NotifyError(f"短信网关拒绝发送：{code} {reason}".strip())
        return str(answer.get("message_id", ""))
