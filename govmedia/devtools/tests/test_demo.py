"""The demo data: enough of everything to try every step of the procedure."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from wagtail.models import TaskState, WorkflowState

from govmedia.devtools.demo import DEMO_PASSWORD, load_demo
from govmedia.orgs.models import Channel, ChannelStatus, Department
from govmedia.publishing.archive import missing_records, verify_archive
from govmedia.publishing.models import ArchiveKind, ArchiveRecord, ItemPage


def _load(size: str) -> dict[str, int]:
    from govmedia.publishing.keyring import ensure_first_key

    ensure_first_key(actor="test")  # as `govmedia setup` does before loading the demo
    return load_demo(size=size)


def _assert_every_stage_and_a_sound_archive(client, items: int) -> None:
    waiting = set(
        TaskState.objects.filter(status="in_progress").values_list("task__name", flat=True)
    )
    assert {"审查：自动内容检查", "审查：内容与保密审查", "确定：领导签发"} <= waiting
    assert WorkflowState.objects.filter(status="needs_changes").exists()
    assert ItemPage.objects.filter(live=False, first_published_at__isnull=True).exists()  # drafts
    kinds = set(ArchiveRecord.objects.values_list("kind", flat=True))
    assert {ArchiveKind.PUBLISH, ArchiveKind.CORRECTION, ArchiveKind.WITHDRAWAL} <= kinds
    assert verify_archive()[1] is None
    assert missing_records() == []  # every live revision and withdrawal has its record

    assert client.login(username="jy_shenhe", password=DEMO_PASSWORD)
    assert "2026年秋季学期家庭经济困难学生资助名单公示" in client.get("/admin/").content.decode()

    # Loading twice through `setup --demo` leaves the data alone.
    call_command("setup", demo=True, verbosity=0)
    assert ItemPage.objects.count() == items


@pytest.mark.django_db
def test_it_loads_a_small_city_with_items_in_every_stage_and_a_sound_archive(client):
    result = _load("small")

    assert result == {"departments": 3, "people": 5, "items": 10, "messages": 24}
    _assert_the_desk_has_answers_an_overdue_message_and_disclosure_outcomes(client)
    assert Channel.objects.filter(status=ChannelStatus.CLOSED).exists()
    # The public site's 年度报告 list and disclosure pages have something to show.
    reports = client.get("/annual-reports/").text
    assert reports.count("年政府信息公开工作年度报告</a>（TXT）") == 3
    guide = client.get("/xxgkzn/").text
    assert "演示文本" in guide and "正在完善中" not in guide
    _assert_every_stage_and_a_sound_archive(client, result["items"])


def _assert_the_desk_has_answers_an_overdue_message_and_disclosure_outcomes(client) -> None:
    from django.utils import timezone

    from govmedia.desk.models import OPEN_STATUSES, Kind, Message
    from govmedia.devtools.demo_desk import DEMO_QUERY_CODE

    today = timezone.localdate()
    assert Message.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today).count() == 1
    disclosures = Message.objects.filter(kind=Kind.DISCLOSURE).exclude(outcome="")
    assert disclosures.values("outcome").distinct().count() >= 3
    public = client.get("/api/v1/desk/public").json()
    assert public["count"] >= 10
    answered = Message.objects.filter(answered_at__isnull=False).first()
    status = client.get(f"/api/v1/desk/messages/{answered.number}", {"code": DEMO_QUERY_CODE})
    assert status.json()["answer"] == answered.answer
    # Loading twice leaves the messages alone.
    from govmedia.devtools.demo_desk import load_messages

    assert load_messages({}) == 0


@pytest.mark.slow
@pytest.mark.django_db
def test_it_loads_a_city_with_items_in_every_stage_and_a_sound_archive(client):
    result = _load("full")

    assert result["items"] >= 50
    assert Department.objects.count() == result["departments"] == 10
    _assert_every_stage_and_a_sound_archive(client, result["items"])


@pytest.mark.django_db
def test_it_refuses_an_unknown_size():
    with pytest.raises(ValueError, match="unknown demo size 'huge'"):
        load_demo(size="huge")
