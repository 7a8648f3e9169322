import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from govmedia.portal.models import SearchTerm
from govmedia.portal.search import Filters, search
from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.models import DisclosureCategory, ItemPage

pytestmark = pytest.mark.django_db


def found_titles(client, **params):
    response = client.get(reverse("portal:search"), params)
    assert response.status_code == 200
    return response, [r["item"].title for r in response.context["results"]]


def test_it_finds_a_chinese_word_inside_a_sentence(client, people):
    publish_item(people, title="关于做好2026年秋季招生工作的通知")
    publish_item(
        people,
        title="示例市公共交通线路调整公告",
        department=people.transport,
        body="<p>调整公交线路。</p>",
    )

    response, titles = found_titles(client, q="招生")

    assert titles == ["关于做好2026年秋季招生工作的通知"]
    assert "<mark>招生</mark>" in response.text


def test_it_requires_every_query_term_when_some_item_has_them_all(client, people):
    publish_item(people, title="秋季招生工作安排", body="<p>今年招生工作。</p>")
    publish_item(people, title="秋季学期开学安排", body="<p>开学准备。</p>")

    _, titles = found_titles(client, q="秋季 招生")

    assert titles == ["秋季招生工作安排"]


def test_it_falls_back_to_any_term_ranked_by_how_many_match(client, people):
    publish_item(people, title="秋季学期开学安排", body="<p>开学准备。</p>")
    publish_item(people, title="春季运动会", body="<p>秋季再议。</p>")

    response, titles = found_titles(client, q="秋季 开学 火箭")

    assert titles[0] == "秋季学期开学安排"
    assert set(titles) == {"秋季学期开学安排", "春季运动会"}
    assert response.context["match_all"] is False


def test_it_ranks_title_hits_above_body_hits(client, people):
    publish_item(people, title="学校食堂管理办法", body="<p>营商环境营商环境营商环境。</p>")
    publish_item(people, title="优化营商环境若干措施", body="<p>措施如下。</p>")

    _, titles = found_titles(client, q="营商环境")

    assert titles == ["优化营商环境若干措施", "学校食堂管理办法"]


def test_it_uses_the_government_user_dictionary(people):
    publish_item(people, title="关于推进一网通办的实施意见", body="<p>全面推进一网通办。</p>")

    assert SearchTerm.objects.filter(term="一网通办").exists()
    assert search("一网通办").terms == ["一网通办"]


def test_it_does_not_find_drafts(client, people):
    publish_item(people, title="关于招生的内部草稿", publish=False)

    _, titles = found_titles(client, q="招生")

    assert titles == []
    assert not SearchTerm.objects.exists()


def test_it_forgets_unpublished_items(client, people, django_capture_on_commit_callbacks):
    item = publish_item(people, title="关于招生的通知")
    assert found_titles(client, q="招生")[1] == ["关于招生的通知"]

    with django_capture_on_commit_callbacks(execute=True):
        item.unpublish()

    assert found_titles(client, q="招生")[1] == []
    assert not SearchTerm.objects.filter(page_id=item.pk).exists()


def test_it_filters_by_department_category_and_date(client, people):
    categories = list(DisclosureCategory.objects.order_by("order", "id")[:2])
    publish_item(people, title="教育局招生通知", category=categories[0])
    transport = publish_item(
        people, title="交通局招生通知", department=people.transport, category=categories[1]
    )

    assert found_titles(client, q="招生", department=people.transport.pk)[1] == ["交通局招生通知"]
    assert found_titles(client, q="招生", category=categories[0].pk)[1] == ["教育局招生通知"]
    day = transport.publish_date or datetime.date.today()
    tomorrow = (day + datetime.timedelta(days=1)).isoformat()
    assert found_titles(client, q="招生", **{"from": tomorrow})[1] == []
    assert len(found_titles(client, q="招生", to=tomorrow)[1]) == 2


def test_it_escapes_titles_and_snippets_around_highlights(client, people):
    publish_item(
        people,
        title="招生<script>alert(1)</script>通知",
        body="<p>招生 &lt;img src=x onerror=alert(1)&gt; 说明</p>",
    )

    response, _ = found_titles(client, q="招生")

    assert "<script>alert(1)</script>" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;" in response.text
    assert "<mark>招生</mark>&lt;script&gt;" in response.text


