"""Publishing's own events: sent once the publication or withdrawal has committed, never before."""

from __future__ import annotations

import pytest
from django.db import transaction

from govmedia.publishing import events
from govmedia.publishing.actions import do_withdraw_item
from govmedia.publishing.models import ItemPage
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db
# Real commits and rollbacks, where the test's own transaction would never commit.
committing = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Heard:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool]] = []

    def __call__(self, signal_name: str):
        def receiver(sender, item, **kwargs) -> None:
            # What a receiver sees is what is committed: read back in a new query.
            live = ItemPage.objects.get(pk=item.pk).live
            self.calls.append((signal_name, item.pk, live))

        return receiver


@pytest.fixture
def heard():
    listener = Heard()
    published, withdrawn = listener("published"), listener("withdrawn")
    events.item_published.connect(published, dispatch_uid="test-heard-published")
    events.item_withdrawn.connect(withdrawn, dispatch_uid="test-heard-withdrawn")
    yield listener
    events.item_published.disconnect(dispatch_uid="test-heard-published")
    events.item_withdrawn.disconnect(dispatch_uid="test-heard-withdrawn")


@committing
def test_it_tells_of_a_publication_after_it_commits_and_never_of_one_rolled_back(people, heard):
    class Abort(Exception):
        pass

    rolled_back = draft_item(people.education, people.editor, title="回滚的通知")
    with pytest.raises(Abort), transaction.atomic():
        rolled_back.get_latest_revision().publish(skip_permission_checks=True)
        raise Abort
    assert heard.calls == []
    assert not ItemPage.objects.get(pk=rolled_back.pk).live

    item = draft_item(people.education, people.editor)
    with transaction.atomic():
        item.get_latest_revision().publish(skip_permission_checks=True)
        assert heard.calls == []  # the publication could still roll back
    assert heard.calls == [("published", item.pk, True)]


def test_it_tells_of_a_withdrawal(people, heard, django_capture_on_commit_callbacks):
    item = draft_item(people.education, people.editor)
    with django_capture_on_commit_callbacks(execute=True):
        item.get_latest_revision().publish(skip_permission_checks=True)
    item = ItemPage.objects.get(pk=item.pk)

    with django_capture_on_commit_callbacks(execute=True):
        do_withdraw_item(people.approver, item, "通知内容有误，撤回重发。")

    assert heard.calls == [("published", item.pk, True), ("withdrawn", item.pk, False)]


def test_a_failing_receiver_neither_undoes_the_publication_nor_silences_the_others(
    people, heard, caplog, django_capture_on_commit_callbacks
):
    def broken(sender, item, **kwargs):
        raise RuntimeError("index unavailable")

    # Connected first, so the working receiver runs after it.
    receivers = list(events.item_published.receivers)
    events.item_published.receivers = []
    events.item_published.connect(broken, dispatch_uid="test-broken")
    events.item_published.receivers += receivers
    events.item_published.sender_receivers_cache.clear()
    try:
        item = draft_item(people.education, people.editor)
        with django_capture_on_commit_callbacks(execute=True):
            item.get_latest_revision().publish(skip_permission_checks=True)
    finally:
        events.item_published.disconnect(dispatch_uid="test-broken")

    assert ItemPage.objects.get(pk=item.pk).live
    assert heard.calls == [("published", item.pk, True)]
    assert "index unavailable" in caplog.text
