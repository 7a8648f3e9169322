"""`govmedia sources`: list, read, probe and try, as an operator runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from govmedia.sources.models import Kind, Source, Status
from govmedia.sources.testing import COLUMN_CONFIG, healthy_site, serve


def run(*args) -> str:
    out = io.StringIO()
    call_command("sources", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def site():
    site = healthy_site()
    with serve(site):
        yield site


@pytest.mark.django_db
def test_read_list_and_probe(site):
    good = Source.objects.create(
        name="政务动态",
        kind=Kind.COLUMN,
        url=site.base_url + "/col/dongtai/index.html",
        config=COLUMN_CONFIG,
    )
    bad = Source.objects.create(name="坏的订阅", kind=Kind.FEED, url=site.base_url + "/")
    assert f"source {good.pk}: ok: 20 read, 20 new, 0 changed" in run("read", str(good.pk))
    with pytest.raises(CommandError, match="1 of 1 sources failed"):
        run("read", "--due")  # the good one is not due again for an hour
    listing = run("list")
    assert "政务动态" in listing and "error [not_xml]: 订阅地址返回的内容不是 XML" in listing
    assert f"source {good.pk}: available (200" in run("probe", str(good.pk))
    assert Source.objects.get(pk=bad.pk).status == Status.ERROR


@pytest.mark.django_db
def test_try_prints_the_guess_and_the_entries_and_stores_nothing(site):
    out = run(
        "try",
        "column",
        site.base_url + "/col/tzgg/index.html",
        "--config",
        '{"item": "ul.news-list > li", "date": "span.date"}',
    )
    assert "guessed selectors (12 entries, 12 dated)" in out
    assert site.columns["tzgg"].articles[0].title in out and out.rstrip().endswith("12 entries")
    with pytest.raises(CommandError, match="不是 XML"):
        run("try", "feed", site.base_url + "/")
    assert not Source.objects.exists()
