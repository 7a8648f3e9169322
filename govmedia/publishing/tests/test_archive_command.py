"""`govmedia archive verify` over the real database."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from govmedia.publishing.models import ArchiveRecord
from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db


def test_it_passes_then_fails_after_a_row_is_altered_in_the_database(people, capsys):
    first = published_item(people, title="第一条通知")
    published_item(people, title="第二条通知")
    call_command("archive", "verify", "--quiet")
    assert "OK: 2 record(s) verified" in capsys.readouterr().out

    record = ArchiveRecord.objects.get(page_id=first.pk)
    payload = record.payload
    payload["body"] = "<p>悄悄改过的正文</p>"
    # An UPDATE straight in the database, as an intruder with database access would do.
    ArchiveRecord.objects.filter(pk=record.pk).update(payload=payload)

    with pytest.raises(CommandError) as excinfo:
        call_command("archive", "verify", "--quiet")
    assert excinfo.value.returncode == 1
    assert f"FAILED at record #{record.seq}" in capsys.readouterr().err


def test_it_prints_the_public_key(people, capsys):
    call_command("archive", "public-key")
    assert capsys.readouterr().out.startswith("-----BEGIN PUBLIC KEY-----")
