from django.contrib.auth import get_user_model
from django.urls import reverse

from govmedia.devtools.testing import PASSWORD
from govmedia.orgs.models import Membership, Role


def formset(rows, initial=0):
    data = {
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{i}-{key}"] = value
    return data


def test_it_creates_a_person_with_roles(admin_client, people):
    response = admin_client.post(
        reverse("orgs_people:add"),
        {
            "first_name": "孙编辑",
            "username": "sun",
            "phone": "13800000000",
            "password": "S3cure-pass-2026",
            "is_active": "on",
            **formset(
                [
                    {"department": people.education.pk, "role": Role.EDITOR},
                    {"department": people.transport.pk, "role": Role.REVIEWER},
                ]
            ),
        },
    )

    assert response.status_code == 302, response.text[:2000]
    sun = get_user_model().objects.get(username="sun")
    assert sun.check_password("S3cure-pass-2026")
    assert set(Membership.objects.filter(user=sun).values_list("role", "phone")) == {
        (Role.EDITOR, "13800000000"),
        (Role.REVIEWER, "13800000000"),
    }
    assert sun.groups.filter(name="示例市教育局·编辑").exists()


def test_it_lists_people_with_their_roles(admin_client, people):
    response = admin_client.get(reverse("orgs_people:index"))

    assert "示例市教育局·编辑" in response.text


def test_it_removes_a_role_when_its_row_is_deleted(admin_client, people):
    membership = Membership.objects.get(user=people.editor)

    response = admin_client.post(
        reverse("orgs_people:edit", args=[people.editor.pk]),
        {
            "first_name": "王编辑",
            "username": "editor",
            "phone": "",
            "is_active": "on",
            **formset(
                [
                    {
                        "id": membership.pk,
                        "user": people.editor.pk,
                        "department": people.education.pk,
                        "role": Role.EDITOR,
                        "DELETE": "on",
                    }
                ],
                initial=1,
            ),
        },
    )

    assert response.status_code == 302, response.text[:2000]
    assert not Membership.objects.filter(user=people.editor).exists()
    assert people.editor.check_password(PASSWORD)


def test_it_renders_the_person_forms(admin_client, people):
    add = admin_client.get(reverse("orgs_people:add"))
    edit = admin_client.get(reverse("orgs_people:edit", args=[people.editor.pk]))

    assert add.status_code == edit.status_code == 200
    assert "memberships-TOTAL_FORMS" in edit.text
    assert "初始密码" in add.text


def test_it_refuses_a_duplicate_role_row(admin_client, people):
    row = {"department": people.education.pk, "role": Role.EDITOR}

    response = admin_client.post(
        reverse("orgs_people:add"),
        {"first_name": "孙编辑", "username": "sun", "is_active": "on", **formset([row, row])},
    )

    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="sun").exists()
