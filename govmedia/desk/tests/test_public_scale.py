"""The public answers with 100,000 messages: pages read by index, answered in a fraction of a second.

Marked slow (the rows take ~20 s to make). The figures it prints are in
docs/desk-public.md; times are printed, not asserted (performance goals
live in bench/); the query plan is what must hold.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from govmedia.desk.models import Kind, Message
from govmedia.desk.publicview import public_answers

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROWS = 100_000
WORDS = ["招生", "公交", "道路", "医保", "社保", "噪音", "路灯", "学校", "停车", "垃圾"]
KINDS = [Kind.CONSULT, Kind.COMPLAINT, Kind.SUGGESTION, Kind.HELP, Kind.DISCLOSURE]


def make_messages(people) -> None:
    now = timezone.now()
    rows = []
    for i in range(ROWS):
        word, kind = WORDS[i % len(WORDS)], KINDS[i % len(KINDS)]
        at = now - timedelta(hours=i % 17_000)
        answered = i % 2 == 1
        rows.append(
            Message(
                number=f"S{i:012d}",
                query_code_hash="-",
                kind=kind,
                status="answered" if answered else "handling",
                title=f"关于{word}的问题{i}",
                body=f"{word}问题的详细描述，联系人张三，电话13812345678。" * 3,
                name="张三",
                received_at=at,
                received_on=at.date(),
                answer=f"关于{word}的答复" if answered else "",
                answered_at=at + timedelta(days=2) if answered else None,
                answered_on=(at + timedelta(days=2)).date() if answered else None,
                handling_days=2 if answered else None,
                is_public=answered and kind != Kind.DISCLOSURE,
                department=people.education if i % 3 else people.transport,
            )
        )
    Message.objects.bulk_create(rows, batch_size=5000)


def test_the_public_pages_answer_quickly_with_100000_messages(client, people):
    make_messages(people)
    with connection.cursor() as cursor:  # as autovacuum would after a bulk load
        cursor.execute("ANALYZE desk_message" if connection.vendor == "postgresql" else "ANALYZE")
    if connection.vendor == "sqlite":
        plan = public_answers(Message.objects.all())[:20].explain()
        assert "desk_messag_is_publ" in plan and "TEMP B-TREE" not in plan, plan
    year = timezone.localdate().year
    pages = [
        "/hudong/",
        "/hudong/gongkai/",
        "/hudong/gongkai/?page=200",
        "/hudong/gongkai/?q=医保",
        f"/hudong/gongkai/?department={people.transport.pk}&year={year}&kind=help",
    ]
    timings = {}
    for url in pages:
        assert client.get(url).status_code == 200
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            client.get(url)
            runs.append((time.perf_counter() - start) * 1000)
        timings[url] = statistics.median(runs)
    # Timings are printed, not asserted (bench/bench_desk.py measures them).
    print("\n" + "\n".join(f"{ms:6.0f} ms  {url}" for url, ms in timings.items()))
