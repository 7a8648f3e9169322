"""撤稿 through the admin: the real actor, one record however often it is submitted, and expiry."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from wagtail.models import PageLogEntry

from govmedia.publishing.models import ArchiveKind, ArchiveRecord, ItemPage, Withdrawal
from govmedia.publishing.tests.factories import published_item

REASON = "正文第三段含有一名市民的身份证号码，须撤下后重新发布。"


def _withdraw(client, item, *, category="privacy", reason=REASON):
    return client.post(
        f"/admin/items/{item.pk}/withdraw/", {"category": category, "reason": reason}
    )


def _withdrawal_records(item) -> list[ArchiveRecord]:
    return list(ArchiveRecord.objects.filter(page_id=item.pk, kind=ArchiveKind.WITHDRAWAL))


@pytest.mark.django_db
def test_it_seals_the_withdrawal_with_the_person_who_withdrew(people, client):
    item = published_item(people)
    client.force_login(people.approver)

    response = _withdraw(client, item)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/items/{item.pk}/record/"
    [record] = _withdrawal_records(item)
    assert record.actor == "张领导"  # not "系统"
    assert REASON in record.note and "涉及个人隐私" in record.note
    withdrawal = Withdrawal.objects.get(page_id=item.pk)
    assert withdrawal.withdrawn_by == people.approver and withdrawal.record == record
    assert withdrawal.category == "privacy" and withdrawal.reason == REASON
    entry = PageLogEntry.objects.get(page_id=item.pk, action="govmedia.withdraw")
    assert entry.user == people.approver and entry.data["category"] == "privacy"
    page = client.get(response["Location"]).text
    assert "已撤稿" in page and "张领导" in page and REASON in page


@pytest.mark.django_db
def test_it_asks_for_the_category_of_the_reason(people, client):
    item = published_item(people)
    client.force_login(people.approver)

    response = _withdraw(client, item, category="")

    assert response.status_code == 200
    assert "请选择撤稿类别" in response.text
    assert ItemPage.objects.get(pk=item.pk).live
    assert _withdrawal_records(item) == []


@pytest.mark.django_db
def test_it_seals_one_withdrawal_when_the_form_is_submitted_twice(people, client):
    item = published_item(people)
    client.force_login(people.approver)

    first = _withdraw(client, item)
    second = _withdraw(client, item)

    assert first.status_code == 302 and second.status_code == 302
    assert len(_withdrawal_records(item)) == 1
    assert Withdrawal.objects.filter(page_id=item.pk).count() == 1
    assert PageLogEntry.objects.filter(page_id=item.pk, action="govmedia.withdraw").count() == 1
    message = client.get(second["Location"]).text
    assert "撤稿，无需再次撤稿" in message and "张领导" in message


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's test database cannot serve two request threads at once",
)
# A live second connection needs committed data; serialized rollback puts back
# what the migrations created (the page tree's root, the categories) for later tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_seals_one_withdrawal_for_two_concurrent_submits(people):
    item = published_item(people)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def submit() -> None:
        try:
            client = Client()
            client.force_login(people.approver)
            start.wait()
            statuses.append(_withdraw(client, item).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302, 302]  # the second one gets a message, not an error page
    assert len(_withdrawal_records(item)) == 1
    assert Withdrawal.objects.filter(page_id=item.pk).count() == 1


@pytest.mark.django_db
def test_it_files_an_expiry_as_a_withdrawal_with_an_honest_system_reason(people, client):
    item = published_item(people)
    ItemPage.objects.filter(pk=item.pk).update(expire_at=timezone.now() - timedelta(minutes=1))

    call_command("publish_scheduled", verbosity=0)

    [record] = _withdrawal_records(item)
    assert record.actor == "系统" and "到期" in record.note
    assert Withdrawal.objects.get(page_id=item.pk).category == "expired"
    response = client.get(f"/xxgk/{people.education.code_compact.lower()}/{item.slug}/")
    assert response.status_code == 410 and "到期下线" in response.text
