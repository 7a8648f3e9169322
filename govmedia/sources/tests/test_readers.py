"""Each reader against pages and files shaped like what government channels publish."""

import io
import json
from datetime import datetime

import openpyxl
import pytest

from govmedia.sources.dates import SHANGHAI
from govmedia.sources.fetch import FetchSettings, HostLimiter, PoliteFetcher
from govmedia.sources.readers import READERS, ReadError
from govmedia.sources.readers import article as article_reader
from govmedia.sources.readers import feed as feed_reader
from govmedia.sources.readers.column import guess_selectors
from govmedia.sources.readers.jsonapi import select
from govmedia.sources.readers.tabular import read_table
from govmedia.sources.testing import (
    COLUMN_CONFIG,
    FakeSite,
    blank_site,
    healthy_site,
    make_articles,
    serve,
    stale_site,
)

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def fetcher():
    with PoliteFetcher(FetchSettings(timeout=5), limiter=HostLimiter(0)) as f:
        yield f


@pytest.fixture
def site():
    site = healthy_site(NOW)
    with serve(site):
        yield site


# --- feeds ---------------------------------------------------------------------


def test_an_rss_feed_gives_titles_links_and_dates(site, fetcher):
    result = READERS["feed"].read(site.base_url + "/rss.xml", {}, fetcher, now=NOW)
    newest = site.columns["dongtai"].articles[0]
    assert len(result.entries) == 20
    assert result.entries[0].title == newest.title
    assert result.entries[0].url == site.base_url + newest.path
    assert result.entries[0].published_at == newest.published_at.replace(microsecond=0)
    assert result.etag


def test_a_304_round_trip_reads_nothing_again(site, fetcher):
    first = READERS["feed"].read(site.base_url + "/rss.xml", {}, fetcher)
    again = READERS["feed"].read(site.base_url + "/rss.xml", {}, fetcher, etag=first.etag)
    assert again.not_modified and again.entries == [] and again.etag == first.etag


def test_atom_and_rdf_feeds():
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<title>示例市政务</title>
<entry><id>tag:example,2026:1</id><title>市政府召开常务会议</title><link href="http://example.gov.cn/a/1.html"/>
<published>2026-03-01T10:20:00+08:00</published><author><name>市政府办公室</name></author><summary>会议研究了春季植树工作。</summary></entry>
<entry><id>tag:example,2026:2</id><title>回复：植树地点在哪里</title><link rel="alternate" href="http://example.gov.cn/a/2.html"/>
<updated>2026-03-02T08:00:00Z</updated><thr:in-reply-to ref="tag:example,2026:1"/></entry>
</feed>"""
    entries = feed_reader.parse(atom)
    assert [e.key for e in entries] == ["tag:example,2026:1", "tag:example,2026:2"]
    assert entries[0].author == "市政府办公室" and entries[0].text == "会议研究了春季植树工作。"
    assert entries[1].parent_key == "tag:example,2026:1"
    assert entries[1].published_at == datetime(2026, 3, 2, 16, 0, tzinfo=SHANGHAI)
    rdf = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://example.gov.cn/"><title>示例</title></channel>
<item rdf:about="http://example.gov.cn/b/1.html"><title>关于春季植树的通知</title><link>http://example.gov.cn/b/1.html</link><dc:date>2026-03-01</dc:date></item>
</rdf:RDF>"""
    (entry,) = feed_reader.parse(rdf)
    assert entry.title == "关于春季植树的通知" and entry.published_at == datetime(
        2026, 3, 1, tzinfo=SHANGHAI
    )


def test_a_feed_that_is_not_xml_is_a_clear_error(site, fetcher):
    with pytest.raises(ReadError) as caught:
        READERS["feed"].read(site.base_url + "/col/dongtai/index.html", {}, fetcher)
    assert caught.value.code == "not_xml"
    assert "不是 XML" in caught.value.message_zh
    assert "<!DOCTYPE html" in caught.value.message


