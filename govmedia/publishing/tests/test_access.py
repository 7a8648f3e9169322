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


def test_it_offers_an_editor_only_their_departments_active_channels_and_published_policies(
    people, client
):
    from govmedia.orgs.models import Channel, ChannelKind, ChannelStatus
    from govmedia.publishing.models import DepartmentIndexPage

    Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育发布", account_id="gh_1"
    )
    Channel.objects.create(
        department=people.education,
        kind=ChannelKind.WEIBO,
        name="已关停的微博",
        account_id="w1",
        status=ChannelStatus.CLOSED,
    )
    Channel.objects.create(
        department=people.transport, kind=ChannelKind.WECHAT, name="示例交通发布", account_id="gh_2"
    )
    parent = DepartmentIndexPage.objects.get(department=people.education)
    client.force_login(people.editor)
    page = client.get(f"/admin/pages/add/publishing/itempage/{parent.pk}/").content.decode()
    assert "示例教育发布" in page
    assert "已关停的微博" not in page and "示例交通发布" not in page


def test_it_refuses_to_move_an_item_to_another_department(people, client):
    from django.contrib.auth import get_user_model

    from govmedia.publishing.models import DepartmentIndexPage

    item = draft_item(people.education, people.editor)
    admin = get_user_model().objects.create_superuser("root", password="x-pass-123")
    client.force_login(admin)
    target = DepartmentIndexPage.objects.get(department=people.transport)
    response = client.post(f"/admin/pages/{item.pk}/move/{target.pk}/confirm/", follow=True)
    assert "不能移动到其他机构" in response.content.decode()
    item.refresh_from_db()
    assert item.get_parent().pk == DepartmentIndexPage.objects.get(department=people.education).pk


def test_it_leaves_a_hand_made_group_with_a_dot_in_its_name_alone(people):
    from django.contrib.auth.models import Group

    from govmedia.orgs.importing import PEOPLE, import_workbook
    from govmedia.orgs.tests.workbooks import xlsx

    outside = Group.objects.create(name="宣传·外聘")
    people.editor.groups.add(outside)

    Membership.objects.create(user=people.editor, department=people.transport, role=Role.REVIEWER)
    report = import_workbook(
        PEOPLE, xlsx(PEOPLE, [["王编辑", "editor", "", "示例市人民政府", "审核人", ""]])
    )

    assert report.errors == []
    names = set(people.editor.groups.values_list("name", flat=True))
    assert {"宣传·外聘", "示例市交通运输局·审核人", "示例市人民政府·审核人"} <= names


def test_renaming_a_department_renames_its_groups_and_collection_in_place(people):
    from django.contrib.auth.models import Group

    from govmedia.publishing.access import department_collection

    collection = department_collection(people.education)
    groups = dict(people.education.managed_groups.values_list("role", "group_id"))
    group_count = Group.objects.count()
    assert set(groups) == {Role.EDITOR, Role.REVIEWER, Role.APPROVER}

    people.education.name = "示例市教育体育局"
    people.education.save()
    Membership.objects.create(
        user=people.other_editor, department=people.education, role=Role.EDITOR
    )

    assert Group.objects.count() == group_count
    assert Group.objects.get(pk=groups[Role.EDITOR]).name == "示例市教育体育局·编辑"
    assert Group.objects.get(pk=groups[Role.REVIEWER]).name == "示例市教育体育局·审核人"
    assert people.other_editor.groups.filter(pk=groups[Role.EDITOR]).exists()
    renamed = department_collection(people.education)
    assert (renamed.pk, renamed.name) == (collection.pk, "示例市教育体育局")


def test_renaming_a_department_retitles_its_catalogue_section(people, client):
    from govmedia.publishing.bootstrap import ensure_department_page

    page = ensure_department_page(people.education)
    people.education.name = "示例市教育体育局"
    people.education.save()

    page.refresh_from_db()
    assert (page.title, page.draft_title) == ("示例市教育体育局", "示例市教育体育局")
    assert page.get_latest_revision_as_object().title == "示例市教育体育局"
    assert "示例市教育体育局" in client.get(page.url).text


def test_the_upgrade_links_the_groups_and_collection_earlier_versions_named(db):
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group
    from wagtail.models import Collection

    from govmedia.orgs.models import Department, DepartmentKind
    from govmedia.publishing.access import department_collection, role_group

    migration = importlib.import_module(
        "govmedia.publishing.migrations.0008_link_existing_managed_groups"
    )
    department = Department.objects.create(
        name="示例市档案馆", kind=DepartmentKind.DEPARTMENT, code="D2143569-X"
    )
    editors = Group.objects.create(name="示例市档案馆·编辑")
    supervisors = Group.objects.create(name="全市·监管员")
    outside = Group.objects.create(name="宣传·外聘")
    collection = Collection.get_first_root_node().add_child(name="示例市档案馆")

    migration.link(apps, None)

    assert role_group(department, Role.EDITOR).pk == editors.pk
    assert role_group(None, Role.SUPERVISOR).pk == supervisors.pk
    assert not hasattr(Group.objects.get(pk=outside.pk), "managed")
    assert department_collection(department).pk == collection.pk
