"""The seal's keys: made only by setup and rotation, verified from the keyring everywhere else."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from govmedia.devtools.testing import PASSWORD
from govmedia.publishing import actions, keyring
from govmedia.publishing.models import ArchiveRecord, ItemPage, SealKey
from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db


def _no_key_file(settings, tmp_path):
    """This machine has no private key: a web node, or a worker whose key file was lost."""
    path = tmp_path / "elsewhere" / "seal_ed25519.pem"
    settings.GOVMEDIA_SEAL_KEY_FILE = path
    return path


def test_it_verifies_and_serves_without_the_private_key_and_never_makes_one(
    people, settings, tmp_path, client, capsys
):
    item = published_item(people)
    key_id = keyring.current_key_id()
    path = _no_key_file(settings, tmp_path)

    call_command("archive", "verify", "--quiet")
    assert "OK: 1 record(s) verified" in capsys.readouterr().out
    assert client.get("/seal/public-key.pem")["X-Seal-Key-Id"] == key_id
    assert client.get("/seal/keys.json").json()["current_key_id"] == key_id
    page = client.post("/seal/verify/", {"index": item.index_number, "text": "正文"})
    assert page.status_code == 200 and "档案签名有效" in page.content.decode()

    assert not path.exists() and not path.parent.exists()
    assert list(SealKey.objects.values_list("key_id", flat=True)) == [key_id]


def test_setup_makes_the_first_key_once_and_only_checks_afterwards(settings, tmp_path, capsys):
    path = tmp_path / "seal_ed25519.pem"
    settings.GOVMEDIA_SEAL_KEY_FILE = path
    call_command("setup")
    key = SealKey.objects.get()
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600
    assert "created" in capsys.readouterr().out
    entry = ModelLogEntry.objects.get(action="govmedia.seal_key.create")
    assert entry.data["key_id"] == key.key_id

    call_command("setup")
    assert SealKey.objects.count() == 1 and "in service" in capsys.readouterr().out

    # A second machine sharing the database but holding no key file.
    settings.GOVMEDIA_SEAL_KEY_FILE = tmp_path / "web-node" / "seal_ed25519.pem"
    call_command("setup")
    assert "cannot seal" in capsys.readouterr().out
    assert SealKey.objects.count() == 1
    assert not (tmp_path / "web-node").exists()


def test_setup_refuses_a_key_file_that_is_not_the_keyrings(people, settings, tmp_path):
    from govmedia.publishing import seal

    other = tmp_path / "other.pem"
    seal.write_new_private_key(other)
    settings.GOVMEDIA_SEAL_KEY_FILE = other
    with pytest.raises(CommandError, match="not the keyring's current key"):
        call_command("setup")


@pytest.fixture
def own_key_file(people, settings, tmp_path):
    """The same key as the session's, in a file this test may rotate away."""
    path = tmp_path / "seal_ed25519.pem"
    path.write_bytes(keyring.key_file().read_bytes())
    path.chmod(0o600)
    settings.GOVMEDIA_SEAL_KEY_FILE = path
    return path


def test_rotation_retires_the_old_key_and_old_records_still_verify(
    people, own_key_file, client, capsys
):
    first = published_item(people, title="轮换前发布的通知")
    old_id = keyring.current_key_id()
    old_file = keyring.key_file()

    with pytest.raises(CommandError, match="--reason"):
        call_command("archive", "rotate-key")
    call_command("archive", "rotate-key", "--reason", "年度例行更换", "--by", "系统管理员")
    new_id = keyring.current_key_id()
    assert new_id != old_id
    assert old_file.with_name(f"{old_file.name}.retired-{old_id}").exists()

    second = published_item(people, title="轮换后发布的通知")
    assert ArchiveRecord.objects.get(page_id=first.pk).key_id == old_id
    assert ArchiveRecord.objects.get(page_id=second.pk).key_id == new_id
    call_command("archive", "verify", "--quiet")
    assert "OK: 2 record(s) verified" in capsys.readouterr().out

    keys = client.get("/seal/keys.json").json()
    assert keys["current_key_id"] == new_id
    by_id = {k["key_id"]: k for k in keys["keys"]}
    assert by_id[old_id]["valid_until"] is not None and by_id[new_id]["valid_until"] is None
    assert client.get("/seal/public-key.pem")["X-Seal-Key-Id"] == new_id

    entry = ModelLogEntry.objects.get(action="govmedia.seal_key.rotate")
    assert entry.data["retired"] == old_id and entry.data["reason"] == "年度例行更换"