def test_xml_that_is_not_a_feed_is_a_clear_error():
    with pytest.raises(ReadError) as caught:
        feed_reader.parse('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    assert caught.value.code == "not_a_feed"


def test_entity_expansion_is_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><item><title>&b;</title></item></channel></rss>'
    with pytest.raises(ReadError) as caught:
        feed_reader.parse(bomb)
    assert caught.value.code == "not_xml"


def test_a_gbk_feed_that_declares_gb2312_is_read(fetcher):
    site = FakeSite()
    xml = '<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>示例</title><item><title>关于堃垚社区改造的公告</title><link>http://example.gov.cn/1.html</link><pubDate>2026-03-01 10:20</pubDate></item></channel></rss>'
    site.route("/rss.xml", xml.encode("gbk"), headers={"Content-Type": "application/xml"})
    with serve(site):
        result = READERS["feed"].read(site.base_url + "/rss.xml", {}, fetcher)
    assert result.entries[0].title == "关于堃垚社区改造的公告"
    assert result.entries[0].published_at == datetime(2026, 3, 1, 10, 20, tzinfo=SHANGHAI)


# --- column pages ---------------------------------------------------------------


def test_a_column_reads_every_page_and_dates(site, fetcher):
    config = {**COLUMN_CONFIG, "next": "a.next", "pages": 5}
    result = READERS["column"].read(
        site.base_url + "/col/dongtai/index.html", config, fetcher, now=NOW
    )
    articles = site.columns["dongtai"].articles
    assert len(result.entries) == 40  # two list pages of 20
    assert [e.title for e in result.entries] == [a.title for a in articles]
    assert result.entries[-1].published_at == datetime.combine(
        articles[-1].published_at.date(), datetime.min.time(), SHANGHAI
    )
    assert result.entries[0].date_text == articles[0].date_text


def test_a_column_can_read_its_new_articles_text(site, fetcher):
    config = {**COLUMN_CONFIG, "articles": 2}
    result = READERS["column"].read(
        site.base_url + "/col/dongtai/index.html", config, fetcher, now=NOW
    )
    assert "贯彻落实上级部署" in result.entries[0].text
    assert result.entries[0].author == "示例市人民政府办公室"
    assert result.entries[2].text == ""  # only two articles were asked for


def test_a_blank_column_is_empty_not_broken(fetcher):
    site = blank_site(NOW)
    with serve(site):
        result = READERS["column"].read(
            site.base_url + "/col/hudong/index.html", COLUMN_CONFIG, fetcher
        )
    assert result.entries == []


def test_a_stale_column_shows_its_old_dates(fetcher):
    site = stale_site(NOW)
    with serve(site):
        result = READERS["column"].read(
            site.base_url + "/col/tzgg/index.html", COLUMN_CONFIG, fetcher, now=NOW
        )
    newest = max(e.published_at for e in result.entries)
    assert (NOW - newest).days >= 240


def test_a_changed_layout_is_a_clear_error(site, fetcher):
    url = site.base_url + "/col/dongtai/index.html"
    assert READERS["column"].read(url, COLUMN_CONFIG, fetcher).entries
    site.set_layout("dongtai", "v2")
    with pytest.raises(ReadError) as caught:
        READERS["column"].read(url, COLUMN_CONFIG, fetcher)
    assert caught.value.code == "layout_changed"
    assert caught.value.message_zh.startswith("栏目页面结构已改变")


def test_a_column_without_an_item_selector_is_refused(site, fetcher):
    with pytest.raises(ReadError) as caught:
        READERS["column"].read(site.base_url + "/col/dongtai/index.html", {}, fetcher)
    assert caught.value.code == "bad_config"
    assert READERS["column"].check_config({"item": "li[["})


@pytest.mark.parametrize("layout", ["list", "table", "v2"])
def test_selectors_are_guessed_for_a_new_column(layout, fetcher):
    site = FakeSite(NOW)
    site.add_column("dongtai", "政务动态", make_articles(NOW, 12), layout=layout)
    with serve(site):
        url = site.base_url + "/col/dongtai/index.html"
        guess = guess_selectors(fetcher.get(url).text, url, now=NOW)
        assert guess is not None
        result = READERS["column"].read(url, guess.config, fetcher, now=NOW)
    assert guess.count == 12 and guess.dated == 12
    assert [e.title for e in result.entries] == [a.title for a in site.columns["dongtai"].articles]
    assert all(e.published_at for e in result.entries)


def test_no_guess_for_a_page_without_a_dated_list():
    html = "<html><body><p>只有一段文字，没有列表。</p></body></html>"
    assert guess_selectors(html, "http://example.gov.cn/") is None


def test_a_gbk_column_page(fetcher):
    site = FakeSite(NOW)
    site.add_gbk_page("/gbk.html")
    with serve(site):
        result = READERS["column"].read(
            site.base_url + "/gbk.html", {"item": "ul.news-list > li", "date": "span.date"}, fetcher
        )
    assert result.entries[0].title == "关于做好镕铖堃垚工作的通知"


# --- article pages --------------------------------------------------------------


def test_an_article_gives_its_main_text_date_and_source(site, fetcher):
    page = site.columns["tzgg"].articles[0]
    result = READERS["article"].read(site.base_url + page.path, {}, fetcher, now=NOW)
    (entry,) = result.entries
    assert entry.title == page.title
    assert entry.published_at == page.published_at.replace(second=0, microsecond=0)
    assert entry.text.startswith("为进一步做好")
    assert (
        "网站标识码" not in entry.text and "相关链接" not in entry.text and "首页" not in entry.text
    )


@pytest.mark.parametrize(
    ("head", "body", "url", "expected", "evidence"),
    [
        (
            '<meta name="PubDate" content="2026-03-01 10:20">',
            "",
            "/a.html",
            datetime(2026, 3, 1, 10, 20, tzinfo=SHANGHAI),
            "2026-03-01 10:20",
        ),
        (
            '<meta name="publishdate" content="2026年3月1日">',
            "",
            "/a.html",
            datetime(2026, 3, 1, tzinfo=SHANGHAI),
            "2026年3月1日",
        ),
        (
            "",
            "<div>发布时间：2026年03月02日 09:00</div>",
            "/a.html",
            datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI),
            "发布时间：2026年03月02日 09:00",
        ),
        (
            "",
            "<span>日期：2026-03-03</span>",
            "/a.html",
            datetime(2026, 3, 3, tzinfo=SHANGHAI),
            "日期：2026-03-03",
        ),
        ("", "", "/art/202603/t20260304_9.html", datetime(2026, 3, 4, tzinfo=SHANGHAI), "20260304"),
        ("", "", "/a.html", None, ""),
    ],
)
def test_an_articles_date_from_the_usual_places(head, body, url, expected, evidence):
    html = f"<html><head>{head}<title>通知</title></head><body>{body}<div><p>为做好春季植树工作，现将有关事项通知如下，请认真贯彻执行。</p></div></body></html>"
    found = article_reader.extract(html, "http://example.gov.cn" + url, now=NOW)
    assert found.published_at == expected
    assert found.date_text == evidence


