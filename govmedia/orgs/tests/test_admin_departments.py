"""The admin's department form holds codes to the same check as the import."""

from __future__ import annotations

from django.urls import reverse

from govmedia.orgs.models import Department


def add_department(client, code: str):
    return client.post(
        reverse("orgs_departments:add"),
        {"name": "示例市档案馆", "short_name": "", "kind": "department", "code": code, "order": 5},
    )


def test_it_refuses_a_code_with_a_wrong_check_character_in_the_admin(admin_client):
    refused = add_department(admin_client, "D2143569-1")
    accepted = add_department(admin_client, "D2143569-X")

    assert refused.status_code == 200
    assert "组织机构代码“D2143569-1”的校验码不正确" in refused.text
    assert accepted.status_code == 302
    assert Department.objects.get(name="示例市档案馆").code == "D2143569-X"


def test_it_takes_a_code_typed_in_lower_case_with_spaces_as_the_same_code(admin_client):
    typed = add_department(admin_client, " d2143569-x ")
    again = add_department(admin_client, "D2143569-X")

    assert typed.status_code == 302
    assert Department.objects.get(name="示例市档案馆").code == "D2143569-X"
    assert again.status_code == 200
    assert "机构代码已被另一机构使用。" in again.text
