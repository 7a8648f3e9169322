"""The archive and the keyring refuse UPDATE and DELETE in the database itself."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from govmedia.publishing import db_guards
from govmedia.publishing.models import ArchiveRecord, ItemPage, SealKey
from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db


def _refused(action) -> None:
    # The savepoint keeps the test's transaction usable after the refusal.
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_refuses_to_change_or_delete_an_archive_record(people):
    item = published_item(people)
    record = ArchiveRecord.objects.get(page_id=item.pk)

    def save_changed():
        record.note = "事后补写"
        record.save()

    _refused(save_changed)
    _refused(lambda: ArchiveRecord.objects.filter(pk=record.pk).update(page=None))
    _refused(lambda: ArchiveRecord.objects.filter(pk=record.pk).delete())
    _refused(lambda: record.delete())
    table = ArchiveRecord._meta.db_table
    _refused(
        lambda: _raw(f"UPDATE {table} SET payload_sha256 = %s WHERE id = %s", ["0", record.pk])
    )
    _refused(lambda: _raw(f"DELETE FROM {table} WHERE id = %s", [record.pk]))

    record.refresh_from_db()
    assert record.note == "" and record.page_id == item.pk


def test_it_refuses_to_delete_an_item_that_has_sealed_records(people):
    item = published_item(people)
    with pytest.raises(ProtectedError), transaction.atomic():
        ItemPage.objects.get(pk=item.pk).delete()
    assert ArchiveRecord.objects.get(page_id=item.pk).page_id == item.pk


def test_it_keeps_key_material_but_lets_a_key_be_retired_once(people):
    key = SealKey.objects.get()
    table = SealKey._meta.db_table
    _refused(lambda: SealKey.objects.filter(pk=key.pk).update(public_key_pem="forged"))
    _refused(lambda: SealKey.objects.filter(pk=key.pk).update(key_id="0" * 16))
    _refused(
        lambda: _raw(f"UPDATE {table} SET valid_from = %s WHERE id = %s", ["2000-01-01", key.pk])
    )
    _refused(lambda: SealKey.objects.filter(pk=key.pk).delete())
    _refused(lambda: _raw(f"DELETE FROM {table} WHERE id = %s", [key.pk]))

    SealKey.objects.filter(pk=key.pk).update(retired_at=timezone.now(), retired_by="管理员")
    _refused(lambda: SealKey.objects.filter(pk=key.pk).update(retired_at=None))


# Committed data, as in the browser tests whose teardown runs `flush`; serialized
# rollback puts back what the migrations created for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_erases_the_whole_installation_and_puts_the_triggers_back(people):
    published_item(people)
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not ArchiveRecord.objects.exists() and not SealKey.objects.exists()
    assert db_guards.installed(connection)
