"""The public list of answers, the item page's answers: masked, searchable, never a request's text."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from govmedia.desk.models import Kind
from govmedia.desk.tests.public_helpers import answer, publish_item, submit

pytestmark = pytest.mark.django_db

ANSWERS = reverse("desk:answers")
PRIVATE_BODY = "我叫张三丰，电话13812345678，身份证号11010519491231002X，邮箱 zsf@example.com。"


def test_personal_data_is_masked_in_the_list_and_on_the_answer_page(client, people):
    message = answer(
        submit(name="张三丰", body=PRIVATE_BODY, title="学区划分咨询"),
        "已回电 13812345678 说明。",
        department=people.education,
    )
    for url in (ANSWERS, reverse("desk:answer", args=[message.number])):
        html = client.get(url).content.decode()
        assert "学区划分咨询" in html and "示例市教育局" in html
        assert "张**" in html and "张三丰" not in html
        assert "13812345678" not in html and "138****5678" in html
        if url != ANSWERS:
            assert "11010519491231002X" not in html and "zsf@example.com" not in html
            assert "z***@example.com" in html


def test_it_lists_only_public_answered_messages_and_never_a_requests_text(client):
    answer(submit(title="公开的答复"), "答复一")
    answer(submit(title="不愿公开的答复"), "答复二", public=False)
    submit(title="尚未答复")
    answer(submit(kind=Kind.DISCLOSURE, title="申请公开招生计划"), "予以公开")
    html = client.get(ANSWERS).content.decode()
    assert "公开的答复" in html
    for hidden in ("不愿公开的答复", "尚未答复", "申请公开招生计划"):
        assert hidden not in html
    # The index's year figures are cached for a while: another test's may be there.
    cache.clear()
    index = client.get(reverse("desk:index")).content.decode()
    assert "申请公开招生计划" not in index and "收到政府信息公开申请 1 件" in index


def test_it_searches_and_filters(client, people):
    answer(submit(title="公交线路调整"), "已调整", department=people.transport)
    answer(submit(title="招生报名", kind=Kind.CONSULT), "七月开始", department=people.education)
    html = client.get(ANSWERS, {"q": "七月"}).content.decode()
    assert "招生报名" in html and "公交线路调整" not in html
    html = client.get(ANSWERS, {"department": people.transport.pk}).content.decode()
    assert "公交线路调整" in html and "招生报名" not in html
    html = client.get(ANSWERS, {"kind": "complaint"}).content.decode()
    assert "没有符合条件的公开答复" in html
    html = client.get(ANSWERS, {"year": "abc", "kind": "disclosure"}).content.decode()
    assert "已忽略" in html and "招生报名" in html


def test_a_script_in_a_public_answer_is_shown_as_text(client):
    message = answer(submit(title="<script>alert(1)</script>"), "<b>答复</b>")
    for url in (ANSWERS, reverse("desk:answer", args=[message.number])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>答复</b>" not in html


def test_the_item_page_shows_its_answered_messages(client, people):
    item = publish_item(people)
    answer(
        submit(kind=Kind.CONSULT, title="招生时间能否提前", item_id=item.pk, name="王五"),
        "不能提前。",
    )
    submit(kind=Kind.CONSULT, title="还没有答复的问题", item_id=item.pk)
    html = client.get(item.url).content.decode()
    assert "招生时间能否提前" in html and "不能提前。" in html and "王**" in html
    assert "还没有答复的问题" not in html


def test_an_unknown_or_private_answer_is_404(client):
    message = answer(submit(title="不公开"), "答复", public=False)
    assert client.get(reverse("desk:answer", args=[message.number])).status_code == 404
    assert client.get(reverse("desk:answer", args=["nope"])).status_code == 404


@pytest.mark.usefixtures("page_cache")
def test_an_answer_shows_at_once_on_cached_pages(client, people):
    # The portal keeps rendered pages for 300 s; an answer must not wait for that.
    from govmedia.desk.tests.public_helpers import answer_as_staff

    item = publish_item(people)
    message = submit(kind=Kind.CONSULT, title="招生时间能否提前", item_id=item.pk)
    for url in (item.url, ANSWERS):
        assert "招生时间能否提前" not in client.get(url).text, url  # now cached without it

    answer_as_staff(people, message, "不能提前，以通知为准。")

    assert "不能提前，以通知为准。" in client.get(item.url).text
    assert "招生时间能否提前" in client.get(ANSWERS).text
