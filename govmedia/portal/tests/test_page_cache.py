"""The page cache: anonymous readers get cached pages, never a stale correction or withdrawal."""

from __future__ import annotations

import http.client
import os
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govmedia.core import scheduler
from govmedia.core.env import cache_from_url
from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.actions import do_withdraw_item
from govmedia.publishing.models import DepartmentIndexPage, DisclosureCategory, ItemPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
# Real commits: the purge comes from publishing's after-commit events, as in production.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def correct(people, item: ItemPage, *, title: str, when=None) -> None:
    """Publish a correction (更正) of a live item: a new title with its note."""
    item = ItemPage.objects.get(pk=item.pk)
    item.title = title
    item.correction_note = f"标题更正为：{title}"
    if when is not None:
        item.go_live_at = when
    revision = item.save_revision(user=people.editor)
    if when is None:
        revision.publish(user=people.approver, skip_permission_checks=True)
    else:
        revision.approved_go_live_at = when
        revision.save(update_fields=["approved_go_live_at"])


def test_it_serves_the_second_anonymous_request_from_the_cache(
    client, people, django_assert_num_queries
):
    item = publish_item(people, title="关于招生的通知")
    first = client.get(item.url)

    with django_assert_num_queries(0):
        second = client.get(item.url)

    assert second.status_code == 200 and second.content == first.content
    assert second["Cache-Control"] == "public, max-age=60"
    assert second["ETag"] == first["ETag"]


def test_a_correction_is_never_served_stale(client, people, django_capture_on_commit_callbacks):
    item = publish_item(people, title="关于招生的通知")
    for url in (item.url, "/", "/xxgk/", "/feeds/rss/"):
        assert "关于招生的通知" in client.get(url).text, url

    with django_capture_on_commit_callbacks(execute=True):
        correct(people, item, title="关于秋季招生的通知（更正）")

    for url in (item.url, "/", "/xxgk/", "/feeds/rss/"):
        text = client.get(url).text
        assert "关于秋季招生的通知（更正）" in text, url
        assert "关于招生的通知" not in text, url


def test_a_withdrawal_is_never_served_stale(client, people, django_capture_on_commit_callbacks):
    item = publish_item(people, title="关于招生的通知")
    assert client.get(item.url).status_code == 200
    assert "关于招生的通知" in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        do_withdraw_item(people.approver, ItemPage.objects.get(pk=item.pk), "内容有误，撤回。")

    assert client.get(item.url).status_code == 410
    assert "关于招生的通知" not in client.get("/").text


def test_publishing_one_item_keeps_the_other_item_pages_cached(
    client, people, django_assert_num_queries
):
    item = publish_item(people, title="关于招生的通知")
    client.get(item.url)

    publish_item(people, title="另一条通知")

    with django_assert_num_queries(0):
        assert client.get(item.url).status_code == 200
    assert "另一条通知" in client.get("/").text


def test_a_policy_page_shows_its_new_interpretation_at_once(
    client, people, django_capture_on_commit_callbacks
):
    policy = publish_item(people, title="示例市最低生活保障办法", is_policy=True)
    assert "政策解读" not in client.get(policy.url).text  # cached without it

    interpretation = publish_item(people, title="《示例市最低生活保障办法》解读", publish=False)
    interpretation.interprets.add(policy)
    with django_capture_on_commit_callbacks(execute=True):
        interpretation.save_revision(user=people.editor).publish(
            user=people.approver, skip_permission_checks=True
        )

    page = client.get(policy.url).text
    assert "政策解读" in page and interpretation.url in page


def test_it_never_caches_for_people_logged_in(admin_client, people):
    item = publish_item(people, title="关于招生的通知")
    anonymous = Client()
    anonymous.get(item.url)  # cached for anonymous readers

    response = admin_client.get(item.url)

    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
    assert response.context is not None  # rendered for this person, not taken from the cache


def test_it_keeps_the_care_mode_apart_from_the_normal_page(client, people):
    item = publish_item(people)
    normal = client.get(item.url).text

    client.cookies["elder"] = "1"
    care = client.get(item.url).text
    del client.cookies["elder"]

    assert care != normal
    assert client.get(item.url).text == normal