def test_a_retired_key_cannot_be_used_to_add_records(people, own_key_file):
    old_file = keyring.key_file()
    kept = old_file.read_bytes()
    call_command("archive", "rotate-key", "--reason", "密钥疑似泄露")
    # Someone puts the retired key back in place of the new one.
    old_file.write_bytes(kept)
    item = draft_item(people.education, people.editor)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    actions.do_workflow_action(people.approver, item, "approve")
    assert not ItemPage.objects.get(pk=item.pk).live
    assert not ArchiveRecord.objects.exists()


def _at_sign_off(people):
    item = draft_item(people.education, people.editor)
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    return ItemPage.objects.get(pk=item.pk)


def test_sign_off_without_the_key_is_refused_and_the_item_stays_at_sign_off(
    people, settings, tmp_path, client, caplog
):
    item = _at_sign_off(people)
    _no_key_file(settings, tmp_path)
    client.login(username=people.approver.username, password=PASSWORD)
    state = item.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[item.pk, "approve", state.pk])

    with caplog.at_level(logging.ERROR):
        response = client.post(url, follow=True)

    page = response.content.decode()
    assert "未能签发" in page and "私钥文件缺失" in page and "仍停留在领导签发步骤" in page
    assert "seal private key file" in caplog.text and "is missing" in caplog.text
    item = ItemPage.objects.get(pk=item.pk)
    assert not item.live
    assert item.current_workflow_task.specific.__class__.__name__ == "ApprovalTask"
    assert item.current_workflow_task_state.status == "in_progress"
    assert not ArchiveRecord.objects.exists()
    assert not keyring.key_file().exists()


def test_sign_off_goes_through_once_the_key_is_back(people, settings, tmp_path, client):
    item = _at_sign_off(people)
    real = keyring.key_file()
    _no_key_file(settings, tmp_path)
    client.login(username=people.approver.username, password=PASSWORD)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[item.pk, "approve", item.current_workflow_task_state.pk],
    )
    client.post(url)
    settings.GOVMEDIA_SEAL_KEY_FILE = real
    client.post(url)
    assert ItemPage.objects.get(pk=item.pk).live
    assert ArchiveRecord.objects.filter(page_id=item.pk).count() == 1


def test_an_unreadable_key_file_is_a_clear_error(people, settings, tmp_path):
    broken = tmp_path / "broken.pem"
    broken.write_text("not a key")
    settings.GOVMEDIA_SEAL_KEY_FILE = broken
    with pytest.raises(keyring.SealKeyError) as excinfo:
        keyring.private_key()
    assert "cannot be read" in str(excinfo.value)
    assert "无法读取" in excinfo.value.user_message


def test_withdrawal_without_the_key_is_refused_and_the_item_stays_live(
    people, settings, tmp_path, client
):
    item = published_item(people)
    _no_key_file(settings, tmp_path)
    client.login(username=people.approver.username, password=PASSWORD)
    response = client.post(
        reverse("publishing_withdraw", args=[item.pk]),
        {"reason": "含有个人信息", "category": "privacy"},
    )
    assert "未能撤稿" in response.content.decode()
    assert ItemPage.objects.get(pk=item.pk).live
    assert ArchiveRecord.objects.filter(page_id=item.pk).count() == 1


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "process-pool"])
def test_log_verification_reports_a_record_sealed_with_a_retired_key_after_its_retirement(
    people, own_key_file, monkeypatch, capsys, workers
):
    from govmedia.publishing import seal, tlog, transparency
    from govmedia.publishing.tests import tampering

    old_key = seal.load_private_key(own_key_file)
    published_item(people, title="轮换前发布的通知")
    call_command("archive", "rotate-key", "--reason", "密钥疑似泄露")
    published_item(people, title="轮换后发布的通知")
    retired = SealKey.objects.get(key_id=seal.key_id(old_key.public_key()))
    assert retired.retired_at is not None

    # Whoever kept the leaked retired key re-signs the newer record with it,
    # dated after the retirement: the signature verifies against the keyring,
    # but not the key's period.
    tampering.sql(
        f"UPDATE {tampering.RECORDS} SET sealed_at = %s WHERE seq = 2",
        [retired.retired_at + timedelta(days=1)],
    )
    forged = tampering.rehash(tampering.row(2), tampering.row(1)["record_hash"], old_key)
    tampering.write(2, forged)
    assert seal.record_problem(tampering.row(2), keyring.public_keys()) is None

    monkeypatch.setattr(tlog, "PARALLEL_THRESHOLD", 0)
    report = transparency.verify_log(workers=workers)
    assert report.first_bad_seq == 2
    assert any(p.seq == 2 and "outside the validity period" in p.reason for p in report.problems), (
        report.problems
    )

    with pytest.raises(CommandError):
        call_command("archive", "verify", "--quiet")
    assert "outside the validity period" in capsys.readouterr().err
