"""The live server of the browser tests answers concurrent requests correctly.

With SQLite in memory, Django gives every request thread of the live server
the test's one database connection. Requests served at once then interleave
that connection's transaction state (one request's savepoint released by
another, a rollback flag left set), and every later request fails with
"An error occurred in the current transaction". A browser loads a page, its
icons and its translations at once, so this happened in the browser tests.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from govmedia.devtools.testing import make_people


def _get(address, path: str, cookie: str) -> int:
    connection = HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_admin_requests_all_succeed_and_leave_the_server_usable(live_server):
    people = make_people()
    client = Client()
    client.force_login(people.editor)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    address = urlsplit(live_server.url)
    # Pages whose views write (the account page creates the profile) and read.
    paths = [
        "/admin/account/",
        "/admin/",
        "/admin/jsi18n/",
        "/admin/pages/search/?q=%E9%80%9A%E7%9F%A5",
    ] * 15

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda path: _get(address, path, cookie), paths))

    assert list(zip(paths, statuses, strict=True)) == [(p, 200) for p in paths]
    assert _get(address, "/admin/account/", cookie) == 200
