"""Alerts leave by mail, SMS and a signed webhook (loopback fakes), once per event and reason;
the clock's marks are escalated to the supervisors once each; plans refuse a bad expression."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from govmedia.desk.notify.sms import signature
from govmedia.opinion import alerts, jobs
from govmedia.opinion.models import Alert, AlertReason, Claim, Event, Incident, MonitoringPlan
from govmedia.opinion.tests import helpers
from govmedia.orgs.models import Membership

pytestmark = pytest.mark.django_db


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"code": "OK", "errcode": 0}')

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_url():
    Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def _alert(people, **kwargs) -> Alert:
    plan = helpers.plan(people.education, analyst=people.editor)
    now = timezone.now()
    event = Event.objects.create(
        key="e1", title="示例市第一中学食堂疑似食物中毒", first_seen=now, last_seen=now, size=30
    )
    return Alert.objects.create(
        event=event, reason=AlertReason.RUMOUR, plan=plan, detail="与辟谣库相符", **kwargs
    )


def test_an_alert_goes_by_mail_sms_and_a_signed_webhook_with_the_link_to_the_event(
    people, settings, hook_url
):
    settings.GOVMEDIA_OPINION_WEBHOOK_URL = hook_url
    settings.GOVMEDIA_OPINION_WEBHOOK_SECRET = "hook-secret"
    settings.GOVMEDIA_SMS_URL = hook_url + "/sms"
    settings.GOVMEDIA_SMS_APP_SECRET = "sms-secret"
    people.editor.email = "editor@example.gov.cn"
    people.editor.save()
    Membership.objects.filter(user=people.editor).update(phone="13800000000")
    claim = Claim.objects.create(
        text="第一中学有学生死亡", rebuttal_url="https://example.gov.cn/py/1"
    )
    alert = _alert(people, claim=claim)

    channels = alerts.send_alert(alert.pk)

    assert channels["email"] == "已发送 1 人"
    assert channels["sms"].startswith("已发送 1/1")
    assert channels["webhook"].startswith("200")
    link = f"/admin/opinion/events/{alert.event_id}/"
    assert link in mail.outbox[0].body and "https://example.gov.cn/py/1" in mail.outbox[0].body
    sms, hook = sorted(Hook.received, key=lambda r: "X-App-Key" in r[0], reverse=True)
    headers, body = hook
    assert headers["X-Signature"] == signature(
        "hook-secret", headers["X-Timestamp"], headers["X-Nonce"], body
    )
    payload = json.loads(body)
    assert payload["msgtype"] == "markdown" and link in payload["markdown"]["text"]
    assert json.loads(sms[1])["to"] == "13800000000"
    # Sent once: a second run changes nothing.
    alerts.send_alert(alert.pk)
    assert len(mail.outbox) == 1 and len(Hook.received) == 2


def test_a_webhook_that_is_down_is_recorded_on_the_alert(people, settings):
    settings.GOVMEDIA_OPINION_WEBHOOK_URL = "http://127.0.0.1:9/down"
    alert = _alert(people)
    alerts.send_alert(alert.pk)
    assert Alert.objects.get(pk=alert.pk).channels["webhook"].startswith("失败")


def test_each_mark_is_escalated_to_the_supervisors_once_as_it_nears(people, settings):
    people.supervisor.email = "supervisor@example.gov.cn"
    people.supervisor.save()
    alert = _alert(people)
    settings.GOVMEDIA_OPINION_ESCALATE_MINUTES = 60
    incident = Incident.objects.create(
        title="食堂疑似食物中毒",
        alert=alert,
        department=people.education,
        started_at=timezone.now() - timedelta(hours=3, minutes=10),
    )
    assert jobs.escalate() == 1  # 4 h is 50 minutes away; 5 h is not yet within the hour
    assert "4 小时时限还剩" in mail.outbox[0].subject and mail.outbox[0].to == [
        "supervisor@example.gov.cn"
    ]
    assert jobs.escalate() == 0
    assert jobs.escalate(now=timezone.now() + timedelta(hours=1)) == 1  # now 5 h nears
    incident.refresh_from_db()
    assert incident.escalated_marks == [4.0, 5.0]
    incident.stopped_at = timezone.now()
    incident.save()
    assert jobs.escalate(now=timezone.now() + timedelta(days=3)) == 0  # released: nothing to chase


def test_a_plan_with_a_bad_expression_is_refused_with_the_position(people):
    plan = MonitoringPlan(name="教育舆情", department=people.education, expression="(食堂 AND")
    with pytest.raises(ValidationError) as raised:
        plan.full_clean()
    message = raised.value.message_dict["expression"][0]
    assert "关键词表达式有误" in message and "个字符处" in message


def test_a_plan_watches_the_department_and_its_serving_leaders(people):
    from govmedia.checks.models import Official

    Official.objects.create(name="刘局长", title="局长", organisation="示例市教育局")
    Official.objects.create(
        name="前局长", title="局长", organisation="示例市教育局", end_date="2020-01-01"
    )
    plan = helpers.plan(people.education)
    assert plan.watched_names() == ["示例市教育局", "刘局长"]
