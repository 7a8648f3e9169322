import shutil

import pytest

# Settings every test runs with, set by the autouse fixtures below; the
# people are recorded with them too (see django_db_setup).
TASKS_INLINE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PAGE_CACHE_OFF = 0


@pytest.fixture
def people(db):
    """The suite's people (devtools/testing.py), replayed from the worker's recording when it applies."""
    from govmedia.devtools.testing import people_for_test

    return people_for_test()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _test_installation):
    """pytest-django's test database, then the people recorded once in it (and rolled back).

    Recorded with the settings a test has (tasks inline, page cache off), so
    that the `people` of a test with no settings of its own replay it.
    """
    from django.test import override_settings

    from govmedia.devtools.testing import record_people

    with (
        django_db_blocker.unblock(),
        override_settings(TASKS=TASKS_INLINE, GOVMEDIA_PAGE_CACHE_SECONDS=PAGE_CACHE_OFF),
    ):
        record_people()


@pytest.fixture
def admin_client(client, people):
    """A client logged in as the people's administrator (管理员, a superuser through that role)."""
    client.force_login(people.admin)
    return client


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, started after the test database exists.

    pytest-django starts it whenever a test first asks for it: before the test
    database was set up, the request threads each opened their own connection
    to SQLite's shared in-memory database and met "database table is locked";
    after, they shared the test's connection and served requests at once on it.
    Which one happened depended on the order of the tests. Now the server always
    starts after the database, so with SQLite in memory it shares the test's
    connection, and its server class runs one request at a time (see LiveServer).
    """
    import os

    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer as Helper

    from govmedia.devtools.testing import LiveServer

    LiveServerThread.server_class = LiveServer
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = Helper(address)
    yield server
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def _test_installation():
    """Every test runs in the session's own data directory, with a fast password hasher.

    The data directory (and with it media, the seal key, which `make_people()`
    enters in each test's keyring as `govmedia setup` does, backups, mail and
    the list caches) is set by govmedia/devtools/pytest_plugin.py before the
    settings are read; this checks that it took. Hashing a password properly
    takes a good part of a second, and most tests make six people.
    """
    from django.conf import settings
    from django.test import override_settings

    from govmedia.devtools.pytest_plugin import outside_data_dir

    strays = outside_data_dir(settings)
    assert not strays, f"path settings outside the test data directory: {strays}"
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """The page cache (portal/cache.py) is off unless a test asks for it with `page_cache`.

    A page served from the cache renders no template, so the test client's
    `response.context` would be empty on a second request to the same address.
    """
    from django.core.cache import caches

    settings.GOVMEDIA_PAGE_CACHE_SECONDS = PAGE_CACHE_OFF
    # Each test starts from its own database; pages cached by another must not show.
    caches["pages"].clear()


@pytest.fixture
def page_cache(settings):
    """The page cache on, as in production."""
    settings.GOVMEDIA_PAGE_CACHE_SECONDS = 300


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    # Background work runs inline in tests, so a test sees its effects at once.
    settings.TASKS = TASKS_INLINE


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(monkeypatch):
    """A headless Chromium page (Debian's Chromium driven by Playwright); skips when none is installed."""
    if CHROMIUM is None:
        pytest.skip("no Chromium installed")
    # Playwright's sync API keeps an event loop on this thread; the ORM calls in
    # the test itself are still synchronous.
    # Only for this test: a later `system-check --deploy` on the same worker would report it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is built from the models, with the migrations' data (devtools/testdb.py).

    GOVMEDIA_TEST_MIGRATE=1 builds it by applying every migration instead.
    """
    # Persistent connections outlive a test's threads (the live server's) and
    # would keep PostgreSQL from dropping the test database at the end.
    from django.conf import settings

    from govmedia.devtools.testdb import built_from_models, migrate_for_tests

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    if migrate_for_tests():
        yield
        return
    with built_from_models("default"):
        yield


@pytest.fixture(autouse=True)
def _postgres_sequences_follow_restored_rows(request):
    """On PostgreSQL, move every id sequence past the rows a transactional test starts with.

    Serialized rollback puts the migrations' rows back with their ids, and the
    flush between transactional tests does not reset sequences: without this
    the next insert reuses id 1 ("duplicate key value violates unique
    constraint wagtailcore_page_pkey").
    """
    from django.db import connection

    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional or connection.vendor != "postgresql":
        return
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("_django_db_helper")
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def pytest_collection_modifyitems(items):
    """Long tests start early, so that with `-n 2` no worker runs one alone at the end.

    The fault-injection test runs for minutes in processes of its own: it and
    the other slow tests that need no test database go first, beside
    everything else instead of alone at the end. pytest-django has ordered the
    database tests as Django does (plain, then transactional, whose flush would
    empty the database for plain tests after them); that order is kept, and
    within each of the two the slow and browser tests go first.
    """
    from django.test import TestCase, TransactionTestCase

    def database_group(item) -> int:
        """pytest-django's order: 0 plain database tests, 1 transactional, 2 no database."""
        cls = getattr(item, "cls", None)
        if cls and issubclass(cls, TransactionTestCase):
            return 0 if issubclass(cls, TestCase) else 1
        fixtures = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        transactional = bool(
            marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
        ) or bool({"transactional_db", "live_server"} & fixtures)
        if transactional:
            return 1
        return 0 if (marker or "db" in fixtures) else 2

    def long(item) -> bool:
        return bool(item.get_closest_marker("slow") or item.get_closest_marker("browser"))

    def key(item) -> tuple[int, bool]:
        group = database_group(item)
        if group == 2:
            return (-1 if long(item) else 2, False)
        return (group, not long(item))

    items.sort(key=key)
    _refuse_transactional_tests_without_serialized_rollback(items)


def _refuse_transactional_tests_without_serialized_rollback(items) -> None:
    """A transactional test must restore the migrations' rows (`serialized_rollback=True`).

    Its flush empties every table; without serialized rollback Django then
    re-creates content types and permissions (post_migrate) with new ids, and
    the next serialized test, restoring the rows of the start by primary key,
    fails on a duplicate content type: an error in another test, depending on
    the order. So a `transaction=True` marker without it is refused here.
    """
    import pytest

    bad = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if bad:
        raise pytest.UsageError(
            "transactional tests need serialized_rollback=True (docs/testing.md): " + ", ".join(bad)
        )


@pytest.fixture(autouse=True)
def _fresh_workdays_calendar():
    """Each test starts from the built-in working-day calendar.

    The calendar is cached per process and a test's rolled-back rows send no
    signal, so a year entered by one test would otherwise count in the next
    for up to service.RECHECK_SECONDS.
    """
    from govmedia.workdays.service import bump_version

    bump_version()
