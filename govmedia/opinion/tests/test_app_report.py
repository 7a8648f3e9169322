"""The incident report's PDF draws the volume and sentiment curves and the response time against the marks."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from govmedia.opinion.models import Event, Incident, PostRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(people):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(hours=6)
    event = Event.objects.create(key="e", title="示例大桥事故", first_seen=start, last_seen=now)
    event.departments.add(people.transport)
    sentiments = ["negative", "negative", "neutral", "positive"]
    n = 0
    for hour in range(6):
        for i in range(2 + 3 * hour):
            PostRecord.objects.create(
                channel="vendor:1",
                key=f"k{n}",
                origin="push",
                text=f"示例大桥事故第{n}条",
                at=start + timedelta(hours=hour, minutes=i),
                event=event,
                status="done",
                sentiment=sentiments[(i + hour) % 4],
            )
            n += 1
    item = Incident.objects.create(
        title="示例大桥交通事故",
        department=people.transport,
        started_at=start,
        first_release_at=start + timedelta(hours=4, minutes=30),
        stopped_at=start + timedelta(hours=4, minutes=30),
    )
    item.events.add(event)
    return item


def _pdf(client, incident):
    from pypdf import PdfReader

    response = client.get(f"/admin/opinion/incidents/{incident.pk}/report/?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_the_pdf_draws_the_curves_and_the_marks_with_chinese_labels(client, people, incident):
    client.force_login(people.supervisor)
    reader = _pdf(client, incident)
    text = "".join(page.extract_text() for page in reader.pages)
    # The charts' titles, legends and axis labels, in Chinese.
    for label in (
        "声量走势（帖子数/小时）",
        "情感走势（负面、正面占比/小时）",
        "负面占比",
        "正面占比",
        "响应用时与各时限（小时）",
        "首次权威发布 4.5 小时",
        "超时",  # the 4 h mark was missed at 4 h 30 min
        "达标",  # the 5 h mark was met
    ):
        assert label in text, label
    assert re.search(r"\d+月\d+日\d+时", text)  # the hours along the curves' axis
    # The curves are vector paths: line-to operators stroked in the charts' colours.
    streams = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert streams.count(b" l\n") + streams.count(b" l ") > 20
    assert b".752941 .223529 .168627 RG" in streams  # the red of the negative share (#c0392b)


def test_the_pdf_of_an_incident_without_posts_still_renders(client, people):
    empty = Incident.objects.create(
        title="尚无帖子的事件", department=people.transport, started_at=timezone.now()
    )
    client.force_login(people.supervisor)
    text = "".join(page.extract_text() for page in _pdf(client, empty).pages)
    assert "响应用时与各时限" in text and "声量走势" not in text
