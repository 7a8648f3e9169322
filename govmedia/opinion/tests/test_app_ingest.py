"""Posts from the other doors: a source's new entries, the desk's messages, a .csv/.xlsx export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from govmedia.desk.tests.handling import new_message
from govmedia.opinion import jobs
from govmedia.opinion.models import Origin, PostRecord, PostStatus
from govmedia.opinion.tests import helpers
from govmedia.sources.models import Entry, Source
from govmedia.sources.signals import entries_read

pytestmark = pytest.mark.django_db


def test_a_sources_new_entries_become_posts_with_their_chain(people):
    helpers.plan(people.education)
    source = Source.objects.create(name="示例论坛", url="https://bbs.example.cn/rss")
    now = timezone.now()
    for key, text, parent in (("t1", "第一中学食堂出事了", ""), ("t1-r1", "我家孩子也吐了", "t1")):
        Entry.objects.create(
            source=source,
            key=key,
            title=text,
            author="家长",
            parent_key=parent,
            published_at=now - timedelta(minutes=5),
            first_seen_at=now,
            last_seen_at=now,
            extra={"comments": 3},
        )
    entries_read.send(sender=Source, source_id=source.pk, new_keys=["t1", "t1-r1"])
    reply = PostRecord.objects.get(key="t1-r1")
    assert reply.origin == Origin.SOURCE and reply.source == source
    assert reply.parent_key == "t1" and reply.engagement == 3
    jobs.tick()
    reply.refresh_from_db()
    assert (
        reply.event is not None and PostRecord.objects.get(key="t1").event == reply.event
    )  # grouped by the chain


def test_the_desks_messages_are_read_once_each(people):
    new_message(people.education, title="学校食堂卫生问题投诉", body="孩子在学校食堂吃饭后腹痛。")
    assert jobs.tick()["desk"] == 1
    post = PostRecord.objects.get(channel="desk")
    assert "学校食堂卫生问题投诉" in post.text and post.status == PostStatus.DONE
    assert post.author == ""  # the citizen's name stays in the desk
    assert jobs.tick()["desk"] == 0


def test_an_exported_table_is_imported_and_its_bad_rows_reported(tmp_path, people):
    path = tmp_path / "weibo.csv"
    path.write_text(
        "编号,内容,发布时间,作者,原文编号,点赞数\n"
        "w1,示例大桥发生交通事故,2026-11-27 08:00,网友甲,,12\n"
        "w2,转发：示例大桥发生交通事故,2026-11-27 08:05,网友乙,w1,3\n"
        "w3,没有时间的帖子,,网友丙,,0\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("opinion_import", str(path), stdout=out)
    assert "新增 2 条" in out.getvalue() and "有误 1 条" in out.getvalue()
    assert PostRecord.objects.get(key="w2").parent_key == "w1"
    call_command("opinion_import", str(path), stdout=out)
    assert PostRecord.objects.count() == 2  # the same file again: nothing new


def test_an_analyst_imports_an_xlsx_in_the_admin(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["编号", "内容", "发布时间", "作者"])
    book.active.append(["x1", "示例大桥发生交通事故", "2026-11-27 08:00", "网友甲"])
    book.active.append(["x2", "", "2026-11-27 08:01", "网友乙"])
    data = io.BytesIO()
    book.save(data)
    helpers.make_analyst(people.editor)
    client.force_login(people.editor)
    upload = SimpleUploadedFile("export.xlsx", data.getvalue())
    page = client.post("/admin/opinion/import/", {"file": upload}).content.decode()
    assert "新增 1 条" in page
    assert PostRecord.objects.get(key="x1").origin == Origin.IMPORT
