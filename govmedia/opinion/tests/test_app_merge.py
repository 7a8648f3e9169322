"""An incident answers several events: merged in the admin over HTTP, the clock at the earliest post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govmedia.opinion.models import Event, EventStatus, Incident, PostRecord
from govmedia.opinion.tests import helpers

pytestmark = pytest.mark.django_db


def _event(key: str, title: str, department, first, posts: int = 3) -> Event:
    event = Event.objects.create(
        key=key, title=title, first_seen=first, last_seen=first + timedelta(minutes=30), size=posts
    )
    event.departments.add(department)
    for i in range(posts):
        PostRecord.objects.create(
            channel="vendor:1",
            key=f"{key}-{i}",
            origin="push",
            text=f"{title}，网友第{i}条",
            at=first + timedelta(minutes=10 * i),
            event=event,
            status="done",
        )
    return event


@pytest.fixture
def setting(people):
    now = timezone.now().replace(microsecond=0)
    bridge = _event("e1", "示例大桥公交车与货车相撞", people.transport, now - timedelta(hours=2))
    earlier = _event("e2", "示例大桥附近交通拥堵", people.transport, now - timedelta(hours=5))
    later = _event("e3", "大桥事故伤者送医", people.transport, now - timedelta(hours=1))
    school = _event("e4", "第一中学食堂", people.education, now - timedelta(hours=9))
    incident = Incident.objects.create(
        title="示例大桥交通事故",
        department=people.transport,
        started_at=now - timedelta(hours=2),
    )
    incident.events.add(bridge)
    helpers.make_analyst(people.other_editor)  # 交通运输局
    return incident, bridge, earlier, later, school, now


def test_merging_events_restarts_the_clock_at_the_earliest_first_post(client, people, setting):
    incident, bridge, earlier, later, _school, now = setting
    client.force_login(people.other_editor)
    page = client.get(f"/admin/opinion/incidents/{incident.pk}/").content.decode()
    assert "合并其他舆情事件" in page and "示例大桥附近交通拥堵" in page

    response = client.post(
        f"/admin/opinion/incidents/{incident.pk}/",
        {"attach": "1", "events": [earlier.pk, later.pk]},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert set(incident.events.values_list("pk", flat=True)) == {bridge.pk, earlier.pk, later.pk}
    assert incident.started_at == now - timedelta(hours=5)  # the traffic jam's first post
    earlier.refresh_from_db()
    assert earlier.status == EventStatus.INCIDENT

    page = client.get(f"/admin/opinion/incidents/{incident.pk}/").content.decode()
    assert "已合并 2 个舆情事件" in page
    # The 4 h and 5 h marks now count from five hours ago: both passed.
    marks = incident.marks()
    assert marks[0]["missed"] and marks[1]["missed"] and not marks[2]["missed"]
    # The report counts the posts of every attached event.
    report = client.get(f"/admin/opinion/incidents/{incident.pk}/report/?format=xlsx")
    assert report.status_code == 200

    # Taking the earliest one off moves the clock back to the bridge's first post.
    client.post(f"/admin/opinion/incidents/{incident.pk}/", {"detach": earlier.pk})
    incident.refresh_from_db()
    assert incident.started_at == now - timedelta(hours=2)
    earlier.refresh_from_db()
    assert earlier.status == EventStatus.OPEN


def test_an_event_of_a_department_the_analyst_does_not_see_cannot_be_merged(
    client, people, setting
):
    incident, _bridge, _earlier, _later, school, now = setting
    client.force_login(people.other_editor)
    page = client.get(f"/admin/opinion/incidents/{incident.pk}/").content.decode()
    assert "第一中学食堂" not in page
    response = client.post(
        f"/admin/opinion/incidents/{incident.pk}/", {"attach": "1", "events": [school.pk]}
    )
    assert response.status_code == 404
    assert not incident.events.filter(pk=school.pk).exists()
    incident.refresh_from_db()
    assert incident.started_at == now - timedelta(hours=2)


def test_an_analyst_of_another_department_cannot_merge_into_the_incident(client, people, setting):
    incident, _bridge, earlier, *_ = setting
    helpers.make_analyst(people.editor)  # 教育局
    client.force_login(people.editor)
    response = client.post(
        f"/admin/opinion/incidents/{incident.pk}/", {"attach": "1", "events": [earlier.pk]}
    )
    assert response.status_code == 404
    assert incident.events.count() == 1


def test_an_event_held_by_another_open_incident_is_refused(client, people, setting):
    incident, _bridge, earlier, *_ = setting
    other = Incident.objects.create(
        title="大桥拥堵处置", department=people.transport, started_at=earlier.first_seen
    )
    other.events.add(earlier)
    client.force_login(people.other_editor)
    response = client.post(
        f"/admin/opinion/incidents/{incident.pk}/",
        {"attach": "1", "events": [earlier.pk]},
        follow=True,
    )
    assert "已属于处置事件“大桥拥堵处置”" in response.content.decode()
    assert not incident.events.filter(pk=earlier.pk).exists()


def test_the_last_event_cannot_be_taken_off(client, people, setting):
    incident, bridge, *_ = setting
    client.force_login(people.other_editor)
    response = client.post(
        f"/admin/opinion/incidents/{incident.pk}/", {"detach": bridge.pk}, follow=True
    )
    assert "至少要关联一个舆情事件" in response.content.decode()
    assert incident.events.filter(pk=bridge.pk).exists()


def test_an_alert_about_another_departments_event_cannot_become_an_incident(
    client, people, setting
):
    from govmedia.opinion.models import Alert

    _incident, _bridge, _earlier, _later, school, _now = setting
    alert = Alert.objects.create(event=school, reason="heat")
    client.force_login(people.other_editor)  # 交通运输局: does not see the school's event
    response = client.post(
        f"/admin/opinion/alerts/{alert.pk}/incident/", {"department": people.transport.pk}
    )
    assert response.status_code == 404
    assert not Incident.objects.filter(events=school).exists()
