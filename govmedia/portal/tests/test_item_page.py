import datetime

import pytest

from govmedia.portal.tests.helpers import publish_item

pytestmark = pytest.mark.django_db


def test_it_shows_the_catalogue_metadata(client, people):
    item = publish_item(
        people,
        title="关于做好2026年秋季招生工作的通知",
        doc_number="示教发〔2026〕3号",
        written_date=datetime.date(2026, 3, 2),
        body="<p>各区县教育局：现就招生工作通知如下。</p>",
    )

    response = client.get(item.url)

    assert response.status_code == 200
    text = response.text
    for label in ("索引号", "发布机构", "公开类别", "文号", "成文日期", "发布日期", "有效性"):
        assert f'<th scope="row">{label}</th>' in text
    assert item.index_number in text
    assert "示教发〔2026〕3号" in text
    assert "2026-03-02" in text
    assert "示例市教育局" in text
    assert item.category.name in text
    assert "有效" in text
    assert "各区县教育局：现就招生工作通知如下。" in text


def test_it_links_to_seal_verification(client, people):
    item = publish_item(people)

    response = client.get(item.url)

    encoded = item.index_number.replace("/", "%2F")
    assert f'href="/seal/verify/?index={encoded}"' in response.text
    assert "核验本文" in response.text


def test_it_links_a_policy_and_its_interpretation_both_ways(client, people):
    policy = publish_item(people, title="示例市最低生活保障办法", is_policy=True)
    interpretation = publish_item(people, title="《示例市最低生活保障办法》政策解读", publish=False)
    interpretation.interprets.add(policy)
    revision = interpretation.save_revision(user=people.editor)
    revision.publish(user=people.approver, skip_permission_checks=True)
    interpretation.refresh_from_db()

    policy_page = client.get(policy.url).text
    interpretation_page = client.get(interpretation.url).text

    assert "政策解读" in policy_page and interpretation.url in policy_page
    assert "解读的政策文件" in interpretation_page and policy.url in interpretation_page


def test_it_shows_a_correction_note(client, people):
    item = publish_item(people, correction_note="第二段日期有误，已更正为9月1日。")

    response = client.get(item.url)

    assert "更正说明" in response.text
    assert "第二段日期有误，已更正为9月1日。" in response.text


def test_it_serves_an_item_page_in_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    item = publish_item(people)
    client.get(item.url)  # warm the site-root cache

    with django_assert_max_num_queries(10):
        response = client.get(item.url)

    assert response.status_code == 200


def test_it_answers_410_with_an_honest_system_reason_for_an_item_unpublished_without_withdrawal(
    client, people
):
    item = publish_item(people)
    url = item.url
    item.unpublish()

    response = client.get(url)

    assert response.status_code == 410
    assert "系统下线" in response.text


def test_it_answers_404_for_a_draft_that_was_never_published(client, people):
    item = publish_item(people, publish=False)
    code = people.education.code_compact.lower()

    assert client.get(f"/xxgk/{code}/{item.slug}/").status_code == 404


def test_it_answers_404_for_an_unknown_item_path(client, people):
    code = people.education.code_compact.lower()

    assert client.get(f"/xxgk/{code}/2026-99999/").status_code == 404
    assert client.get("/xxgk/nope/2026-00001/").status_code == 404
