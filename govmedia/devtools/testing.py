"""The people every test meets, so permission tests read naturally.

`make_people()` builds two departments of 示例市 and one person per role:
the editor, reviewer and approver of 示例市教育局, the editor of 示例市交通运输局,
a supervisor of the whole city and an administrator (管理员, a superuser
through that role). Everyone's password is `PASSWORD`.

The `people` fixture does not build them in every test: `record_people()`
runs `make_people()` once per test process, when the test database has been
made, and `people_for_test()` replays the rows it wrote (devtools/replay.py),
or calls `make_people()` where a replay would not be faithful.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.servers.basehttp import ThreadedWSGIServer

from govmedia.devtools import replay
from govmedia.orgs.models import Department, DepartmentKind, Membership, Role

PASSWORD = "test-pass-123"


@dataclass
class People:
    city: Department
    education: Department
    transport: Department
    editor: object
    reviewer: object
    approver: object
    other_editor: object
    supervisor: object
    admin: object


@functools.cache
def _password_hash(hashers: tuple[str, ...]) -> str:
    # Everyone shares PASSWORD, so it is hashed once per hasher setting, not once per
    # person: a subprocess on the production hasher (the fault and RQ scripts) saves seconds.
    return make_password(PASSWORD)


def make_user(username: str, full_name: str, department: Department, *roles: str):
    user = get_user_model().objects.create(
        username=username,
        first_name=full_name,
        password=_password_hash(tuple(settings.PASSWORD_HASHERS)),
    )
    for role in roles:
        Membership.objects.create(user=user, department=department, role=role)
    return user


def make_people() -> People:
    from govmedia.portal.bootstrap import ensure_site
    from govmedia.publishing.bootstrap import ensure_department_page
    from govmedia.publishing.keyring import ensure_first_key

    ensure_site()
    # As `govmedia setup` does: a seal key in the keyring (and its file, the first time).
    ensure_first_key(actor="test")
    city = Department.objects.create(
        name="示例市人民政府", kind=DepartmentKind.CITY, code="11000000MB00000014"
    )
    education = Department.objects.create(
        name="示例市教育局", kind=DepartmentKind.DEPARTMENT, parent=city, code="11000000MB00000027"
    )
    transport = Department.objects.create(
        name="示例市交通运输局",
        kind=DepartmentKind.DEPARTMENT,
        parent=city,
        code="11000000MB0000003A",
    )
    for department in (city, education, transport):
        ensure_department_page(department)
    return People(
        city=city,
        education=education,
        transport=transport,
        editor=make_user("editor", "王编辑", education, Role.EDITOR),
        reviewer=make_user("reviewer", "李审核", education, Role.REVIEWER),
        approver=make_user("approver", "张领导", education, Role.APPROVER),
        other_editor=make_user("other_editor", "赵编辑", transport, Role.EDITOR),
        supervisor=make_user("supervisor", "陈监管", city, Role.SUPERVISOR),
        admin=make_user("admin", "周管理", city, Role.ADMIN),
    )


@dataclass
class _RecordedPeople:
    recording: replay.Recording
    departments: dict[str, int]  # People's field name -> primary key
    users: dict[str, int]


_recorded: _RecordedPeople | None = None


def record_people() -> None:
    """Run `make_people()` once, rolled back, and keep what it wrote for `people_for_test()`."""
    global _recorded
    from django.core.cache import cache

    recording, people = replay.record(make_people, ignore_files=_is_cache_file)
    # The rolled-back site may have left its root paths in Wagtail's cache.
    cache.clear()
    _recorded = _RecordedPeople(
        recording=recording,
        departments={name: getattr(people, name).pk for name in ("city", "education", "transport")},
        users={
            name: getattr(people, name).pk
            for name in ("editor", "reviewer", "approver", "other_editor", "supervisor", "admin")
        },
    )


def _is_cache_file(path) -> bool:
    # The page cache's generation counters (portal/cache.py), bumped by the site's
    # signal handlers: bumped again after a replay instead.
    return path.resolve().is_relative_to(Path(settings.DATA_DIR).resolve() / "cache")


def people_for_test() -> People:
    """The people in the current test: replayed from `record_people()`'s recording when it applies."""
    if _recorded is None or not replay.replay(_recorded.recording):
        return make_people()
    from wagtail.models import Site

    from govmedia.portal import cache as page_cache

    # What the signal handlers of the recorded saves did outside the database.
    Site.clear_site_root_paths_cache()
    page_cache.bump_site()
    departments = Department.objects.in_bulk(_recorded.departments.values())
    users = get_user_model().objects.in_bulk(_recorded.users.values())
    return People(
        **{name: departments[pk] for name, pk in _recorded.departments.items()},
        **{name: users[pk] for name, pk in _recorded.users.items()},
    )


class LiveServer(ThreadedWSGIServer):
    """The browser tests' live server: one request at a time when threads share a connection.

    With SQLite in memory, Django hands every request thread the test's one
    database connection (``connections_override``). Two requests served at once
    then interleave that connection's transaction state (one request's savepoint
    released by another, a rollback flag left set) and every later request fails
    with "An error occurred in the current transaction". A browser loads a page,
    its icons and its translations at once. So the application runs under a lock
    then (reading requests and sending responses stay concurrent); with a
    connection per thread (PostgreSQL) requests run at once, as in production.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    close = getattr(response, "close", None)
                    if close is not None:
                        close()

        return super().set_app(one_at_a_time)
