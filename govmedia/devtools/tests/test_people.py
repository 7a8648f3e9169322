"""The `people` fixture replays the rows `make_people()` writes, and builds them where it cannot.

On SQLite, and on PostgreSQL when DATABASE_URL names one (CI runs both).
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from wagtail.models import Page, Site

from govmedia.devtools import replay, testing
from govmedia.orgs.models import Department, DepartmentKind
from govmedia.portal.models import DisclosurePage, HomePage
from govmedia.publishing.keyring import check_sealing_possible, key_file


def recording() -> replay.Recording:
    assert testing._recorded is not None, "django_db_setup records the people"
    return testing._recorded.recording


def tables(names: list[str]) -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        found = {}
        for name in names:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            found[name] = sorted(map(repr, cursor.fetchall()))
        return found


def search_titles(query: str) -> list[str]:
    return sorted(page.title for page in Page.objects.search(query))


@pytest.mark.django_db
def test_a_replay_leaves_the_rows_and_the_search_index_make_people_leaves():
    touched = [change.table for change in recording().changes]
    assert {"wagtailcore_page", "auth_user", "orgs_department", "publishing_sealkey"} <= set(
        touched
    )
    with transaction.atomic():
        assert replay.replay(recording())
        replayed = tables(touched)
        replayed_search = search_titles("政府信息公开指南")
        transaction.set_rollback(True)

    made = testing.make_people()

    # As many rows in each table (the seal key is registered from the file the
    # replay wrote back, not generated: the same rows, other words) ...
    made_rows = tables(touched)
    assert {name: len(rows) for name, rows in replayed.items()} == {
        name: len(rows) for name, rows in made_rows.items()
    }
    # ... found by the search index, which triggers fill on SQLite.
    assert replayed_search == search_titles("政府信息公开指南") == ["政府信息公开指南"]
    assert {d.name for d in Department.objects.all()} == {
        made.city.name,
        made.education.name,
        made.transport.name,
    }


def test_the_replayed_people_can_log_in_seal_and_see_the_portal(people, client):
    assert people.admin.is_superuser
    assert client.login(username="editor", password=testing.PASSWORD)
    check_sealing_possible()  # the key file is back when a test has removed it
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert client.get("/").status_code == 200
    assert client.get("/xxgkzn/").status_code == 200
    assert Department.objects.create(
        name="新局", kind=DepartmentKind.DEPARTMENT, parent=people.city
    )


def test_a_test_that_changes_the_furniture_changes_it_for_itself_alone(people):
    HomePage.objects.update(title="改过的首页")
    DisclosurePage.objects.filter(slug="xxgkzd").delete()
    Department.objects.filter(pk=people.transport.pk).update(name="改名的局")
    key_file().unlink()


def test_the_next_test_gets_the_furniture_as_recorded(people):
    assert HomePage.objects.get().title != "改过的首页"
    assert DisclosurePage.objects.filter(slug="xxgkzd").exists()
    assert people.transport.name == "示例市交通运输局"
    assert key_file().exists()


@pytest.mark.django_db
def test_a_department_made_before_the_people_makes_them_be_built(request):
    Department.objects.create(name="示例市财政局", kind=DepartmentKind.DEPARTMENT)

    assert not replay.replay(recording())
    people = request.getfixturevalue("people")

    assert Department.objects.count() == 4
    assert people.education.parent == people.city


@pytest.mark.django_db
def test_other_settings_make_them_be_built(settings, request):
    settings.WAGTAIL_SITE_NAME = "某市政府信息公开"

    request.getfixturevalue("people")

    assert HomePage.objects.get().title == "某市政府信息公开"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transactional_test_gets_them_built(people):
    assert not connection.in_atomic_block
    assert HomePage.objects.get().get_children().count() == 4  # the catalogue, three pages
    assert people.admin.check_password(testing.PASSWORD)
