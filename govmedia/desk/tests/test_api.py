from __future__ import annotations

import pytest
from django.utils import timezone

from govmedia.desk.models import Kind, Message, Status

pytestmark = pytest.mark.django_db

URL = "/api/v1/desk/messages"
CONSULT = {
    "kind": "consult",
    "title": "小学入学需要哪些材料",
    "body": "孩子明年上小学，请问报名需要准备哪些材料？我的电话13812345678。",
    "name": "王小明",
    "phone": "13812345678",
}
DISCLOSURE = {
    "kind": "disclosure",
    "title": "申请公开2025年学校建设项目资金",
    "body": "请公开2025年本市新建学校的项目清单及资金安排。",
    "name": "李四",
    "phone": "13900001111",
    "applicant_type": "person",
    "id_number": "110101199003074477",
    "delivery_form": "electronic",
    "delivery_way": "email",
    "email": "li@example.com",
    "address": "示例市光明路1号",
}


@pytest.fixture(autouse=True)
def _forget_wrong_codes(settings):
    """Wrong query codes are counted per address in a cache that outlives a test: leave none."""
    from django.core.cache import caches

    yield
    caches[settings.GOVMEDIA_DESK_RATELIMIT_CACHE].clear()


def post(client, data, **headers):
    return client.post(URL, data, content_type="application/json", headers=headers)


def test_it_files_a_message_and_gives_its_number_and_query_code_once(client):
    response = post(client, CONSULT)
    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get(number=body["number"])
    assert message.kind == Kind.CONSULT and message.channel == "api"
    assert len(body["query_code"]) == 8 and message.check_query_code(body["query_code"])
    assert body["duplicate"] is False


def test_it_answers_a_resend_with_the_first_number_and_no_code(client):
    first = post(client, CONSULT, **{"Idempotency-Key": "k-123"}).json()
    again = post(client, CONSULT, **{"Idempotency-Key": "k-123"})
    assert again.status_code == 200
    assert again.json()["number"] == first["number"]
    assert again.json()["query_code"] is None and again.json()["duplicate"] is True
    assert Message.objects.count() == 1


def test_it_refuses_a_disclosure_request_without_the_fields_the_law_asks_for(client):
    data = {**DISCLOSURE, "applicant_type": "", "id_number": "", "delivery_way": ""}
    response = post(client, data)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_submission"
    assert set(error["fields"]) >= {"applicant_type", "id_number", "delivery_way"}
    assert Message.objects.count() == 0


def test_it_refuses_a_wrong_id_check_character_and_a_wrong_credit_code(client):
    response = post(client, {**DISCLOSURE, "id_number": "110101199003074478"})
    assert "身份证号码不正确" in response.json()["error"]["fields"]["id_number"][0]
    organisation = {
        **DISCLOSURE,
        "applicant_type": "organisation",
        "name": "示例市某科技有限公司",
        "id_number": "91110000600037341M",
        "contact_person": "张三",
        "organisation_kind": "business",
    }
    response = post(client, organisation)
    assert response.status_code == 422
    assert "校验码不正确" in response.json()["error"]["fields"]["id_number"][0]
    response = post(client, {**organisation, "id_number": "91110000600037341L"})
    assert response.status_code == 201


def test_it_refuses_missing_fields_and_unknown_kinds_in_the_error_shape(client):
    response = post(client, {"kind": "consult", "title": "", "body": "", "name": ""})
    assert response.status_code == 422
    assert {"title", "body", "name"} <= set(response.json()["error"]["fields"])
    response = post(client, {**CONSULT, "kind": "petition"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_it_keeps_a_script_as_text(client):
    number = post(client, {**CONSULT, "body": "<script>alert(1)</script>请问几点上班"}).json()[
        "number"
    ]
    assert Message.objects.get(number=number).body.startswith("<script>")


def test_it_shows_the_status_only_with_the_right_query_code(client):
    body = post(client, CONSULT).json()
    url = f"{URL}/{body['number']}"
    assert client.get(url).status_code == 404
    assert client.get(url, {"code": "WRONGCOD"}).status_code == 404
    by_param = client.get(url, {"code": body["query_code"]})
    by_header = client.get(url, headers={"X-Query-Code": body["query_code"].lower()})
    assert by_param.status_code == by_header.status_code == 200
    status = by_header.json()
    assert status["title"] == CONSULT["title"]
    assert status["timeline"][0]["text"] == "已收到您的留言"
    assert "phone" not in status and "name" not in status


def test_it_lists_public_answers_with_personal_data_masked(client, people):
    number = post(client, CONSULT).json()["number"]
    hidden = post(client, {**CONSULT, "wants_public": False}).json()["number"]
    unanswered = post(client, CONSULT).json()["number"]
    now = timezone.now()
    Message.objects.filter(number__in=[number, hidden]).update(
        status=Status.ANSWERED,
        answered_at=now,
        answer="请携带户口簿，联系电话13900001111。",
        is_public=True,
        department=people.education,
        rating=5,
    )
    response = client.get("/api/v1/desk/public", {"kind": "consult"})
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1
    row = page["items"][0]
    assert row["number"] == number and unanswered != number
    assert row["name"] == "王**"
    assert "13812345678" not in row["body"] and "138****5678" in row["body"]
    assert "139****1111" in row["answer"]
    assert row["department"] == "示例市教育局" and row["rating_display"] == "非常满意"
    assert client.get("/api/v1/desk/public", {"page_size": 101}).status_code == 422


def test_it_lists_the_kinds_with_their_deadlines(client):
    kinds = {k["code"]: k for k in client.get("/api/v1/desk/kinds").json()}
    assert kinds["disclosure"]["deadline_workdays"] == 20
    assert kinds["disclosure"]["open311_service_code"] is None
    assert kinds["error"]["open311_service_code"] == "error"
