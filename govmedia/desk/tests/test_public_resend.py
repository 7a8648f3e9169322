"""A double click over real HTTP: two posts of one form at the same moment file one message."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest

from govmedia.desk.models import Message
from govmedia.desk.tests.public_helpers import consult_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_simultaneous_posts_of_one_form_file_one_message(live_server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{live_server.url}/hudong/xiexin/zixun/"
    form = opener.open(url).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {**consult_data(token=token), "csrfmiddlewaretoken": csrf}
    ).encode()
    answers: list[str] = []
    start = threading.Barrier(2)

    def post() -> None:
        start.wait()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        answers.append(opener.open(request, timeout=30).read().decode())

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Message.objects.count() == 1
    message = Message.objects.get()
    codes = {re.search(r'id="receipt-code">([^<]+)<', a).group(1) for a in answers}
    assert len(answers) == 2 and len(codes) == 1
    assert all(message.number in a for a in answers)
    assert message.check_query_code(codes.pop())
