"""`govmedia archive verify` over the real database."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from govmedia.publishing import actions, db_guards
from govmedia.publishing.models import ArchiveKind, ArchiveRecord, Withdrawal
from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db


def _as_an_intruder(sql: str, params: list) -> None:
    """Raw SQL with the append-only triggers dropped, as someone with database rights can do.

    The test's transaction puts the triggers back afterwards.
    """
    db_guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify_fails(capsys) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("archive", "verify", "--quiet")
    assert excinfo.value.returncode == 1
    return capsys.readouterr().err


def test_it_passes_then_fails_after_a_row_is_altered_in_the_database(people, capsys):
    first = published_item(people, title="第一条通知")
    published_item(people, title="第二条通知")
    call_command("archive", "verify", "--quiet")
    assert "OK: 2 record(s) verified" in capsys.readouterr().out

    record = ArchiveRecord.objects.get(page_id=first.pk)
    payload = {**record.payload, "body": "<p>悄悄改过的正文</p>"}
    from govmedia.publishing.seal import canonical_json

    _as_an_intruder(
        f"UPDATE {ArchiveRecord._meta.db_table} SET payload = %s WHERE id = %s",
        [canonical_json(payload).decode(), record.pk],
    )
    assert f"FAILED at record #{record.seq}" in _verify_fails(capsys)


def test_it_names_a_live_item_whose_newest_record_was_deleted(people, capsys):
    published_item(people, title="第一条通知")
    second = published_item(people, title="第二条通知")
    last = ArchiveRecord.objects.get(page_id=second.pk)
    # Cutting the newest record off leaves a chain that is intact on its own.
    _as_an_intruder(f"DELETE FROM {ArchiveRecord._meta.db_table} WHERE id = %s", [last.pk])

    err = _verify_fails(capsys)
    assert "FAILED" not in err
    assert f"MISSING: {second.index_number}" in err and "no publication or correction record" in err


def test_it_names_a_withdrawn_item_without_its_withdrawal_record(people, capsys):
    item = published_item(people)
    actions.do_withdraw_item(people.approver, item, "含有公民身份证号码")
    withdrawal = ArchiveRecord.objects.get(page_id=item.pk, kind=ArchiveKind.WITHDRAWAL)
    call_command("archive", "verify", "--quiet")
    capsys.readouterr()

    # The intruder removes the withdrawal's row too, so no foreign key points at the record.
    _as_an_intruder(
        f"DELETE FROM {Withdrawal._meta.db_table} WHERE record_id = %s", [withdrawal.pk]
    )
    _as_an_intruder(f"DELETE FROM {ArchiveRecord._meta.db_table} WHERE id = %s", [withdrawal.pk])
    err = _verify_fails(capsys)
    assert f"MISSING: {item.index_number}" in err and "no withdrawal record" in err


def test_it_warns_when_the_triggers_are_gone(people, capsys):
    published_item(people)
    db_guards.remove(connection)
    call_command("archive", "verify", "--quiet")
    assert "append-only triggers on the archive table are missing" in capsys.readouterr().err


def test_it_prints_the_public_key(people, capsys):
    call_command("archive", "public-key")
    assert capsys.readouterr().out.startswith("-----BEGIN PUBLIC KEY-----")
