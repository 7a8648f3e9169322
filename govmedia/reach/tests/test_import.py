"""Importing the platforms' exports through HTTP: bad rows reported, good rows kept, twice is once."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.reach.models import AccountDay, Post, PostStat

pytestmark = pytest.mark.django_db

WECHAT_CSV = """内容标题,发表时间,总阅读次数,总分享次数,点赞数,在看数,留言数,收藏次数
关于秋季学期开学安排的通知,2026-10-08 08:30,"12,345",210,35,18,4,20
暴雨预警：全市中小学停课,2026-10-09 07:05,10万+,900,88,40,12,60
,2026-10-10 09:00,100,1,1,1,0,0
家长会安排,昨天下午,200,3,1,0,0,0
秋游安全提示,2026-10-11 16:20,abc,3,1,0,0,0
"""


@pytest.fixture
def wechat(people):
    return Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育发布", account_id="gh_e"
    )


def upload(client, channel, text, *, export="wechat_posts", name="export.csv", encoding="utf-8"):
    return client.post(
        reverse("reach_import"),
        {
            "channel": channel.pk,
            "export": export,
            "day": "2026-10-12",
            "file": SimpleUploadedFile(name, text.encode(encoding)),
        },
    )


def test_good_rows_are_kept_and_each_bad_row_is_reported(client, people, wechat):
    client.force_login(people.editor)
    response = upload(client, wechat, WECHAT_CSV)
    page = response.content.decode()
    assert response.status_code == 200
    assert "第 4 行" in page and "标题（内容）为空" in page
    assert "第 5 行" in page and "无法识别的时间" in page
    assert "第 6 行" in page and "不是数字" in page
    posts = {p.title: p for p in Post.objects.filter(channel=wechat)}
    assert set(posts) == {"关于秋季学期开学安排的通知", "暴雨预警：全市中小学停课"}
    first = posts["关于秋季学期开学安排的通知"]
    assert (
        first.reads,
        first.shares,
        first.likes,
        first.wows,
        first.comments,
        first.favourites,
    ) == (12345, 210, 35, 18, 4, 20)
    assert posts["暴雨预警：全市中小学停课"].reads == 100000
    assert posts["暴雨预警：全市中小学停课"].category == "emergency"


def test_importing_the_same_file_twice_changes_nothing(client, people, wechat):
    client.force_login(people.editor)
    upload(client, wechat, WECHAT_CSV)
    before = list(PostStat.objects.order_by("pk").values_list("post_id", "day", "kind", "reads"))
    upload(client, wechat, WECHAT_CSV.encode().decode(), encoding="gb18030")
    after = list(PostStat.objects.order_by("pk").values_list("post_id", "day", "kind", "reads"))
    assert before == after and Post.objects.filter(channel=wechat).count() == 2


def test_an_xlsx_export_of_followers_by_day(client, people, wechat):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数"])
    sheet.append(["2026-10-01", 120, 20, 100, 50100])
    sheet.append(["2026-10-02", 80, 30, 50, 50150])
    sheet.append(["2026-13-40", 1, 1, 0, 1])
    out = io.BytesIO()
    book.save(out)
    client.force_login(people.editor)
    response = client.post(
        reverse("reach_import"),
        {
            "channel": wechat.pk,
            "export": "account_days",
            "day": "2026-10-12",
            "file": SimpleUploadedFile("fans.xlsx", out.getvalue()),
        },
    )
    assert "第 4 行" in response.content.decode()
    days = {a.day: a for a in AccountDay.objects.filter(channel=wechat)}
    assert set(days) == {date(2026, 10, 1), date(2026, 10, 2)}
    assert (days[date(2026, 10, 2)].followers, days[date(2026, 10, 2)].new_followers) == (50150, 80)
    assert days[date(2026, 10, 2)].unfollowers == 30


def test_a_file_without_the_needed_columns_is_refused_whole(client, people, wechat):
    client.force_login(people.editor)
    page = upload(client, wechat, "名称,数量\n甲,1\n").content.decode()
    assert "表头缺少必需的列" in page and Post.objects.count() == 0


def test_a_weibo_export_only_goes_to_a_weibo_account(client, people, wechat):
    client.force_login(people.editor)
    page = upload(client, wechat, "微博内容,发布时间\n甲,2026-10-01 08:00\n", export="weibo_posts")
    assert "只能导入到微博账号" in page.content.decode() and Post.objects.count() == 0


def test_a_weibo_export_with_ids(client, people):
    weibo = Channel.objects.create(
        department=people.education, kind=ChannelKind.WEIBO, name="示例教育微博", account_id="w1"
    )
    client.force_login(people.editor)
    text = "微博ID,微博内容,发布时间,阅读数,转发数,评论数,点赞数\n4987001,今日开学,2026-10-08 08:00,1.2万,30,12,150\n"
    upload(client, weibo, text, export="weibo_posts")
    post = Post.objects.get(channel=weibo)
    assert (post.external_id, post.reads, post.shares, post.comments, post.likes) == (
        "4987001",
        12000,
        30,
        12,
        150,
    )


def test_an_editor_cannot_import_into_another_departments_account(client, people, wechat):
    client.force_login(people.other_editor)
    response = upload(client, wechat, WECHAT_CSV)
    assert "channel" in response.context["form"].errors and Post.objects.count() == 0


def test_an_import_is_audited_on_the_channel(client, people, wechat):
    from wagtail.models import ModelLogEntry

    client.force_login(people.editor)
    upload(client, wechat, WECHAT_CSV)
    entry = ModelLogEntry.objects.get(action="reach.import")
    assert entry.user_id == people.editor.pk and entry.object_id == str(wechat.pk)
    assert entry.data["to"] == "作品 2 条，账号日数据 0 天" and entry.data["bad_rows"] == 3


def test_a_title_above_the_header_and_a_totals_row_are_passed_over(client, people, wechat):
    text = (
        "图文分析 单篇群发数据（数据更新至2026-10-12）\n\n"
        + WECHAT_CSV
        + "合计,,22445,1110,123,58,16,80\n"
    )
    client.force_login(people.editor)
    page = upload(client, wechat, text).content.decode()
    assert Post.objects.filter(channel=wechat).count() == 2 and "合计" not in page
    assert "第 6 行" in page and "标题（内容）为空" in page  # row numbers are the file's
