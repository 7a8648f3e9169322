"""Who sees what in the 舆情监测 admin, through HTTP with the test people."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govmedia.opinion.models import Event, Incident
from govmedia.opinion.tests import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(people):
    now = timezone.now()
    mine = Event.objects.create(key="a", title="教育局的事件", first_seen=now, last_seen=now)
    mine.departments.add(people.education)
    theirs = Event.objects.create(key="b", title="交通局的事件", first_seen=now, last_seen=now)
    theirs.departments.add(people.transport)
    return (
        Incident.objects.create(title="教育局的处置", department=people.education, started_at=now),
        Incident.objects.create(title="交通局的处置", department=people.transport, started_at=now),
        mine,
        theirs,
    )


def test_an_analyst_sees_only_their_department(client, people, incidents):
    mine, theirs, my_event, their_event = incidents
    helpers.make_analyst(people.editor)
    client.force_login(people.editor)
    listing = client.get("/admin/opinion/incidents/").content.decode()
    assert "教育局的处置" in listing and "交通局的处置" not in listing
    assert client.get(f"/admin/opinion/incidents/{mine.pk}/").status_code == 200
    assert client.get(f"/admin/opinion/incidents/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/opinion/events/{their_event.pk}/").status_code == 404
    dashboard = client.get("/admin/opinion/").content.decode()
    assert "教育局的事件" in dashboard and "交通局的事件" not in dashboard


def test_a_supervisor_sees_every_department(client, people, incidents):
    client.force_login(people.supervisor)
    listing = client.get("/admin/opinion/incidents/").content.decode()
    assert "教育局的处置" in listing and "交通局的处置" in listing


def test_someone_without_the_permission_sees_nothing(client, people, incidents):
    mine, *_ = incidents
    client.force_login(people.reviewer)  # a department member, but no 舆情分析
    assert client.get("/admin/opinion/").status_code in (302, 403)
    assert client.get(f"/admin/opinion/incidents/{mine.pk}/").status_code in (302, 403)
    assert "舆情监测" not in client.get("/admin/").content.decode()


def test_an_analyst_cannot_draft_for_another_department(client, people, incidents):
    _mine, theirs, *_ = incidents
    helpers.make_analyst(people.other_editor)
    client.force_login(people.editor)
    helpers.make_analyst(people.editor)
    response = client.post(f"/admin/opinion/incidents/{theirs.pk}/", {"release": "first"})
    assert response.status_code == 404
    assert not theirs.releases.exists()


def test_the_report_downloads_as_xlsx_and_pdf(client, people, incidents):
    mine, *_ = incidents
    client.force_login(people.supervisor)
    page = client.get(f"/admin/opinion/incidents/{mine.pk}/report/")
    assert "舆情处置报告" in page.content.decode()
    xlsx = client.get(f"/admin/opinion/incidents/{mine.pk}/report/?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    pdf = client.get(f"/admin/opinion/incidents/{mine.pk}/report/?format=pdf")
    assert pdf.content[:5] == b"%PDF-"


def test_the_dashboard_draws_its_charts_with_the_local_echarts(client, people, incidents):
    client.force_login(people.supervisor)
    page = client.get("/admin/opinion/").content.decode()
    assert "vendor/echarts-5.6.0/echarts.common.min.js" in page
    assert 'id="op-dashboard-data"' in page and "教育局的处置" in page
    assert "data-due=" in page  # the open incidents' clocks


def test_the_event_page_names_each_posts_sentiment_in_chinese(client, people, incidents):
    from govmedia.opinion.models import PostRecord

    my_event = incidents[2]
    for n, sentiment in enumerate(["negative", "positive", "neutral"]):
        PostRecord.objects.create(
            channel="desk",
            key=f"k{n}",
            origin="desk",
            text=f"帖子{n}",
            at=timezone.now(),
            event=my_event,
            sentiment=sentiment,
        )
    client.force_login(people.supervisor)
    page = client.get(f"/admin/opinion/events/{my_event.pk}/").content.decode()
    assert "<td>负面</td>" in page and "<td>正面</td>" in page and "<td>中性</td>" in page
    assert "negative" not in page.split("帖子（含转发链）")[1]
