"""Reading sources into the database: claims, upserts, errors kept on the row, the jobs, the event."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from govmedia.sources import service
from govmedia.sources.dates import SHANGHAI
from govmedia.sources.models import Entry, Kind, Probe, Source, Status
from govmedia.sources.signals import entries_read
from govmedia.sources.testing import (
    COLUMN_CONFIG,
    blank_site,
    healthy_site,
    serve,
    slow_site,
    stale_site,
)

pytestmark = pytest.mark.django_db


def column_source(base_url: str, slug: str = "dongtai", **fields) -> Source:
    return Source.objects.create(
        name=f"示例市政府网站·{slug}",
        kind=Kind.COLUMN,
        url=f"{base_url}/col/{slug}/index.html",
        **{"config": dict(COLUMN_CONFIG), **fields},
    )


@pytest.fixture
def healthy():
    site = healthy_site()
    with serve(site):
        yield site


def test_a_read_stores_every_entry_with_its_dates(healthy):
    source = column_source(healthy.base_url)
    outcome = service.run_source(source.pk)
    source.refresh_from_db()
    assert outcome.status == "ok" and outcome.read == 20 and len(outcome.new_keys) == 20
    assert source.status == Status.OK and source.last_ok_at and source.consecutive_failures == 0
    assert source.progress == "读到 20 条，新增 20 条，更新 0 条。"
    assert source.next_run_at == source.last_run_at + timedelta(minutes=60)
    newest = healthy.columns["dongtai"].articles[0]
    entry = source.entries.get(key=healthy.base_url + newest.path)
    assert entry.title == newest.title and entry.date_text == newest.date_text
    assert entry.published_at.astimezone(SHANGHAI).date() == newest.published_at.date()
    assert entry.first_seen_at == entry.last_seen_at and entry.content_hash


def test_a_second_read_updates_last_seen_and_only_changed_content(healthy):
    source = column_source(healthy.base_url)
    service.run_source(source.pk)
    first = {e.key: (e.content_hash, e.first_seen_at) for e in source.entries.all()}
    article = healthy.columns["dongtai"].articles[0]
    article.title = article.title + "（更正）"
    healthy.set_layout("dongtai", "list")  # rebuild the pages
    outcome = service.run_source(source.pk)
    assert outcome.new_keys == [] and outcome.changed == 1
    changed = source.entries.get(key=healthy.base_url + article.path)
    assert changed.title.endswith("（更正）") and changed.content_hash != first[changed.key][0]
    assert changed.first_seen_at == first[changed.key][1]
    assert all(e.last_seen_at > e.first_seen_at for e in source.entries.all())
    assert source.entries.count() == 20


def test_a_feed_read_twice_uses_a_conditional_request(healthy):
    source = Source.objects.create(
        name="动态 RSS", kind=Kind.FEED, url=healthy.base_url + "/rss.xml"
    )
    service.run_source(source.pk)
    outcome = service.run_source(source.pk)
    source.refresh_from_db()
    assert outcome.status == "not_modified"
    assert source.progress == "内容未变化（服务器返回 304）。" and source.etag
    assert healthy.requests[-1][1]["if-none-match"] == source.etag
    assert source.entries.count() == 20


def test_a_changed_layout_is_a_clear_error_and_the_last_good_entries_stay(healthy, caplog):
    source = column_source(healthy.base_url)
    service.run_source(source.pk)
    healthy.set_layout("dongtai", "v2")
    with caplog.at_level(logging.WARNING, logger="govmedia.sources.service"):
        outcome = service.run_source(source.pk)
    source.refresh_from_db()
    assert outcome.status == "error"
    assert source.status == Status.ERROR and source.last_error_code == "layout_changed"
    assert source.last_error.startswith("栏目页面结构已改变")
    assert source.consecutive_failures == 1 and source.last_error_at
    assert source.entries.count() == 20
    assert "the page layout has changed" in caplog.text
    # Tried again sooner than the hourly interval.
    assert source.next_run_at - source.last_run_at == timedelta(minutes=5)


def test_a_site_that_times_out_is_recorded_and_retried_with_back_off(settings):
    settings.GOVMEDIA_SOURCES_TIMEOUT = 0.3
    site = slow_site(delay=2)
    with serve(site):
        source = column_source(site.base_url)
        service.run_source(source.pk)
        service.run_source(source.pk)
    source.refresh_from_db()
    assert source.last_error_code == "timeout" and "没有响应" in source.last_error
    assert source.consecutive_failures == 2
    assert source.next_run_at - source.last_run_at == timedelta(minutes=10)


def test_a_stale_column_and_a_blank_one_read_as_they_are():
    stale, blank = stale_site(), blank_site()
    with serve(stale), serve(blank):
        old = column_source(stale.base_url, "tzgg")
        empty = column_source(blank.base_url, "hudong")
        assert service.run_source(old.pk).status == "ok"
        assert service.run_source(empty.pk).status == "ok"
    newest = old.entries.order_by("-published_at").first()
    assert (timezone.now() - newest.published_at).days >= 239
    assert empty.entries.count() == 0
    empty.refresh_from_db()
    assert empty.status == Status.OK and empty.progress.startswith("读到 0 条")


def test_a_feed_that_is_not_xml_is_an_error_on_the_row(healthy):
    source = Source.objects.create(name="错误的订阅", kind=Kind.FEED, url=healthy.base_url + "/")
    service.run_source(source.pk)
    source.refresh_from_db()
    assert source.status == Status.ERROR and source.last_error_code == "not_xml"
    assert "不是 XML" in source.last_error


def test_a_source_running_elsewhere_is_not_run_twice(healthy):
    source = column_source(healthy.base_url)
    Source.objects.filter(pk=source.pk).update(
        status=Status.RUNNING, claimed_by="other-worker", claimed_at=timezone.now()
    )
    assert service.run_source(source.pk).status == "skipped"
    assert healthy.hits["/col/dongtai/index.html"] == 0
    # A claim older than the lease was left by a dead worker: taken over.
    Source.objects.filter(pk=source.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert service.run_source(source.pk).status == "ok"


def test_entries_read_is_sent_after_commit_with_the_new_keys(
    healthy, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, source_id, new_keys, **kwargs):
        received.append((source_id, sorted(new_keys)))

    entries_read.connect(receiver)
    try:
        source = column_source(healthy.base_url)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            outcome = service.run_source(source.pk)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            service.run_source(source.pk)  # nothing new the second time
    finally:
        entries_read.disconnect(receiver)
    assert received == [(source.pk, sorted(outcome.new_keys))]


def test_a_failing_receiver_does_not_undo_the_read(healthy, django_capture_on_commit_callbacks):
    def broken(**kwargs):
        raise RuntimeError("subscriber bug")

    entries_read.connect(broken)
    try:
        source = column_source(healthy.base_url)
        with django_capture_on_commit_callbacks(execute=True):
            assert service.run_source(source.pk).status == "ok"
    finally:
        entries_read.disconnect(broken)
    assert source.entries.count() == 20


def test_the_due_job_reads_every_due_source_and_one_broken_channel_stops_none(healthy):
    good = column_source(healthy.base_url)
    notices = column_source(healthy.base_url, "tzgg")
    broken = Source.objects.create(
        name="坏的订阅", kind=Kind.FEED, url=healthy.base_url + "/col/dongtai/index.html"
    )
    later = column_source(
        healthy.base_url, "later", next_run_at=timezone.now() + timedelta(hours=1)
    )
    manual = column_source(healthy.base_url, "manual", every_minutes=0)
    assert service.run_due_sources() == 3  # the immediate backend runs each task as it is enqueued
    statuses = dict(Source.objects.values_list("pk", "status"))
    assert statuses[good.pk] == statuses[notices.pk] == Status.OK
    assert statuses[broken.pk] == Status.ERROR
    assert statuses[later.pk] == statuses[manual.pk] == Status.IDLE
    assert service.run_due_sources() == 0  # nothing is due again at once


def test_a_read_left_running_by_a_dead_worker_is_started_again(healthy):
    source = column_source(healthy.base_url)
    Source.objects.filter(pk=source.pk).update(
        status=Status.RUNNING,
        claimed_by="dead-worker",
        claimed_at=timezone.now() - timedelta(minutes=5),
    )
    assert service.run_due_sources() == 0  # within the lease: perhaps still running
    Source.objects.filter(pk=source.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert service.run_due_sources() == 1
    source.refresh_from_db()
    assert source.status == Status.OK and source.claimed_by == ""


def test_the_probe_job_keeps_one_probe_per_website(settings):
    settings.GOVMEDIA_SOURCES_PROBE_TIMEOUT = 0.3
    healthy, slow = healthy_site(), slow_site(delay=2)
    with serve(healthy), serve(slow):
        up = column_source(healthy.base_url)
        down = column_source(slow.base_url)
        Source.objects.create(name="导出表格", kind=Kind.TABULAR, url="")
        column_source(healthy.base_url, "off", probe_every_minutes=0)
        assert service.probe_due_sources() == 2
    assert Probe.objects.get(source=up).ok
    failed = Probe.objects.get(source=down)
    assert not failed.ok and "没有响应" in failed.error
    assert up.availability() == (1, 1) and down.availability() == (0, 1)
    assert service.probe_due_sources() == 0


def test_stored_entries_keep_texts_and_dates_a_later_list_read_lacks(healthy):
    source = column_source(healthy.base_url, config={**COLUMN_CONFIG, "articles": 3})
    service.run_source(source.pk)
    # The entries whose articles the first read fetched (by key: the latest by
    # date may change when the local day turns between the reads).
    read = {e.pk: e.text for e in source.entries.all() if e.text}
    assert len(read) == 3 and all("贯彻落实" in text for text in read.values())
    source.config = dict(COLUMN_CONFIG)
    source.save()
    service.run_source(source.pk)
    kept = {e.pk: e.text for e in source.entries.filter(pk__in=read)}
    assert kept == read


def test_an_uploaded_table_is_recorded_like_a_read():
    source = Source.objects.create(name="微信公众号导出", kind=Kind.TABULAR, every_minutes=0)
    data = "标题,发布时间\n示例推送,2026-03-01\n,2026-03-02\n".encode()
    outcome = service.import_table(source.pk, data, "x.csv")
    source.refresh_from_db()
    assert outcome.new_keys and source.status == Status.OK
    assert outcome.warnings == source.last_warnings == ["row 3: no title; skipped"]
    assert Entry.objects.filter(source=source).count() == 1
    # A file that is no table: the source's error, its entries kept.
    outcome = service.import_table(source.pk, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls")
    source.refresh_from_db()
    assert outcome.status == "error" and source.last_error_code == "bad_table"
    assert ".xls" in source.last_error and Entry.objects.filter(source=source).count() == 1


def test_an_upload_waits_for_a_running_read():
    source = Source.objects.create(name="微信公众号导出", kind=Kind.TABULAR, every_minutes=0)
    Source.objects.filter(pk=source.pk).update(status=Status.RUNNING, claimed_at=timezone.now())
    assert service.import_table(source.pk, "标题\n示例\n".encode(), "x.csv").status == "skipped"
    assert not Entry.objects.exists()


def test_the_worker_scheduler_runs_both_jobs(healthy):
    from govmedia.core import scheduler
    from govmedia.core.models import PeriodicJob

    assert {"read_sources", "probe_sources"} <= set(scheduler.JOBS)
    source = column_source(healthy.base_url)
    started = scheduler.tick()  # the immediate backend runs each enqueued job at once
    assert {"read_sources", "probe_sources"} <= set(started)
    assert source.entries.count() == 20 and source.probes.count() == 1
    assert PeriodicJob.objects.get(name="read_sources").last_ok
