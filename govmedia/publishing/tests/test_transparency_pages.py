"""The transparency log's public addresses: checkpoints, proofs, and the hourly checkpoint."""

from __future__ import annotations

import pytest

from govmedia.core import scheduler
from govmedia.publishing import archive, merkle, tlog, transparency
from govmedia.publishing.models import ArchiveKind, Checkpoint
from govmedia.publishing.tests import tampering
from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_records(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = published_item(people)
    for note in ("更正发文字号", "更正附件"):
        with django_capture_on_commit_callbacks(execute=True):
            # An explicit payload: the item's unchanged live state alone is not sealed twice.
            archive.append_record(
                item,
                ArchiveKind.CORRECTION,
                note=note,
                actor="王编辑",
                payload=archive.item_payload(item),
            )
    return item


def test_it_signs_a_checkpoint_after_each_record_and_serves_it(three_records, client):
    assert sorted(Checkpoint.objects.values_list("tree_size", flat=True)) == [1, 2, 3]
    page = client.get("/seal/checkpoints/").content.decode()
    assert "档案日志检查点" in page and "govmedia_verify.py" in page

    response = client.get("/seal/checkpoints/latest.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    latest = response.json()
    assert latest["tree_size"] == 3 and latest["format"] == tlog.CHECKPOINT_FORMAT
    assert latest["origin"].endswith("/seal/")
    assert tlog.checkpoint_problem(latest, archive.public_keys()) is None

    listed = client.get("/seal/checkpoints/index.json").json()["checkpoints"]
    assert [c["tree_size"] for c in listed] == [3, 2, 1]
    first = client.get(listed[-1]["url"]).json()
    assert first["tree_size"] == 1


def test_it_refuses_a_forged_checkpoint(three_records, client):
    latest = client.get("/seal/checkpoints/latest.json").json()
    latest["root_hash"] = "00" * 32
    assert "signature is not valid" in tlog.checkpoint_problem(latest, archive.public_keys())


def test_it_serves_an_inclusion_proof_that_leads_to_the_checkpoint(three_records, client):
    checkpoint = client.get("/seal/checkpoints/latest.json").json()
    proof = client.get("/seal/proofs/inclusion/2.json").json()
    assert proof["tree_size"] == checkpoint["tree_size"] == 3
    record = client.get(f"/seal/records/{three_records.index_number}.json").json()["records"][1]
    assert proof["record_hash"] == record["record_hash"]
    merkle.verify_inclusion(
        proof["leaf_index"],
        proof["tree_size"],
        tlog.record_leaf_hash(record["record_hash"]),
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(checkpoint["root_hash"]),
    )
    older = client.get("/seal/proofs/inclusion/1.json?tree_size=1").json()
    assert older["tree_size"] == 1 and older["audit_path"] == []


def test_it_serves_a_consistency_proof_between_two_checkpoints(three_records, client):
    listed = client.get("/seal/checkpoints/index.json").json()["checkpoints"]
    old, new = (client.get(c["url"]).json() for c in (listed[-1], listed[0]))
    proof = client.get(f"/seal/proofs/consistency/{old['tree_size']}/{new['tree_size']}.json")
    merkle.verify_consistency(
        old["tree_size"],
        new["tree_size"],
        bytes.fromhex(old["root_hash"]),
        bytes.fromhex(new["root_hash"]),
        [bytes.fromhex(h) for h in proof.json()["consistency_path"]],
    )


def test_it_answers_not_found_for_sizes_the_log_does_not_have(three_records, client):
    assert client.get("/seal/proofs/inclusion/4.json").status_code == 404
    assert client.get("/seal/proofs/inclusion/1.json?tree_size=9").status_code == 404
    assert client.get("/seal/proofs/consistency/3/2.json").status_code == 404
    assert client.get("/seal/proofs/consistency/0/3.json").status_code == 404


def test_it_signs_a_fresh_checkpoint_every_hour_from_the_worker(three_records):
    job = scheduler.JOBS["seal_checkpoint"]
    assert job.every.total_seconds() <= 3600
    scheduler.run_job_now("seal_checkpoint")
    assert Checkpoint.objects.filter(tree_size=3).count() == 2


def test_it_refuses_to_sign_over_rewritten_history(three_records):
    tampering.rewrite_from(2, lambda record: record.update(note="改写"), archive.private_key())
    with pytest.raises(transparency.LogError):
        transparency.make_checkpoint()
    assert Checkpoint.objects.count() == 3


def test_it_offers_the_standalone_verifier_for_download(client):
    response = client.get("/seal/govmedia_verify.py")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"#!/usr/bin/env python3")


def test_it_never_makes_a_seal_key_to_sign_an_hourly_checkpoint(people, settings, tmp_path):
    # A mirror that only verifies and serves has no private key: it must not make one.
    settings.GOVMEDIA_SEAL_KEY_FILE = tmp_path / "absent.pem"
    tampering.clear_key_cache()
    scheduler.run_job_now("seal_checkpoint")
    assert not (tmp_path / "absent.pem").exists()
    assert not Checkpoint.objects.exists()
    with pytest.raises(transparency.LogError):
        transparency.make_checkpoint()
    tampering.clear_key_cache()
