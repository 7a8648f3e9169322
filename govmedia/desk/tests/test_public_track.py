"""Following a message with its number and query code, and rating the answer once."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from govmedia.desk import ratelimit
from govmedia.desk.models import EventKind, Message, Rating
from govmedia.desk.tests.public_helpers import answer, answer_as_staff, consult_data

pytestmark = pytest.mark.django_db

TRACK = reverse("desk:track")
RATE = reverse("desk:rate")


def filed(client) -> tuple[Message, str]:
    response = client.post(reverse("desk:submit", args=["zixun"]), consult_data())
    return response.context["message"], response.context["code"]


def test_it_shows_the_status_and_public_timeline_for_the_right_code(client):
    message, code = filed(client)
    response = client.post(TRACK, {"number": message.number, "code": code.lower()})
    assert response.status_code == 200
    html = response.content.decode()
    assert message.title in html and "已收到您的留言" in html
    assert "答复期限" in html and "评价本次答复" not in html


def test_a_provisional_deadline_is_marked(client):
    message, code = filed(client)
    Message.objects.filter(pk=message.pk).update(due_on="2031-03-05", due_provisional=True)
    html = client.post(TRACK, {"number": message.number, "code": code}).content.decode()
    assert "2031-03-05" in html and "暂定" in html


def test_a_wrong_code_says_so_and_guessing_is_limited(client, settings):
    settings.GOVMEDIA_DESK_LOOKUP_MAX_FAILURES = 3
    message, code = filed(client)
    for _ in range(3):
        response = client.post(TRACK, {"number": message.number, "code": "AAAAAAAA"})
        assert response.status_code == 400
        assert "受理编号或查询码不正确" in response.content.decode()
        assert message.title not in response.content.decode()
    response = client.post(TRACK, {"number": message.number, "code": code})
    assert response.status_code == 429
    assert "查询码输错次数过多" in response.content.decode()
    # Another address still gets in with the right code.
    response = client.post(TRACK, {"number": message.number, "code": code}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200


def test_it_shows_the_answer_and_takes_one_rating(client):
    message, code = filed(client)
    answer(message, "今年报名于7月1日开始，需准备户口簿和房产证明。")
    html = client.post(TRACK, {"number": message.number, "code": code}).content.decode()
    assert "今年报名于7月1日开始" in html and "评价本次答复" in html
    for level in Rating:
        assert str(level.label) in html
    response = client.post(
        RATE, {"number": message.number, "code": code, "rating": "5", "comment": "答复及时"}
    )
    assert "感谢您的评价" in response.content.decode()
    message.refresh_from_db()
    assert message.rating == Rating.VERY_SATISFIED and message.rating_comment == "答复及时"
    assert message.events.filter(kind=EventKind.RATED, public=True).count() == 1
    again = client.post(RATE, {"number": message.number, "code": code, "rating": "1"})
    assert "每件留言只能评价一次" in again.content.decode()
    message.refresh_from_db()
    assert message.rating == Rating.VERY_SATISFIED
    assert "您的评价：<strong>非常满意</strong>" in again.content.decode()


def test_a_rating_needs_the_code_and_an_answer(client):
    message, code = filed(client)
    response = client.post(RATE, {"number": message.number, "code": code, "rating": "5"})
    message.refresh_from_db()
    assert message.rating is None
    answer(message, "已答复。")
    client.post(RATE, {"number": message.number, "code": "WRONGCOD", "rating": "1"})
    message.refresh_from_db()
    assert message.rating is None
    response = client.post(RATE, {"number": message.number, "code": code})
    assert "请选择一项评价" in response.content.decode()


def test_a_bad_rating_opens_the_follow_up(client, people):
    message, code = filed(client)
    answer_as_staff(people, message, "已答复。")
    client.post(RATE, {"number": message.number, "code": code, "rating": "1", "comment": "没解决"})
    message.refresh_from_db()
    assert message.rating == Rating.VERY_DISSATISFIED and message.follow_up_due is not None
    assert message.events.filter(kind=EventKind.NOTE, text__contains="须在").exists()


def test_a_good_rating_opens_no_follow_up(client, people):
    message, code = filed(client)
    answer_as_staff(people, message, "已答复。")
    client.post(RATE, {"number": message.number, "code": code, "rating": "4"})
    message.refresh_from_db()
    assert message.rating == Rating.SATISFIED and message.follow_up_due is None


def test_wrong_codes_from_another_process_count_here(settings):
    # Two web processes of one installation share the count (the `limits` cache
    # in the data directory), so guessing cannot be spread over processes.
    settings.GOVMEDIA_DESK_LOOKUP_MAX_FAILURES = 3
    script = (
        "import django; django.setup()\n"
        "from govmedia.desk.ratelimit import record_lookup_failure\n"
        "for _ in range(3): record_lookup_failure('10.7.7.7')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "govmedia.settings"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    assert ratelimit.lookup_refusal("10.7.7.7") is not None
    assert ratelimit.lookup_refusal("10.7.7.8") is None