def test_an_old_table_layout_with_a_list_of_links_beside_the_article():
    links = "".join(
        f"<li><a href=/a{i}.html>示例市水利局关于做好第{i}季度水利工程安全检查工作的通知</a></li>"
        for i in range(12)
    )
    html = (
        "<html><head><title>关于印发示例市防汛应急预案的通知_示例市水利局</title></head><body><table><tr>"
        f"<td class=left><ul>{links}</ul></td><td class=main><div>关于印发示例市防汛应急预案的通知</div>"
        "<div>发布日期：2026-06-01 来源：市水利局 字体：大 中 小</div><div id=zoom><p>各区县水利局：</p>"
        "<p>现将《示例市防汛应急预案》印发给你们，请结合实际，认真贯彻执行。</p>"
        "<p>一、总则。为做好防汛工作，保障人民群众生命财产安全，制定本预案。</p></div>"
        "<div>【打印本页】【关闭窗口】</div></td></tr></table><div class=foot>版权所有：示例市水利局</div></body></html>"
    )
    found = article_reader.extract(html, "http://example.gov.cn/art/1.html", now=NOW)
    assert found.title == "关于印发示例市防汛应急预案的通知"
    assert found.text.startswith("各区县水利局：") and found.text.endswith("制定本预案。")
    assert found.author == "市水利局" and found.date_text == "发布日期：2026-06-01"


# --- JSON APIs ------------------------------------------------------------------


def test_json_paths():
    data = {"data": {"items": [{"id": 1, "user": {"name": "甲"}}, {"id": 2}]}}
    assert select(data, "data.items[*].id") == [1, 2]
    assert select(data, "data.items[0].user.name") == ["甲"]
    assert select(data, "data.items[-1].id") == [2]
    assert select(data, "data.missing[*].id") == []


def test_a_json_api_is_mapped_to_posts_with_author_parent_and_engagement(fetcher):
    site = FakeSite(NOW)
    body = {
        "code": 0,
        "data": {
            "items": [
                {
                    "mid": "9001",
                    "text": "示例市今天发布了<b>春季植树</b>的通知",
                    "created": 1772334000,
                    "user": {"name": "市民甲"},
                    "reposts_count": 12,
                    "likes": 30,
                },
                {
                    "mid": "9002",
                    "text": "转发：春季植树",
                    "created": "2小时前",
                    "user": {"name": "市民乙"},
                    "retweeted": {"mid": "9001"},
                    "reposts_count": 0,
                },
                {"mid": "9003", "text": "毫秒时间", "created": 1772334000000},
            ]
        },
    }
    site.route(
        "/api/posts",
        json.dumps(body, ensure_ascii=False),
        headers={"Content-Type": "application/json"},
    )
    config = {
        "items": "data.items[*]",
        "key": "mid",
        "text": "text",
        "date": "created",
        "author": "user.name",
        "parent": "retweeted.mid",
        "extra": {"reposts": "reposts_count", "likes": "likes"},
        "url_template": "https://weibo.example/{mid}",
    }
    with serve(site):
        result = READERS["jsonapi"].read(site.base_url + "/api/posts", config, fetcher, now=NOW)
    first, second, third = result.entries
    assert first.key == "9001" and first.url == "https://weibo.example/9001"
    assert "春季植树" in first.text and "<b>" not in first.text
    assert first.published_at == datetime(2026, 3, 1, 11, 0, tzinfo=SHANGHAI)
    assert first.author == "市民甲" and first.extra == {"reposts": 12, "likes": 30}
    assert second.parent_key == "9001" and second.published_at == datetime(
        2026, 3, 5, 10, 0, tzinfo=SHANGHAI
    )
    assert third.published_at == first.published_at


