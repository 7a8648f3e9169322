import pytest
from django.urls import reverse

from govmedia.devtools.testing import PASSWORD
from govmedia.orgs.models import Channel
from govmedia.orgs.tests.workbooks import refused


@pytest.fixture
def channels(people):
    return {
        "education": Channel.objects.create(
            department=people.education, kind="wechat", name="示例教育", account_id="sl_edu"
        ),
        "transport": Channel.objects.create(
            department=people.transport, kind="weibo", name="示例交通", account_id="sl_jt"
        ),
    }


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_shows_an_editor_only_their_own_departments_channels(client, people, channels):
    response = login(client, people.editor).get(reverse("orgs_channels:index"))

    assert response.status_code == 200
    assert "示例教育" in response.text
    assert "示例交通" not in response.text


def test_it_hides_another_departments_channel_from_an_editor(client, people, channels):
    login(client, people.editor)
    other = channels["transport"].pk

    assert refused(client.get(reverse("orgs_channels:edit", args=[other])))
    assert refused(client.get(reverse("orgs_channels:inspect", args=[other])))
    assert refused(client.get(reverse("orgs_channels:history", args=[other])))
    assert refused(client.get(reverse("orgs_channels:usage", args=[other])))
    assert refused(client.post(reverse("orgs_channels:delete", args=[other])))
    assert Channel.objects.filter(pk=other).exists()


def test_it_lets_an_editor_change_their_own_channel(client, people, channels):
    login(client, people.editor)
    channel = channels["education"]

    response = client.post(
        reverse("orgs_channels:edit", args=[channel.pk]),
        {
            "department": people.education.pk,
            "kind": "wechat",
            "name": "示例教育发布",
            "account_id": "sl_edu",
            "update_every_days": 7,
            "status": "active",
        },
    )

    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.update_every_days) == ("示例教育发布", 7)


def test_it_refuses_an_editor_moving_a_channel_to_another_department(client, people, channels):
    login(client, people.editor)
    channel = channels["education"]

    client.post(
        reverse("orgs_channels:edit", args=[channel.pk]),
        {
            "department": people.transport.pk,
            "kind": "wechat",
            "name": "x",
            "account_id": "a",
            "update_every_days": 7,
            "status": "active",
        },
    )

    channel.refresh_from_db()
    assert channel.department == people.education


def test_it_shows_a_supervisor_every_channel_without_editing(client, people, channels):
    login(client, people.supervisor)

    response = client.get(reverse("orgs_channels:index"))

    assert "示例教育" in response.text and "示例交通" in response.text
    other = channels["transport"].pk
    assert client.get(reverse("orgs_channels:inspect", args=[other])).status_code == 200
    assert refused(client.get(reverse("orgs_channels:edit", args=[other])))


def test_it_keeps_reviewers_out_of_channels(client, people, channels):
    login(client, people.reviewer)

    assert refused(client.get(reverse("orgs_channels:index")))


def test_it_exports_the_channel_list_as_xlsx(client, people, channels):
    login(client, people.editor)

    response = client.get(reverse("orgs_channels:index") + "?export=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_offers_an_editor_only_their_own_department_when_adding(client, people):
    login(client, people.editor)

    response = client.get(reverse("orgs_channels:add"))

    assert response.status_code == 200
    assert "示例市教育局" in response.text
    assert "示例市交通运输局" not in response.text


def test_it_lets_an_editor_add_a_channel_to_their_department(client, people):
    login(client, people.editor)

    response = client.post(
        reverse("orgs_channels:add"),
        {
            "department": people.education.pk,
            "kind": "website_column",
            "name": "通知公告",
            "url": "https://www.example.gov.cn/jyj/tzgg/",
            "update_every_days": 14,
            "status": "active",
        },
    )

    assert response.status_code == 302
    assert Channel.objects.get(name="通知公告").department == people.education


def test_it_filters_channels_by_kind_and_offers_only_visible_departments(client, people, channels):
    login(client, people.editor)

    response = client.get(reverse("orgs_channels:index") + "?kind=weibo")

    assert "示例教育" not in response.text
    assert "示例市交通运输局" not in response.text