def test_it_pages_ten_results_at_a_time(client, people):
    for n in range(12):
        publish_item(people, title=f"第{n}期招生简报")

    response, titles = found_titles(client, q="招生")
    assert len(titles) == 10
    assert response.context["page_obj"].paginator.count == 12
    assert len(found_titles(client, q="招生", page=2)[1]) == 2


def test_it_says_so_when_nothing_matches(client, people):
    response, titles = found_titles(client, q="火箭")

    assert titles == []
    assert "没有找到" in response.text


def test_it_rebuilds_the_index_from_live_items(people):
    publish_item(people, title="关于招生的通知")
    publish_item(people, title="草稿招生", publish=False)
    SearchTerm.objects.all().delete()

    call_command("rebuild_search_index", "--no-progress", verbosity=0)

    assert [r["page_id"] for r in search("招生").hits] != []
    assert SearchTerm.objects.values("page_id").distinct().count() == 1


def test_it_filters_without_the_web_layer(people):
    publish_item(people, title="交通招生", department=people.transport)

    assert list(search("招生", Filters(department_id=people.education.pk)).hits) == []


def test_it_searches_the_live_text_not_a_pending_draft_of_it(client, people):
    item = publish_item(people, title="关于招生的通知")
    item.title = "关于火箭发射的通知"
    item.correction_note = "更正标题。"
    item.save_revision(user=people.editor)

    assert found_titles(client, q="火箭")[1] == []
    assert found_titles(client, q="招生")[1] == ["关于招生的通知"]


def test_it_forgets_items_withdrawn_through_the_publishing_action(
    client, people, django_capture_on_commit_callbacks
):
    from govmedia.publishing.actions import do_withdraw_item

    item = publish_item(people, title="关于招生的通知")

    with django_capture_on_commit_callbacks(execute=True):
        do_withdraw_item(people.approver, item, "通知内容有误，撤回重发。")

    assert found_titles(client, q="招生")[1] == []
    assert not SearchTerm.objects.filter(page_id=item.pk).exists()


def test_its_periodic_job_closes_gaps_left_by_a_process_killed_after_a_commit(client, people):
    from govmedia.core import scheduler

    # Committed but never indexed (killed before publishing's after-commit
    # event ran): published here without running the commit callbacks.
    draft = publish_item(people, title="关于招生的通知", publish=False)
    draft.get_latest_revision().publish(skip_permission_checks=True)
    assert found_titles(client, q="招生")[1] == []
    # And the other way: withdrawn, but its rows stayed behind.
    gone = publish_item(people, title="关于招生的旧通知")
    ItemPage.objects.get(pk=gone.pk).unpublish()
    assert SearchTerm.objects.filter(page_id=gone.pk).exists()

    scheduler.run_job_now("reconcile_search_index")

    assert found_titles(client, q="招生")[1] == ["关于招生的通知"]
    assert not SearchTerm.objects.filter(page_id=gone.pk).exists()


def test_a_snippet_does_not_repeat_the_summary_that_opens_the_body(client, people):
    first = "各学校：现将今年秋季招生工作安排通知如下。"
    publish_item(
        people,
        title="关于秋季招生的通知",
        summary=first,
        body=f"<p>{first}</p><p>报名时间为九月一日。</p>",
    )

    response, _ = found_titles(client, q="招生")

    snippet = response.context["results"][0]["snippet_html"]
    assert snippet.count("现将今年秋季") == 1
    assert "报名时间为九月一日" in snippet


def test_a_snippet_keeps_a_summary_the_body_does_not_contain(client, people):
    publish_item(
        people,
        title="关于秋季招生的通知",
        summary="秋季招生九月一日开始报名。",
        body="<p>各学校：现将安排通知如下。</p>",
    )

    response, _ = found_titles(client, q="招生")

    snippet = response.context["results"][0]["snippet_html"]
    assert "九月一日开始报名" in snippet and "现将安排通知如下" in snippet
