"""The public seal pages: keyring, per-item records, and checking a text or a file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from govmedia.devtools.testing import PASSWORD
from govmedia.publishing import actions, archive, db_guards, keyring
from govmedia.publishing.models import PAYLOAD_VERSION, ArchiveRecord, ItemPage
from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
LEAKED_BODY = f"<p>补贴名单：张三，身份证号{ID_NUMBER}，补贴金额500元。</p>"
COPIED = (
    "各区县教育局：\n现就做好2026年秋季学期开学准备工作通知如下。 请于9月1日前完成校舍安全检查。"
)


def test_it_serves_the_current_key_and_the_whole_keyring_at_stable_addresses(people, client):
    response = client.get("/seal/public-key.pem")
    assert response.status_code == 200
    assert b"BEGIN PUBLIC KEY" in response.content
    assert response["X-Seal-Key-Id"] == keyring.current_key_id()
    keys = client.get("/seal/keys.json").json()
    assert [k["key_id"] for k in keys["keys"]] == [keyring.current_key_id()]
    assert keys["keys"][0]["public_key_pem"] == response.content.decode()


def test_it_confirms_a_text_copied_from_the_page(people, client):
    item = published_item(people)
    response = client.post("/seal/verify/", {"index": item.index_number, "text": COPIED})
    page = response.content.decode()
    assert "核验一致" in page and "档案签名有效" in page


def test_it_reports_a_changed_text_as_not_matching(people, client):
    item = published_item(people)
    response = client.post(
        "/seal/verify/", {"index": item.index_number, "text": "请于10月1日前完成校舍安全检查。"}
    )
    assert "核验不一致" in response.content.decode()


def test_it_says_in_red_when_a_record_s_signature_fails_even_if_the_text_matches(people, client):
    item = published_item(people)
    record = ArchiveRecord.objects.get(page_id=item.pk)
    forged = ("00" if not record.signature.startswith("00") else "11") + record.signature[2:]
    db_guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ArchiveRecord._meta.db_table} SET signature = %s WHERE id = %s",
            [forged, record.pk],
        )

    page = client.post("/seal/verify/", {"index": item.index_number, "text": COPIED}).content
    page = page.decode()
    assert 'class="result result--bad result--alarm"' in page
    assert "档案签名核验失败" in page and f"第 {record.seq} 号记录未通过核验" in page
    assert "核验一致" not in page and "档案签名有效" not in page


def test_it_refuses_a_file_above_the_configured_size(people, client, settings):
    item = published_item(people)
    settings.GOVMEDIA_SEAL_VERIFY_MAX_MB = 1
    upload = SimpleUploadedFile("big.pdf", b"0" * (3 * 1024 * 1024))
    response = client.post("/seal/verify/", {"index": item.index_number, "file": upload})
    assert response.status_code == 413
    assert "文件超过 1 MB，无法核验" in response.content.decode()


def test_it_keeps_what_was_typed_when_the_form_is_incomplete(people, client):
    response = client.post("/seal/verify/", {"index": "", "text": "一段正文"})
    page = response.content.decode()
    assert "一段正文" in page and "请填写要核验信息的索引号" in page


def test_it_serves_the_records_of_an_item_as_json(people, client):
    item = published_item(people)
    response = client.get(f"/seal/records/{item.index_number}.json")
    data = response.json()
    assert data["records"][0]["index_number"] == item.index_number
    assert data["records"][0]["payload"]["body"] == str(item.body)
    assert client.get("/seal/records/NOPE/2026-00001.json").status_code == 404
    # NUL, which PostgreSQL refuses in a query, is no index number either.
    assert client.get("/seal/records/NOPE%00/2026-00001.json").status_code == 404


def test_it_seals_addresses_under_the_site_url_with_a_payload_version(people, settings):
    settings.SITE_URL = "https://www.shili.gov.cn"
    item = published_item(people)
    record = ArchiveRecord.objects.get(page_id=item.pk)
    assert record.payload["url"] == f"https://www.shili.gov.cn{item.url}"
    assert "localhost" not in str(record.payload)
    assert record.payload["payload_version"] == PAYLOAD_VERSION == record.payload_version


def test_records_without_a_payload_version_still_verify(people, capsys):
    from django.core.management import call_command

    item = published_item(people)
    # A record as sealed before payloads carried a version.
    old_style = {k: v for k, v in archive.item_payload(item).items() if k != "payload_version"}
    record = archive.append_record(
        item, "correction", note="旧格式", actor="测试", payload=old_style
    )
    assert record.payload_version == 1
    call_command("archive", "verify", "--quiet")
    assert "OK: 2 record(s) verified" in capsys.readouterr().out


def _withdrawn_leak(people):
    item = draft_item(
        people.education, people.editor, title="关于2026年助学补贴发放名单的公示", body=LEAKED_BODY
    )
    actions.do_submit_item(people.editor, item)
    # How the leak got out: a reviewer let the check's finding through.
    actions.do_workflow_action(people.reviewer, item, "override", comment="名单须公示")
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    actions.do_workflow_action(people.approver, item, "approve")
    item = ItemPage.objects.get(pk=item.pk)
    assert item.live
    actions.do_withdraw_item(people.approver, item, "含有公民身份证号码，依法撤回")
    return item


def test_a_withdrawn_items_public_records_keep_the_seal_but_not_the_text(people, client):
    item = _withdrawn_leak(people)
    response = client.get(f"/seal/records/{item.index_number}.json")
    assert ID_NUMBER not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    records = response.json()["records"]
    assert [r["kind"] for r in records] == ["publish", "withdrawal"]
    for public, stored in zip(records, ArchiveRecord.objects.filter(page_id=item.pk), strict=True):
        assert public["payload_withheld"] == ["summary", "body", "attachments"]
        assert "body" not in public["payload"] and public["payload"]["title"] == item.title
        assert public["record_hash"] == stored.record_hash
        assert public["signature"] == stored.signature
        assert public["payload_sha256"] == stored.payload_sha256

    api = client.get(f"/api/v1/items/{item.index_number}/archive")
    assert api.status_code == 200 and ID_NUMBER not in api.content.decode()


def test_whoever_holds_a_withdrawn_text_can_still_prove_it(people, client):
    item = _withdrawn_leak(people)
    page = client.post(
        "/seal/verify/",
        {
            "index": item.index_number,
            "text": f"补贴名单：张三，身份证号{ID_NUMBER}，补贴金额500元。",
        },
    ).content.decode()
    assert "核验一致" in page and "档案签名有效" in page


@pytest.mark.parametrize(
    ("who", "sees_text"),
    [("approver", True), ("editor", True), ("supervisor", True), ("other_editor", False)],
)
def test_staff_who_may_see_a_withdrawn_item_get_everything(people, client, who, sees_text):
    item = _withdrawn_leak(people)
    client.login(username=getattr(people, who).username, password=PASSWORD)
    content = client.get(f"/seal/records/{item.index_number}.json").content.decode()
    assert (ID_NUMBER in content) is sees_text
