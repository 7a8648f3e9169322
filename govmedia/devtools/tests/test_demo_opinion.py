"""The demo's opinion stream: a developing incident, reposts, a rumour from the 辟谣库, chatter."""

from __future__ import annotations

import pytest

from govmedia.devtools import demo_opinion
from govmedia.opinion.models import Alert, AlertReason, Event, PostRecord, PostStatus

pytestmark = pytest.mark.django_db


def test_the_demo_stream_shows_an_incident_its_reposts_a_rumour_and_chatter(people):
    counts = demo_opinion.load(
        {"transport": people.transport, "edu": people.education},
        {"jt_bianji": people.other_editor, "jy_bianji": people.editor},
    )
    assert counts["posts"] == 305
    assert not PostRecord.objects.exclude(status=PostStatus.DONE).exists()
    hottest = Event.objects.order_by("-size").first()
    assert "示例大桥" in hottest.title
    assert PostRecord.objects.filter(event=hottest, duplicate_of__isnull=False).exists()
    assert PostRecord.objects.filter(key__startswith="r", claim__isnull=False).exists()
    reasons = set(Alert.objects.values_list("reason", flat=True))
    assert AlertReason.RUMOUR in reasons
    assert Event.objects.count() > 3  # the chatter is not lumped with the incident
    # Loading again changes nothing.
    assert (
        demo_opinion.load(
            {"transport": people.transport, "edu": people.education},
            {"jt_bianji": people.other_editor, "jy_bianji": people.editor},
        )["posts"]
        == 0
    )
