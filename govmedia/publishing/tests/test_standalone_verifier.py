"""The standalone verifier, run as an outsider would: a separate Python on files downloaded from the portal."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from govmedia.publishing import actions, archive, seal, tlog
from govmedia.publishing.models import ArchiveKind, ItemPage, WithdrawalCategory
from govmedia.publishing.tests import tampering
from govmedia.publishing.tests.factories import published_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(people, tmp_path, django_capture_on_commit_callbacks, client):
    """An item with three records; the verifier, the key and the first checkpoint downloaded."""
    with django_capture_on_commit_callbacks(execute=True):
        item = published_item(people)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    save(client, "/seal/govmedia_verify.py", downloads / "govmedia_verify.py")
    save(client, "/seal/public-key.pem", downloads / "public-key.pem")
    save(client, "/seal/checkpoints/latest.json", downloads / "checkpoint-1.json")
    for note in ("更正发文字号", "更正附件"):
        with django_capture_on_commit_callbacks(execute=True):
            archive.append_record(
                item,
                ArchiveKind.CORRECTION,
                note=note,
                actor="王编辑",
                payload=archive.item_payload(item),
            )
    save(client, f"/seal/records/{item.index_number}.json", downloads / "records.json")
    save(client, "/seal/checkpoints/latest.json", downloads / "checkpoint-3.json")
    save(client, "/seal/proofs/inclusion/2.json", downloads / "inclusion-2.json")
    save(client, "/seal/proofs/consistency/1/3.json", downloads / "consistency-1-3.json")
    yield downloads
    tampering.clear_key_cache()


def save(client, url: str, path: Path) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    body = getattr(response, "streaming_content", None)
    path.write_bytes(b"".join(body) if body is not None else response.content)


def run(downloads: Path, *args: str) -> subprocess.CompletedProcess:
    # -I: isolated, so the verifier cannot lean on this project's code.
    return subprocess.run(
        [sys.executable, "-I", "govmedia_verify.py", "--key", "public-key.pem", *args],
        cwd=downloads,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_verifies_records_inclusion_checkpoints_and_consistency_offline(portal):
    for args in (
        ["checkpoint", "checkpoint-3.json"],
        ["record", "records.json"],
        ["inclusion", "records.json", "inclusion-2.json", "checkpoint-3.json"],
        ["consistency", "checkpoint-1.json", "checkpoint-3.json", "consistency-1-3.json"],
    ):
        result = run(portal, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "核验通过" in result.stdout


def test_it_reports_a_changed_text_in_a_downloaded_record(portal):
    data = json.loads((portal / "records.json").read_text())
    data["records"][1]["payload"]["body"] = "<p>改过的正文</p>"
    (portal / "records.json").write_text(json.dumps(data, ensure_ascii=False))
    result = run(portal, "record", "records.json", "--seq", "2")
    assert result.returncode == 1
    assert "核验失败" in result.stdout and "record #2" in result.stdout


def test_it_checks_the_header_and_signature_of_a_withdrawn_items_public_records(
    portal, people, client, django_capture_on_commit_callbacks
):
    item = ItemPage.objects.get(
        index_number=json.loads((portal / "records.json").read_text())["records"][0]["index_number"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_withdraw_item(
            people.approver, item, "含有公民身份证号码", category=WithdrawalCategory.PRIVACY
        )
    save(client, f"/seal/records/{item.index_number}.json", portal / "withdrawn.json")
    save(client, "/seal/checkpoints/latest.json", portal / "checkpoint-4.json")
    save(client, "/seal/proofs/inclusion/2.json?tree_size=4", portal / "inclusion-2-of-4.json")
    records = json.loads((portal / "withdrawn.json").read_text())["records"]
    assert [r["seq"] for r in records] == [1, 2, 3, 4]
    assert all(r["payload_withheld"] and "body" not in r["payload"] for r in records)

    for args in (
        ["record", "withdrawn.json"],
        ["inclusion", "withdrawn.json", "inclusion-2-of-4.json", "checkpoint-4.json"],
    ):
        result = run(portal, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "核验通过" in result.stdout and "只核验了记录头哈希和签名" in result.stdout
        assert "content digest could not be recomputed" in result.stdout

    # The header (with the payload digest in it) is still sealed: a change shows.
    records[1]["note"] = "改过的说明"
    (portal / "withdrawn.json").write_text(json.dumps({"records": records}, ensure_ascii=False))
    result = run(portal, "record", "withdrawn.json", "--seq", "2")
    assert result.returncode == 1
    assert "record #2: the header does not match its sealed hash" in result.stdout


def test_it_reports_a_forged_checkpoint(portal):
    data = json.loads((portal / "checkpoint-3.json").read_text())
    data["tree_size"] = 2
    (portal / "checkpoint-3.json").write_text(json.dumps(data))
    result = run(portal, "checkpoint", "checkpoint-3.json")
    assert result.returncode == 1 and "signature is not valid" in result.stdout


def test_it_reports_a_log_that_rewrote_history_since_the_witness_checkpoint(portal, client):
    # The key holder rewrites record #1 and everything after it, and signs a new head.
    key = archive.private_key()
    tampering.rewrite_from(1, lambda record: record.update(note="改写的说明"), key)
    hashes = tampering.ArchiveRecord.objects.order_by("seq").values_list("record_hash", flat=True)
    tree = tampering.merkle_tree(hashes)
    forged = tlog.sign_checkpoint(
        tlog.checkpoint_body(
            origin=json.loads((portal / "checkpoint-1.json").read_text())["origin"],
            tree_size=3,
            root_hash=tree.root().hex(),
            timestamp="2030-01-01T00:00:00Z",
            key_id=seal.key_id(key.public_key()),
        ),
        key,
    )
    (portal / "forged-3.json").write_text(json.dumps(forged))
    save(client, "/seal/proofs/consistency/1/3.json", portal / "consistency-1-3.json")
    assert run(portal, "checkpoint", "forged-3.json").returncode == 0  # validly signed ...
    result = run(
        portal, "consistency", "checkpoint-1.json", "forged-3.json", "consistency-1-3.json"
    )
    assert result.returncode == 1  # ... but not an extension of what the witness kept
    assert "history was rewritten" in result.stdout


def test_it_checks_the_same_header_fields_as_the_seal():
    path = Path(__file__).resolve().parents[1] / "static" / "publishing" / "govmedia_verify.py"
    spec = importlib.util.spec_from_file_location("govmedia_verify", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.HEADER_FIELDS == seal.HEADER_FIELDS
    assert module.CHECKPOINT_FIELDS == tlog.CHECKPOINT_FIELDS
    assert module.CHECKPOINT_FORMAT == tlog.CHECKPOINT_FORMAT
