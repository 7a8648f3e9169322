"""Notifying the submitter: e-mail through Django, SMS through a signed gateway (a fake on loopback)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from govmedia.desk.models import EventKind
from govmedia.desk.notify import Notification, NotificationStatus, notify_submitter
from govmedia.desk.notify.sms import signature
from govmedia.desk.notify.tasks import retry_due_notifications
from govmedia.desk.tests.public_helpers import submit

pytestmark = pytest.mark.django_db

KEY, SECRET = "govmedia-test", "s3cret-for-the-fake"


class FakeGateway:
    """An SMS gateway on 127.0.0.1 that checks the key, the clock, the nonce and the signature."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.refused: list[str] = []
        self.fail_next = 0
        self.nonces: set[str] = set()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                problem = gateway.check(self.headers, body)
                if problem:
                    gateway.refused.append(problem)
                    return self.answer(401, {"code": "AUTH_FAILED", "message": problem})
                if gateway.fail_next:
                    gateway.fail_next -= 1
                    return self.answer(503, {"code": "BUSY", "message": "try later"})
                gateway.received.append(json.loads(body))
                self.answer(200, {"code": "OK", "message_id": f"m{len(gateway.received)}"})

            def answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def check(self, headers, body: bytes) -> str:
        if headers.get("X-App-Key") != KEY:
            return "unknown app key"
        timestamp, nonce = headers.get("X-Timestamp", ""), headers.get("X-Nonce", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
            return "clock skew"
        if nonce in self.nonces:
            return "replayed nonce"
        if headers.get("X-Signature") != signature(SECRET, timestamp, nonce, body):
            return "bad signature"
        self.nonces.add(nonce)
        return ""

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    settings.GOVMEDIA_SMS_URL = fake.url
    settings.GOVMEDIA_SMS_APP_KEY = KEY
    settings.GOVMEDIA_SMS_APP_SECRET = SECRET
    settings.GOVMEDIA_SMS_TIMEOUT_SECONDS = 5
    yield fake
    fake.close()


def notify(message, text):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notify_submitter(message, text)


def test_it_sends_a_signed_sms_the_gateway_accepts(gateway):
    message = submit(notify_by="sms", phone="13812345678")
    notification = notify(message, "您的留言已答复，请凭查询码查看。")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.external_id == "m1"
    [sms] = gateway.received
    assert sms["to"] == "13812345678" and sms["template"] == "desk_notice"
    assert sms["params"] == {"number": message.number, "text": "您的留言已答复，请凭查询码查看。"}
    assert sms["out_id"] == f"desk-{notification.pk}"
    event = message.events.get(kind=EventKind.NOTIFIED)
    assert "已通过短信通知提交人" in event.text and not event.public


def test_a_wrong_secret_is_refused_by_the_gateway_and_shown(gateway, settings):
    settings.GOVMEDIA_SMS_APP_SECRET = "not-the-secret"
    message = submit(notify_by="sms")
    notification = notify(message, "已答复")
    notification.refresh_from_db()
    assert gateway.refused == ["bad signature"] and not gateway.received
    assert notification.status == NotificationStatus.FAILED
    assert "HTTP 401" in notification.last_error
    assert "短信通知发送失败（第 1 次）" in message.events.get(kind=EventKind.NOTIFIED).text


def test_a_failed_sms_is_retried_by_the_worker_until_it_goes(gateway):
    gateway.fail_next = 1
    message = submit(notify_by="sms")
    notification = notify(message, "需要补正：请补充信息的文号。")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.next_attempt_at > timezone.now()
    assert retry_due_notifications() == 0  # not due yet
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert retry_due_notifications() == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 2
    assert len(gateway.received) == 1
    texts = list(message.events.filter(kind=EventKind.NOTIFIED).values_list("text", flat=True))
    assert "短信通知发送失败（第 1 次）" in texts[0] and "将于" in texts[0]
    assert "已通过短信通知提交人" in texts[1]


def test_it_gives_up_after_the_last_attempt(gateway, settings):
    settings.GOVMEDIA_NOTIFY_MAX_ATTEMPTS = 1
    gateway.fail_next = 5
    message = submit(notify_by="sms")
    notification = notify(message, "已答复")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.next_attempt_at is None
    assert "已停止重试" in message.events.get(kind=EventKind.NOTIFIED).text
    assert retry_due_notifications() == 0


def test_an_unreachable_gateway_is_a_failure_not_a_crash(settings):
    settings.GOVMEDIA_SMS_URL = "http://127.0.0.1:9/unreachable"
    message = submit(notify_by="sms")
    notification = notify(message, "已答复")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert "无法连接短信网关" in notification.last_error


def test_it_sends_an_email_through_django(settings):
    message = submit(notify_by="email", email="zhang@example.com")
    notify(message, "您的留言已答复。")
    [sent] = mail.outbox
    assert sent.to == ["zhang@example.com"] and message.number in sent.subject
    assert "您的留言已答复。" in sent.body and "/hudong/chaxun/" in sent.body
    assert Notification.objects.get().status == NotificationStatus.SENT


def test_nothing_is_sent_when_the_submitter_chose_no_notice():
    message = submit(notify_by="")
    assert notify(message, "已答复") is None
    assert not mail.outbox and not Notification.objects.exists()
