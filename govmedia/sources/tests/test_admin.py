"""The 信息源 admin through HTTP: the list, 试读 with guessed selectors, a source's page, 立即读取, upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from govmedia.sources import service
from govmedia.sources.models import Entry, Kind, Probe, Source, Status
from govmedia.sources.testing import COLUMN_CONFIG, healthy_site, serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = healthy_site()
    with serve(site):
        yield site


def form_data(**values):
    data = {
        "name": "示例市政府网站·政务动态",
        "kind": "column",
        "url": "",
        "config": "{}",
        "every_minutes": "60",
        "probe_every_minutes": "60",
        "enabled": "on",
    }
    data.update(values)
    return data


def test_the_list_shows_status_last_error_and_entry_count(admin_client, site):
    good = Source.objects.create(
        name="政务动态",
        kind=Kind.COLUMN,
        url=site.base_url + "/col/dongtai/index.html",
        config=COLUMN_CONFIG,
    )
    bad = Source.objects.create(name="坏的订阅", kind=Kind.FEED, url=site.base_url + "/")
    service.run_source(good.pk)
    service.run_source(bad.pk)
    page = admin_client.get(reverse("sources:index")).content.decode()
    assert "政务动态" in page and "坏的订阅" in page
    assert "订阅地址返回的内容不是 XML" in page  # the last error, shortened
    assert ">20<" in page.replace(" ", "").replace("\n", "")  # the entry count
    assert "出错" in page and "正常" in page


def test_preview_of_a_new_column_proposes_selectors_then_reads_with_them(admin_client, site):
    url = site.base_url + "/col/tzgg/index.html"
    response = admin_client.post(reverse("sources:add"), form_data(url=url, preview="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "推荐的选择器" in page and "ul.news-list" in page
    assert "尚未设置条目选择器" in page
    guessed = response.context["preview"].guessed_config
    response = admin_client.post(
        reverse("sources:add"), form_data(url=url, use_guess="1", guessed_config=guessed)
    )
    page = response.content.decode()
    assert "读到 12 条" in page
    assert site.columns["tzgg"].articles[0].title in page
    assert Source.objects.count() == 0  # a preview saves nothing
    # Saved with the guessed selectors, which the form now holds.
    response = admin_client.post(reverse("sources:add"), form_data(url=url, config=guessed))
    assert response.status_code == 302
    assert Source.objects.get().config["item"].endswith("ul.news-list > li")


def test_preview_shows_a_readers_error(admin_client, site):
    response = admin_client.post(
        reverse("sources:add"), form_data(kind="feed", url=site.base_url + "/", preview="1")
    )
    assert "订阅地址返回的内容不是 XML" in response.content.decode()


def test_the_form_checks_the_config_with_the_reader(admin_client, site):
    response = admin_client.post(
        reverse("sources:add"),
        form_data(kind="jsonapi", url=site.base_url + "/api", config='{"key": "id"}'),
    )
    assert response.status_code == 200
    assert "JSON 接口需要设置列表路径" in response.content.decode()
    response = admin_client.post(reverse("sources:add"), form_data(kind="feed"))
    assert "请填写地址" in response.content.decode()


def test_edit_preview_keeps_the_saved_source_unchanged(admin_client, site):
    source = Source.objects.create(
        name="政务动态",
        kind=Kind.COLUMN,
        url=site.base_url + "/col/dongtai/index.html",
        config=COLUMN_CONFIG,
    )
    data = form_data(
        name="改名",
        url=source.url,
        config='{"item": "div.nothing > li", "list": "div.nothing"}',
        preview="1",
    )
    page = admin_client.post(reverse("sources:edit", args=[source.pk]), data).content.decode()
    assert "栏目页面结构已改变" in page
    source.refresh_from_db()
    assert source.name == "政务动态" and source.config == COLUMN_CONFIG


def test_a_sources_page_shows_entries_probes_and_its_last_error(admin_client, site):
    source = Source.objects.create(
        name="政务动态",
        kind=Kind.COLUMN,
        url=site.base_url + "/col/dongtai/index.html",
        config=COLUMN_CONFIG,
    )
    service.run_source(source.pk)
    service.probe_source(source.pk)
    site.set_layout("dongtai", "v2")
    service.run_source(source.pk)
    page = admin_client.get(reverse("sources:inspect", args=[source.pk])).content.decode()
    assert site.columns["dongtai"].articles[0].title in page
    assert "条目（20 条，其中无日期 0 条）" in page
    assert "栏目页面结构已改变" in page
    assert "1/1 次可用（100.0%）" in page
    assert "立即读取" in page


def test_run_now_reads_the_source_and_the_page_shows_the_result(
    admin_client, site, django_capture_on_commit_callbacks
):
    source = Source.objects.create(
        name="政务动态",
        kind=Kind.COLUMN,
        url=site.base_url + "/col/dongtai/index.html",
        config=COLUMN_CONFIG,
        every_minutes=0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("sources:run", args=[source.pk]))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.status == Status.OK and source.entries.count() == 20
    state = admin_client.get(reverse("sources:status", args=[source.pk])).json()
    assert state == {
        "status": "ok",
        "status_label": "正常",
        "progress": "读到 20 条，新增 20 条，更新 0 条。",
        "last_error": "",
        "busy": False,
    }


def test_a_running_source_shows_its_progress(admin_client):
    source = Source.objects.create(
        name="政务动态", kind=Kind.FEED, url="http://127.0.0.1:9/rss.xml"
    )
    Source.objects.filter(pk=source.pk).update(
        status=Status.RUNNING,
        progress="正在读取第 2 个页面：http://127.0.0.1:9/a",
        claimed_at=timezone.now(),
    )
    page = admin_client.get(reverse("sources:inspect", args=[source.pk])).content.decode()
    assert "读取中：正在读取第 2 个页面" in page
    assert "data-source-status-url" in page
    assert (
        admin_client.get(reverse("sources:index"))
        .content.decode()
        .count("读取中：正在读取第 2 个页面")
        == 1
    )


def test_people_without_the_permission_cannot_run_or_see(client, people):
    source = Source.objects.create(
        name="政务动态", kind=Kind.FEED, url="http://127.0.0.1:9/rss.xml"
    )
    client.force_login(people.editor)
    # Wagtail answers a refusal in its admin with a redirect to the dashboard and a message.
    for response in (
        client.post(reverse("sources:run", args=[source.pk])),
        client.get(reverse("sources:status", args=[source.pk])),
        client.get(reverse("sources:index")),
    ):
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    source.refresh_from_db()
    assert source.progress == ""  # nothing was queued


def test_uploading_an_export_keeps_good_rows_and_lists_bad_ones(admin_client):
    source = Source.objects.create(name="示例市发布·微信公众号", kind=Kind.TABULAR, every_minutes=0)
    csv = "标题,发布时间,链接,阅读数\n春季植树活动启动,2026-03-01 10:20,https://mp.example/s/1,1203\n,2026-03-02,https://mp.example/s/2,1\n".encode(
        "gbk"
    )
    response = admin_client.post(
        reverse("sources:upload", args=[source.pk]),
        {"file": SimpleUploadedFile("wechat.csv", csv)},
        follow=True,
    )
    page = response.content.decode()
    assert "已导入 1 条（新增 1 条）" in page and "有 1 行未导入" in page
    assert "row 3: no title; skipped" in page
    entry = Entry.objects.get(source=source)
    assert entry.title == "春季植树活动启动" and entry.extra == {"reads": 1203}
    bad = admin_client.post(
        reverse("sources:upload", args=[source.pk]),
        {"file": SimpleUploadedFile("x.csv", "名称\n甲\n".encode())},
        follow=True,
    )
    assert "表格缺少列：标题" in bad.content.decode()
    assert Entry.objects.filter(source=source).count() == 1


def test_probe_rows_are_listed_newest_first(admin_client):
    source = Source.objects.create(name="门户首页", kind=Kind.ARTICLE, url="http://127.0.0.1:9/")
    Probe.objects.create(source=source, at=timezone.now(), ok=False, error="网站在 15 秒内没有响应")
    page = admin_client.get(reverse("sources:inspect", args=[source.pk])).content.decode()
    assert "不可用" in page and "网站在 15 秒内没有响应" in page and "0/1 次可用（0.0%）" in page
