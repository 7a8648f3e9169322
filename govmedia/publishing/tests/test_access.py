"""Wagtail groups derived from memberships: who sees which department's items in the admin."""

from __future__ import annotations

import pytest

from govmedia.orgs.models import Membership, Role
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db


def test_it_shows_an_editor_only_their_own_departments_drafts_in_the_admin(people, client):
    own = draft_item(people.education, people.editor, title="教育局的草稿")
    other = draft_item(people.transport, people.other_editor, title="交通局的草稿")
    client.force_login(people.editor)
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{other.pk}/edit/").status_code in (302, 403)
    explorer = client.get(f"/admin/pages/{other.get_parent().pk}/").content.decode()
    assert "交通局的草稿" not in explorer


def test_it_lets_a_supervisor_see_every_department_without_editing(people, client):
    other = draft_item(people.transport, people.other_editor, title="交通局的草稿")
    client.force_login(people.supervisor)
    assert "交通局的草稿" in client.get(f"/admin/pages/{other.get_parent().pk}/").content.decode()
    assert client.get(f"/admin/pages/{other.pk}/edit/").status_code in (302, 403)


def test_it_grants_and_removes_administrator_rights_with_the_role(people):
    membership = Membership.objects.create(
        user=people.editor, department=people.city, role=Role.ADMIN
    )
    people.editor.refresh_from_db()
    assert people.editor.is_superuser
    membership.delete()
    people.editor.refresh_from_db()
    assert not people.editor.is_superuser
