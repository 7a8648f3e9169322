"""Government websites on loopback, read through sources and judged as the indicators would."""

from __future__ import annotations

import pytest
from django.utils import timezone

from govmedia.inspection import judge
from govmedia.inspection.models import ChannelResult, DepartmentResult, Notice
from govmedia.inspection.service import SHANGHAI, run_round
from govmedia.inspection.setup import watch_channel
from govmedia.orgs.models import Channel, ChannelKind
from govmedia.sources import service as sources
from govmedia.sources.testing import (
    COLUMN_CONFIG,
    blank_site,
    healthy_site,
    serve,
    slow_site,
    stale_site,
)

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate(timezone.now(), SHANGHAI)


def watch(department, base_url, path, name, *, config=None, kind=""):
    channel = Channel.objects.create(
        department=department, kind=ChannelKind.WEBSITE_COLUMN, name=name, url=base_url + path
    )
    watched, note = watch_channel(channel, config=config, kind=kind)
    return watched


def read_and_probe(watched_channels, probes=3):
    for watched in watched_channels:
        sources.run_source(watched.source_id)
        for _ in range(probes):
            sources.probe_source(watched.source_id)


def result_of(department):
    result = DepartmentResult.objects.get(department=department)
    return result, {p["code"] for p in result.problems}


def test_a_healthy_site_passes_without_a_problem(people):
    site = healthy_site()
    with serve(site) as base:
        channels = [
            watch(people.education, base, "/", "首页"),
            watch(people.education, base, "/col/dongtai/index.html", "政务动态"),
            watch(people.education, base, "/col/tzgg/index.html", "通知公告"),
        ]
        read_and_probe(channels)
    assert [w.column_type for w in channels] == ["home", "news", "notice"]
    assert all(w.source.kind == "column" and w.source.config.get("item") for w in channels)
    run_round(today())
    result, codes = result_of(people.education)
    assert codes == set()
    assert (result.state, result.score, result.passed) == ("healthy", 100, True)
    assert not Notice.objects.filter(department=people.education).exists()


def test_stale_columns_are_found_with_their_evidence_and_the_home_page_vetoes(people):
    site = stale_site()
    with serve(site) as base:
        channels = [
            watch(people.education, base, "/", "首页"),
            watch(people.education, base, "/col/dongtai/index.html", "政务动态"),
            watch(people.education, base, "/col/tzgg/index.html", "通知公告"),
        ]
        read_and_probe(channels)
    run_round(today())
    result, codes = result_of(people.education)
    assert codes == {judge.HOME_STALE, judge.COLUMN_STALE}
    assert result.state == "vetoed" and not result.passed
    news = ChannelResult.objects.get(watched=channels[1])
    (problem,) = news.problems
    newest = site.columns["dongtai"].articles[0]
    age = (today() - newest.published_at.date()).days  # 120 days and a few hours
    assert problem["code"] == judge.COLUMN_STALE and f"{age} 天前" in problem["detail"]
    assert problem["evidence"][0]["title"] == newest.title
    assert problem["evidence"][0]["published"] == f"{newest.published_at:%Y-%m-%d}"
    notice = Notice.objects.get(department=people.education)
    assert {p["code"] for p in notice.problems} == codes
    assert notice.deadline > notice.issued_on


def test_blank_columns_deduct_and_five_of_them_veto(people):
    site = blank_site()
    with serve(site) as base:
        channels = [
            watch(people.education, base, "/col/dongtai/index.html", "政务动态"),
            watch(
                people.education,
                base,
                "/col/hudong/index.html",
                "互动交流",
                config=COLUMN_CONFIG,
                kind="column",
            ),
        ]
        read_and_probe(channels, probes=1)
        run_round(today())
        result, codes = result_of(people.education)
        assert codes == {judge.BLANK}
        assert result.state == "warned" and result.score == 97.5  # 5 points, mean of two channels

        for slug in ("jgzn", "ghjh", "tjsj", "rsxx"):
            site.add_column(slug, f"空栏目{slug}", [])
            channels.append(
                watch(
                    people.education,
                    base,
                    f"/col/{slug}/index.html",
                    f"空栏目{slug}",
                    config=COLUMN_CONFIG,
                    kind="column",
                )
            )
        read_and_probe(channels[2:], probes=1)
    run_round(today())
    result, codes = result_of(people.education)
    assert judge.BLANK_VETO in codes and result.state == "vetoed"


def test_a_site_that_times_out_is_unavailable(people, settings):
    settings.GOVMEDIA_SOURCES_TIMEOUT = 0.2
    settings.GOVMEDIA_SOURCES_PROBE_TIMEOUT = 0.2
    settings.GOVMEDIA_SOURCES_RETRIES = 0
    site = slow_site(delay=1.0)
    with serve(site) as base:
        channel = watch(people.education, base, "/", "首页", config=COLUMN_CONFIG, kind="column")
        read_and_probe([channel], probes=3)
    channel.source.refresh_from_db()
    assert channel.source.last_error_code == "timeout"
    run_round(today())
    result, codes = result_of(people.education)
    assert judge.UNAVAILABLE in codes and result.state == "vetoed"
    problem = next(p for p in result.problems if p["code"] == judge.UNAVAILABLE)
    assert "3 次检测中 3 次不可用" in problem["detail"]
    assert len(problem["evidence"]) == 3 and problem["evidence"][0]["error"]


def test_a_column_whose_layout_changes_keeps_its_last_good_entries_and_is_flagged(people):
    site = healthy_site()
    with serve(site) as base:
        channel = watch(people.education, base, "/col/dongtai/index.html", "政务动态")
        read_and_probe([channel], probes=1)
        site.set_layout("dongtai", "v2")
        outcome = sources.run_source(channel.source_id)
    assert outcome.status == "error"
    run_round(today())
    result, codes = result_of(people.education)
    # Judged on the entries read before the redesign, and told that reading now fails.
    assert codes == {judge.READ_ERROR}
    assert result.state == "warned" and result.score == 100
    problem = result.problems[0]
    assert "页面结构已改变" in problem["detail"]


def test_a_supervisor_puts_a_channel_under_inspection_from_its_address(client, people):
    from django.urls import reverse

    site = healthy_site()
    with serve(site) as base:
        feed = Channel.objects.create(
            department=people.education,
            kind=ChannelKind.WEBSITE_COLUMN,
            name="政务动态订阅",
            url=base + "/rss.xml",
        )
        column = Channel.objects.create(
            department=people.education,
            kind=ChannelKind.WEBSITE_COLUMN,
            name="通知公告",
            url=base + "/col/tzgg/index.html",
        )
        client.force_login(people.editor)
        assert client.get(reverse("inspection_watch")).status_code == 302  # supervisors only
        client.force_login(people.supervisor)
        client.post(reverse("inspection_watch"), {"channel": feed.pk})
        response = client.post(reverse("inspection_watch"), {"channel": column.pk}, follow=True)
    assert "已自动识别 12 条信息" in response.content.decode()
    assert feed.watch.source.kind == "feed" and feed.watch.column_type == "news"
    assert column.watch.source.kind == "column" and column.watch.column_type == "notice"
    assert column.watch.source.config["item"]
