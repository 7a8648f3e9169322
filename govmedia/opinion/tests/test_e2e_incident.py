"""Must show: posts arrive → alert within one worker tick → incident → release from a template
→ approval through the workflow → published on the portal → the clock stops, times recorded."""

from __future__ import annotations

import pytest
from django.core import mail

from govmedia.core import scheduler
from govmedia.opinion.models import Alert, Incident, PostRecord, PostStatus, Release
from govmedia.opinion.tests import helpers
from govmedia.publishing import actions as publishing
from govmedia.publishing.models import ItemPage

pytestmark = pytest.mark.django_db


def test_it_goes_from_the_first_posts_to_a_published_release_and_stops_the_clock(
    people, client, django_capture_on_commit_callbacks
):
    helpers.make_analyst(people.editor)
    people.editor.email = "editor@example.gov.cn"
    people.editor.save()
    people.reviewer.email = "reviewer@example.gov.cn"
    people.reviewer.save()
    helpers.plan(people.education, analyst=people.editor)
    _vendor, token = helpers.vendor()

    # Posts arrive from a vendor.
    batch = helpers.posts(12)
    batch[-1]["text"] = "示例市教育局怎么还不回应？第一中学食堂的事到底怎么样了"
    response = helpers.push(client, token, batch)
    assert response.status_code == 202
    assert response.json()["accepted"] == 12

    # One worker tick: processed, alerted, sent.
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.run_job_now("opinion_tick")
    assert PostRecord.objects.filter(status=PostStatus.DONE).count() == 12
    # Several rules may fire for one event (heat, a burst, the department's name): one alert each.
    alerts = list(Alert.objects.order_by("pk"))
    assert alerts and {a.event_id for a in alerts} == {alerts[0].event_id}
    alert = alerts[0]
    assert all(a.sent_at is not None for a in alerts)
    assert any("舆情预警" in m.subject and "editor@example.gov.cn" in m.to for m in mail.outbox)
    assert all(f"/admin/opinion/events/{alert.event_id}/" in m.body for m in mail.outbox)

    # The analyst opens the event and makes it an incident with one click.
    client.force_login(people.editor)
    page = client.get(f"/admin/opinion/events/{alert.event_id}/")
    assert "立为处置事件" in page.content.decode()
    response = client.post(
        f"/admin/opinion/alerts/{alert.pk}/incident/",
        {"department": people.education.pk, "level": "2", "kind": "food"},
    )
    incident = Incident.objects.get()
    assert response.url == f"/admin/opinion/incidents/{incident.pk}/"
    first_post = PostRecord.objects.order_by("at").first()
    assert incident.started_at == first_post.at
    assert 'data-due="' in client.get(response.url).content.decode()

    # A release from the first-report template, submitted on the expedited path.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/opinion/incidents/{incident.pk}/",
            {
                "release": "first",
                "place": "示例市第一中学",
                "facts": "11月27日12时许，示例市第一中学部分学生午餐后出现呕吐、腹痛症状，已全部送医，生命体征平稳。",
                "measures": "市教育局会同市场监管部门已封存留样食品，食堂暂停供餐。",
            },
        )
    assert response.status_code == 302
    release = Release.objects.get()
    item = ItemPage.objects.get(pk=release.item_id)
    assert item.urgent and item.get_admin_display_title().startswith("【紧急】")
    assert "封存留样食品" in str(item.get_latest_revision_as_object().body)
    assert "安全提示" in str(item.get_latest_revision_as_object().body)
    assert any("【紧急】" in m.subject and "reviewer@example.gov.cn" in m.to for m in mail.outbox)

    # The named reviewer and approver still sign it off; the workflow publishes it.
    client.force_login(people.reviewer)
    assert "【紧急】" in client.get("/admin/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.do_workflow_action(
            people.reviewer, item, "approve", content_ok=True, secrecy_ok=True
        )
        publishing.do_workflow_action(people.approver, item, "approve")
    item = ItemPage.objects.get(pk=item.pk)
    assert item.live
    assert client.get(item.url).status_code == 200

    # The clock stopped at the publication; the times are on the incident and its report.
    incident.refresh_from_db()
    release.refresh_from_db()
    assert release.published_at is not None
    assert incident.stopped_at == incident.first_release_at == release.published_at
    assert incident.response_seconds() is not None and incident.response_seconds() < 3600
    assert all(mark["met"] for mark in incident.marks())
    client.force_login(people.editor)
    report = client.get(f"/admin/opinion/incidents/{incident.pk}/report/").content.decode()
    assert "首次权威发布，计时停止" in report