def test_it_answers_304_when_the_page_did_not_change(client, people):
    item = publish_item(people)
    for url in (item.url, "/", "/feeds/rss/", "/sitemap.xml"):
        etag = client.get(url)["ETag"]

        response = client.get(url, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304, url
        assert response.content == b""


def test_it_answers_304_to_if_modified_since_on_feeds(client, people):
    publish_item(people)
    last_modified = client.get("/feeds/atom/")["Last-Modified"]

    assert client.get("/feeds/atom/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_a_page_changed_in_the_admin_is_not_served_stale(client, people):
    item = publish_item(people)
    client.get(item.url)
    department = people.education

    department.name = "示例市教育委员会"
    department.save()

    assert "示例市教育委员会" in client.get(item.url).text


def test_it_does_not_cache_when_turned_off_but_still_tells_proxies(client, people, settings):
    settings.GOVMEDIA_PAGE_CACHE_SECONDS = 0
    settings.GOVMEDIA_CACHE_MAX_AGE = 30
    item = publish_item(people)
    client.get(item.url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(item.url)

    assert len(queries) > 0
    assert response["Cache-Control"] == "public, max-age=30"


def _get(live_server, path: str) -> tuple[int, str]:
    address = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


@committing
def test_a_correction_and_a_withdrawal_by_the_worker_show_on_the_next_request(live_server, people):
    """Published by the worker's scheduler, in its own committed transactions, read over HTTP."""
    parent = DepartmentIndexPage.objects.get(department=people.education)
    item = ItemPage(
        title="关于招生的通知",
        category=DisclosureCategory.objects.first(),
        body="<p>招生安排。</p>",
        owner=people.editor,
        live=False,
    )
    parent.add_child(instance=item)
    item.save_revision(user=people.editor).publish(
        user=people.approver, skip_permission_checks=True
    )
    url = ItemPage.objects.get(pk=item.pk).url
    assert "关于招生的通知" in _get(live_server, url)[1]
    assert "关于招生的通知" in _get(live_server, "/")[1]  # both now cached

    correct(
        people, item, title="关于秋季招生的通知（更正）", when=timezone.now() - timedelta(minutes=1)
    )
    scheduler.run_job_now("publish_scheduled")

    assert "关于秋季招生的通知（更正）" in _get(live_server, url)[1]
    assert "关于秋季招生的通知（更正）" in _get(live_server, "/")[1]

    do_withdraw_item(people.approver, ItemPage.objects.get(pk=item.pk), "内容有误，撤回。")

    status, _body = _get(live_server, url)
    assert status == 410
    assert "招生的通知" not in _get(live_server, "/")[1]


REDIS_BASE_URL = os.environ.get("GOVMEDIA_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")


@pytest.fixture
def pages_in_redis(settings):
    """The page cache in Redis (Django's RedisCache), under keys of this test's own."""
    import redis

    url = f"{REDIS_BASE_URL}/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"no Redis answers at {REDIS_BASE_URL}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"govmedia-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**cache_from_url(url, Path("unused")), "KEY_PREFIX": prefix},
    }
    yield
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.mark.redis
def test_with_redis_a_correction_and_a_withdrawal_are_never_served_stale(
    client, people, pages_in_redis, django_capture_on_commit_callbacks
):
    assert "RedisCache" in caches["pages"].__class__.__name__
    item = publish_item(people, title="关于招生的通知")
    assert "关于招生的通知" in client.get(item.url).text
    assert caches["pages"].get("gen:listings")  # the page went through Redis

    with django_capture_on_commit_callbacks(execute=True):
        correct(people, item, title="关于秋季招生的通知（更正）")
    assert "关于秋季招生的通知（更正）" in client.get(item.url).text

    with django_capture_on_commit_callbacks(execute=True):
        do_withdraw_item(people.approver, ItemPage.objects.get(pk=item.pk), "内容有误，撤回。")
    assert client.get(item.url).status_code == 410
