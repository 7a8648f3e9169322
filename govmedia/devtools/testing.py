"""The people every test meets, so permission tests read naturally.

`make_people()` builds two departments of 示例市 and one person per role:
the editor, reviewer and approver of 示例市教育局, the editor of 示例市交通运输局,
a supervisor of the whole city and an administrator (管理员, a superuser
through that role). Everyone's password is `PASSWORD`.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.servers.basehttp import ThreadedWSGIServer

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
