"""A round's other inputs and outputs: desk messages, findings, alerts sent once, the command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from govmedia.desk.models import Message, Status
from govmedia.inspection import judge
from govmedia.inspection.models import Alert, DepartmentProfile, DepartmentResult, WatchedChannel
from govmedia.inspection.service import SHANGHAI, run_round
from govmedia.orgs.models import Channel, ChannelKind
from govmedia.sources.models import Entry, Kind, Source

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate(timezone.now(), SHANGHAI)


def watched(department, name, column_type, *, days_ago, responsible=""):
    channel = Channel.objects.create(
        department=department,
        kind=ChannelKind.WEBSITE_COLUMN,
        name=name,
        url=f"http://www.example.gov.cn/{name}/",
        responsible=responsible,
    )
    source = Source.objects.create(name=name, kind=Kind.COLUMN, url=channel.url)
    if days_ago is not None:
        at = timezone.now() - timedelta(days=days_ago)
        Entry.objects.create(
            source=source,
            key="1",
            title=f"{name}的信息",
            published_at=at,
            first_seen_at=at,
            last_seen_at=at,
        )
    return WatchedChannel.objects.create(channel=channel, source=source, column_type=column_type)


def message(department, days_ago, status=Status.HANDLING):
    received = timezone.now() - timedelta(days=days_ago)
    # The day as Shanghai counts it, like the round (not the UTC date).
    return Message.objects.create(
        kind="consult",
        status=status,
        title="咨询",
        body="咨询内容",
        name="张三",
        department=department,
        received_at=received,
        received_on=today() - timedelta(days=days_ago),  # the day as Shanghai counts it
    )


def test_a_desk_message_unanswered_for_over_three_months_vetoes_the_interaction_channel(people):
    interaction = watched(people.education, "互动交流", "interaction", days_ago=1)
    message(people.education, 95)
    message(people.education, 30)
    message(people.education, 120, status=Status.ANSWERED)
    run_round(today())
    result = DepartmentResult.objects.get(department=people.education)
    (problem,) = [p for p in result.problems if p["code"] == judge.UNANSWERED]
    assert problem["veto"] and problem["channel_id"] == interaction.pk
    assert len(problem["evidence"]) == 1 and problem["evidence"][0]["days"] == 95
    assert result.state == "vetoed"


def test_a_department_without_external_services_is_scored_out_of_75(people):
    DepartmentProfile.objects.create(department=people.education, has_external_services=False)
    watched(people.education, "政务动态", "news", days_ago=30)  # 5 points of 75
    watched(people.education, "互动交流", "interaction", days_ago=60)  # service section: left out
    run_round(today())
    result = DepartmentResult.objects.get(department=people.education)
    # (75 - 5/2) * 4/3: the mean of the two channels' counted deductions (5 and 0).
    assert result.score == pytest.approx((75 - 2.5) * 4 / 3, abs=0.01)


def test_a_channel_nearing_a_veto_alerts_its_responsible_person_once(people):
    people.editor.email = "editor@example.invalid"
    people.editor.save()
    watched(people.education, "网站首页", "home", days_ago=11, responsible=people.editor.first_name)
    run_round(today())
    run_round(today())
    (alert,) = Alert.objects.all()
    assert alert.emailed and alert.email == "editor@example.invalid"
    assert len(mail.outbox) == 1 and "11 天未更新" in mail.outbox[0].body


def test_an_alert_shows_on_the_dashboard_until_someone_of_the_department_has_seen_it(
    client, people
):
    from django.urls import reverse

    watched(people.education, "网站首页", "home", days_ago=12)
    run_round(today())
    alert = Alert.objects.get()
    client.force_login(people.other_editor)  # another department: neither sees nor dismisses it
    assert "12 天未更新" not in client.get(reverse("inspection_dashboard")).content.decode()
    client.post(reverse("inspection_alert_seen", args=[alert.pk]))
    alert.refresh_from_db()
    assert not alert.seen
    client.force_login(people.editor)
    assert "12 天未更新" in client.get(reverse("inspection_dashboard")).content.decode()
    client.post(reverse("inspection_alert_seen", args=[alert.pk]))
    assert "12 天未更新" not in client.get(reverse("inspection_dashboard")).content.decode()


def test_the_command_runs_a_round(people, capsys):
    watched(people.education, "网站首页", "home", days_ago=1)
    call_command("inspect", "--date", f"{today():%Y-%m-%d}", "--no-progress")
    out = capsys.readouterr().out
    assert "1 channels, 1 departments (healthy 1, warned 0, vetoed 0)" in out
