"""Role grants and removals and channel status changes are audited: who, when, from what to what."""

from django.urls import reverse
from wagtail.models import ModelLogEntry

from govmedia.devtools.testing import PASSWORD
from govmedia.orgs.importing import CHANNELS, PEOPLE
from govmedia.orgs.models import Channel, Membership, Role
from govmedia.orgs.tests.test_admin_people import formset
from govmedia.orgs.tests.workbooks import xlsx

SITE_HISTORY = "/admin/reports/site-history/"


def _actor(action: str) -> str:
    """Who the newest entry of `action` names (the admin shows the viewer's own name too)."""
    entry = ModelLogEntry.objects.filter(action=action).latest("timestamp")
    return entry.user.first_name if entry.user else "系统"


def _person_form(person, rows, initial):
    return {
        "first_name": person.first_name,
        "username": person.username,
        "phone": "",
        "password": "",
        "is_active": "on",
        **formset(rows, initial=initial),
    }


def test_it_records_a_role_granted_in_the_people_admin(admin_client, people):
    editor = people.editor
    own = Membership.objects.get(user=editor)
    response = admin_client.post(
        reverse("orgs_people:edit", args=[editor.pk]),
        _person_form(
            editor,
            [
                {"id": own.pk, "department": people.education.pk, "role": Role.EDITOR},
                {"department": people.education.pk, "role": Role.REVIEWER},
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302, response.text[:2000]

    history = admin_client.get(reverse("orgs_people:history", args=[editor.pk])).text
    assert "授予角色：无 → 示例市教育局·审核人" in history
    assert _actor("govmedia.role_grant") == people.admin.first_name
    site = admin_client.get(SITE_HISTORY).text
    assert "授予角色：无 → 示例市教育局·审核人" in site


def test_it_records_a_role_removed_in_the_people_admin(admin_client, people):
    editor = people.editor
    own = Membership.objects.get(user=editor)
    response = admin_client.post(
        reverse("orgs_people:edit", args=[editor.pk]),
        _person_form(
            editor,
            [
                {
                    "id": own.pk,
                    "department": people.education.pk,
                    "role": Role.EDITOR,
                    "DELETE": "on",
                }
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302, response.text[:2000]
    assert not Membership.objects.filter(user=editor).exists()

    history = admin_client.get(reverse("orgs_people:history", args=[editor.pk])).text
    assert "撤销角色：示例市教育局·编辑 → 无" in history
    assert _actor("govmedia.role_revoke") == people.admin.first_name


def test_it_records_a_changed_role_as_a_removal_and_a_grant(admin_client, people):
    editor = people.editor
    own = Membership.objects.get(user=editor)
    admin_client.post(
        reverse("orgs_people:edit", args=[editor.pk]),
        _person_form(
            editor,
            [{"id": own.pk, "department": people.transport.pk, "role": Role.EDITOR}],
            initial=1,
        ),
    )

    history = admin_client.get(reverse("orgs_people:history", args=[editor.pk])).text
    assert "撤销角色：示例市教育局·编辑 → 无" in history
    assert "授予角色：无 → 示例市交通运输局·编辑" in history


def test_it_records_roles_granted_by_an_import(admin_client, people):
    upload = xlsx(PEOPLE, [["孙审核", "sun", "", "示例市教育局", "审核人", ""]])
    response = admin_client.post(reverse("orgs_import", args=[PEOPLE]), {"file": upload})
    assert response.status_code == 200
    assert "新增 1 条" in response.text

    site = admin_client.get(SITE_HISTORY).text
    assert "授予角色：无 → 示例市教育局·审核人" in site
    assert "孙审核" in site
    assert _actor("govmedia.role_grant") == people.admin.first_name


def test_it_records_a_channel_status_change_with_who_made_it(client, people):
    channel = Channel.objects.create(
        department=people.education, kind="wechat", name="示例教育", account_id="sl_edu"
    )
    assert client.login(username=people.editor.username, password=PASSWORD)
    response = client.post(
        reverse("orgs_channels:edit", args=[channel.pk]),
        {
            "department": people.education.pk,
            "kind": "wechat",
            "name": "示例教育",
            "account_id": "sl_edu",
            "update_every_days": 14,
            "status": "closed",
        },
    )
    assert response.status_code == 302

    history = client.get(reverse("orgs_channels:history", args=[channel.pk])).text
    assert "渠道状态变更：在用 → 已关停" in history
    assert _actor("govmedia.channel_status") == "王编辑"


def test_it_records_a_channel_status_changed_by_an_import(admin_client, people):
    Channel.objects.create(
        department=people.education, kind="wechat", name="示例教育", account_id="sl_edu"
    )
    upload = xlsx(
        CHANNELS, [["示例市教育局", "微信公众号", "示例教育", "", "sl_edu", "", "", 14, "已关停"]]
    )
    response = admin_client.post(reverse("orgs_import", args=[CHANNELS]), {"file": upload})
    assert response.status_code == 200

    site = admin_client.get(SITE_HISTORY).text
    assert "渠道状态变更：在用 → 已关停" in site
    assert _actor("govmedia.channel_status") == people.admin.first_name
