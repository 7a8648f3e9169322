"""The tamper matrix: every way an intruder with the database (and maybe the key) rewrites history.

Each case tampers in raw SQL (after dropping the archive's triggers, as an
intruder who owns the database can) and then runs `govmedia archive verify`
as an operator would: the tampering must be found and the first bad record
named. The archive is five records, each followed by the checkpoint the log
signs on commit; where the intruder also forges the stored checkpoints, the
checkpoints a witness downloaded earlier catch it.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from govmedia.publishing import archive, keyring, seal
from govmedia.publishing.models import ArchiveKind, ArchiveRecord, Checkpoint
from govmedia.publishing.tests import tampering
from govmedia.publishing.tests.factories import published_item

# Each case builds its own five-record archive through the real procedure: seconds each.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

RECORDS = 5


@pytest.fixture
def seal_key(settings, tmp_path):
    """The keyring's current key, in a file of this test's own (the intruder can read it)."""
    path = tmp_path / "seal.pem"
    path.write_bytes(keyring.key_file().read_bytes())
    path.chmod(0o600)
    settings.GOVMEDIA_SEAL_KEY_FILE = path
    tampering.clear_key_cache()
    yield seal.load_private_key(path)
    tampering.clear_key_cache()


@pytest.fixture
def log(people, seal_key, django_capture_on_commit_callbacks, client, tmp_path):
    """Five sealed records, a checkpoint after each, and a witness's copies of those checkpoints."""
    with django_capture_on_commit_callbacks(execute=True):
        item = published_item(people)
    for n in range(2, RECORDS + 1):
        with django_capture_on_commit_callbacks(execute=True):
            # An explicit payload: the item's unchanged live state alone is not sealed twice.
            archive.append_record(
                item,
                ArchiveKind.CORRECTION,
                note=f"第{n}次更正",
                actor="王编辑",
                payload=archive.item_payload(item),
            )
    assert ArchiveRecord.objects.count() == RECORDS
    assert sorted(Checkpoint.objects.values_list("tree_size", flat=True)) == list(
        range(1, RECORDS + 1)
    )
    witness = []
    for checkpoint in Checkpoint.objects.order_by("tree_size"):
        path = tmp_path / f"witness-{checkpoint.tree_size}.json"
        path.write_bytes(client.get(f"/seal/checkpoints/{checkpoint.pk}.json").content)
        witness.append(path)
    return witness


def passes(capsys, *witness) -> None:
    """`archive verify` succeeds (before any tampering)."""
    args = []
    for path in witness:
        args += ["--checkpoint", str(path)]
    call_command("archive", "verify", "--quiet", *args)
    assert "OK: " in capsys.readouterr().out


def failure(capsys, *witness) -> str:
    """Run `archive verify`, which must fail with exit status 1; return what it printed."""
    args = []
    for path in witness:
        args += ["--checkpoint", str(path)]
    with pytest.raises(CommandError) as excinfo:
        call_command("archive", "verify", "--quiet", *args)
    assert excinfo.value.returncode == 1
    return capsys.readouterr().err


def change_payload(log, key):
    record = tampering.row(3)
    record["payload"]["body"] = "<p>悄悄改过的正文</p>"
    tampering.write(3, record)
    return 3


def change_header_field(log, key):
    tampering.sql(f"UPDATE {tampering.RECORDS} SET actor = %s WHERE seq = 2", ["另一个人"])
    return 2


def delete_last(log, key):
    tampering.sql(f"DELETE FROM {tampering.RECORDS} WHERE seq = %s", [RECORDS])
    return RECORDS


def delete_middle(log, key):
    tampering.sql(f"DELETE FROM {tampering.RECORDS} WHERE seq = 3")
    return 3


def swap_two(log, key):
    second, fourth = tampering.row(2), tampering.row(4)
    tampering.sql(f"UPDATE {tampering.RECORDS} SET seq = 1000 WHERE seq = 2")
    tampering.write(2, fourth, where_seq=4)
    tampering.write(4, second, where_seq=1000)
    return 2


def recompute_hash_and_successor(log, key):
    # Without the key: the chain is made whole again, the signatures cannot be.
    third = tampering.rehash(
        dict(tampering.row(3), note="改过的更正说明"), tampering.row(2)["record_hash"], None
    )
    tampering.write(3, third)
    tampering.write(4, tampering.rehash(tampering.row(4), third["record_hash"], None))
    return 3


def replace_key_file_and_resign(log, key, settings, tmp_path):
    intruder_key = tampering.use_new_key_file(settings, tmp_path / "intruder.pem")

    def no_change(record):
        pass

    tampering.rewrite_from(1, no_change, intruder_key)
    return 1


def drop_triggers_and_edit_with_the_real_key(log, key):
    # The key file sits next to the database: the intruder rewrites #3 and
    # re-signs it and everything after it with the real key.
    def change(record):
        record["payload"]["body"] = "<p>另一个版本的正文</p>"

    tampering.rewrite_from(3, change, key)
    return 3


CASES = [
    change_payload,
    change_header_field,
    delete_last,
    delete_middle,
    swap_two,
    recompute_hash_and_successor,
    drop_triggers_and_edit_with_the_real_key,
]


@pytest.mark.parametrize("tamper", CASES, ids=[case.__name__ for case in CASES])
def test_it_detects_the_tampering_and_names_the_first_bad_record(log, seal_key, tamper, capsys):
    passes(capsys, *log)
    first_bad = tamper(log, seal_key)
    err = failure(capsys)
    assert f"FAILED at record #{first_bad}:" in err
    # The witness's checkpoints agree on where history breaks.
    assert f"FAILED at record #{first_bad}:" in failure(capsys, *log)


def test_it_detects_a_replaced_key_file_and_history_resigned_with_it(
    log, seal_key, settings, tmp_path, capsys
):
    passes(capsys, *log)
    first_bad = replace_key_file_and_resign(log, seal_key, settings, tmp_path)
    err = failure(capsys)
    assert f"FAILED at record #{first_bad}:" in err
    assert f"FAILED at record #{first_bad}:" in failure(capsys, *log)


def test_it_needs_a_witness_when_the_key_holder_also_forges_the_stored_checkpoints(
    log, seal_key, capsys
):
    def change(record):
        record["note"] = "从未发生过的更正"

    tampering.rewrite_from(3, change, seal_key)
    tampering.resign_checkpoints(seal_key)
    # Everything the database holds is consistent again and validly signed ...
    call_command("archive", "verify", "--quiet")
    capsys.readouterr()
    # ... but not with what a witness downloaded earlier.
    err = failure(capsys, *log)
    assert "FAILED at record #3:" in err
    assert "does not extend the checkpoint" in err


def test_it_needs_a_witness_when_the_newest_record_and_its_checkpoint_are_both_deleted(log, capsys):
    tampering.sql(f"DELETE FROM {tampering.RECORDS} WHERE seq = %s", [RECORDS])
    tampering.drop_triggers(tampering.CHECKPOINTS)
    tampering.sql(f"DELETE FROM {tampering.CHECKPOINTS} WHERE tree_size = %s", [RECORDS])
    call_command("archive", "verify", "--quiet")
    capsys.readouterr()
    err = failure(capsys, log[-1])
    assert f"FAILED at record #{RECORDS}:" in err
    assert json.loads(log[-1].read_text())["tree_size"] == RECORDS
