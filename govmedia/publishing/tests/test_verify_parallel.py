"""`archive verify`'s seal pass over a process pool finds the same bad record as one process."""

from __future__ import annotations

import pytest

from govmedia.publishing import archive, tlog, transparency
from govmedia.publishing.models import ArchiveKind
from govmedia.publishing.tests import tampering
from govmedia.publishing.tests.factories import published_item

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_it_names_the_same_first_bad_record_with_two_worker_processes(people, monkeypatch):
    item = published_item(people)
    for n in range(3):
        archive.append_record(
            item,
            ArchiveKind.CORRECTION,
            note=f"更正{n}",
            actor="王编辑",
            payload=archive.item_payload(item),
        )
    signature = tampering.row(3)["signature"]
    forged = ("0" if signature[0] != "0" else "1") + signature[1:]
    tampering.sql(f"UPDATE {tampering.RECORDS} SET signature = %s WHERE seq = 3", [forged])
    # The pool is normally kept for large archives; here it must run on four records.
    monkeypatch.setattr(tlog, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(tlog, "RECORD_BATCH", 1)
    parallel = transparency.verify_log(workers=2)
    single = transparency.verify_log(workers=1)
    assert parallel.first_bad_seq == single.first_bad_seq == 3
    assert [p.reason for p in parallel.problems] == [p.reason for p in single.problems]
    assert "signature is not valid" in parallel.sorted_problems()[0].reason