def test_a_list_path_without_the_star_means_every_element():
    from govmedia.sources.readers.jsonapi import map_items

    entries = map_items(
        {"data": {"items": [{"id": 1}, {"id": 2}]}},
        {"items": "data.items", "key": "id"},
        "http://x/",
        NOW,
    )
    assert [e.key for e in entries] == ["1", "2"]


def test_a_json_api_that_answers_html_or_changed_structure(fetcher):
    site = FakeSite(NOW)
    site.route("/api/html", "<html>登录</html>")
    site.route(
        "/api/changed", '{"result": {"list": []}}', headers={"Content-Type": "application/json"}
    )
    site.route(
        "/api/empty", '{"data": {"items": []}}', headers={"Content-Type": "application/json"}
    )
    config = {"items": "data.items[*]", "key": "id"}
    with serve(site):
        with pytest.raises(ReadError) as not_json:
            READERS["jsonapi"].read(site.base_url + "/api/html", config, fetcher)
        with pytest.raises(ReadError) as changed:
            READERS["jsonapi"].read(site.base_url + "/api/changed", config, fetcher)
        empty = READERS["jsonapi"].read(site.base_url + "/api/empty", config, fetcher)
    assert not_json.value.code == "not_json"
    assert changed.value.code == "layout_changed" and "数据结构已改变" in changed.value.message_zh
    assert empty.entries == []


# --- exported tables ------------------------------------------------------------


def test_a_wechat_export_keeps_good_rows_and_reports_bad_ones():
    csv = (
        "标题,发布时间,链接,阅读数,点赞数\n"
        "示例市春季植树活动启动,2026-03-01 10:20,https://mp.example/s/1,1203,45\n"
        ",2026-03-02,https://mp.example/s/2,3,0\n"
        "防汛知识问答,不是日期,https://mp.example/s/3,10,1\n"
        "无日期的推送,,https://mp.example/s/4,5,0\n"
    ).encode("gbk")
    result = read_table(csv, "wechat.csv", {}, now=NOW)
    assert [e.title for e in result.entries] == ["示例市春季植树活动启动", "无日期的推送"]
    assert result.entries[0].extra == {"reads": 1203, "likes": 45}
    assert result.entries[0].key == "https://mp.example/s/1"
    assert result.entries[1].published_at is None
    assert result.warnings == [
        "row 3: no title; skipped",
        "row 4: cannot read the date '不是日期'; skipped",
    ]


def test_a_weibo_xlsx_export_with_its_own_headers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["微博ID", "微博内容", "发布时间", "转发数", "原微博ID"])
    sheet.append(["5001", "今天示例市召开新闻发布会", datetime(2026, 3, 1, 9, 30), 8, ""])
    sheet.append(["5002", "转发微博", "昨天 10:20", 0, "5001"])
    data = io.BytesIO()
    book.save(data)
    config = {
        "columns": {
            "key": "微博ID",
            "title": "微博内容",
            "text": "微博内容",
            "date": "发布时间",
            "parent": "原微博ID",
        },
        "extra": {"reposts": "转发数"},
    }
    result = read_table(data.getvalue(), "weibo.xlsx", config, now=NOW)
    first, second = result.entries
    assert first.key == "5001" and first.published_at == datetime(
        2026, 3, 1, 9, 30, tzinfo=SHANGHAI
    )
    assert first.extra == {"reposts": 8}
    assert second.parent_key == "5001" and second.published_at == datetime(
        2026, 3, 4, 10, 20, tzinfo=SHANGHAI
    )


def test_a_table_without_its_title_column_is_a_clear_error():
    with pytest.raises(ReadError) as caught:
        read_table("名称,日期\n甲,2026-03-01\n".encode(), "x.csv", {})
    assert caught.value.code == "bad_table" and "缺少列：标题" in caught.value.message_zh


def test_a_table_served_at_an_export_address(fetcher):
    site = FakeSite(NOW)
    site.route(
        "/export/articles.csv",
        "标题,发布时间\n示例推送,2026-03-01\n",
        headers={"Content-Type": "text/csv"},
    )
    with serve(site):
        result = READERS["tabular"].read(site.base_url + "/export/articles.csv", {}, fetcher)
    assert result.entries[0].title == "示例推送" and result.etag
