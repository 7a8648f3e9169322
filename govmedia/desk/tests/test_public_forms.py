"""The public forms through HTTP: what a person filling them in sees."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govmedia.desk.models import Attachment, Kind, Message
from govmedia.desk.tests.public_helpers import ORG_CODE, consult_data, disclosure_data, publish_item

pytestmark = pytest.mark.django_db

CONSULT = reverse("desk:submit", args=["zixun"])
DISCLOSURE = reverse("desk:submit", args=["yisqgk"])


@pytest.mark.parametrize("slug", ["zixun", "tousu", "jianyi", "qiuzhu", "zhaocuo", "yisqgk"])
def test_it_shows_a_form_for_every_kind(client, slug):
    response = client.get(reverse("desk:submit", args=[slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="token"' in html and 'type="file"' in html
    assert 'for="id_title"' in html  # every field has its label


def test_it_files_a_consultation_and_shows_the_number_and_code_once(client):
    response = client.post(CONSULT, consult_data())
    assert response.status_code == 200
    message = Message.objects.get()
    html = response.content.decode()
    assert message.number in html
    code = response.context["code"]
    assert code in html and message.check_query_code(code)
    assert "请务必抄写或截图保存查询码" in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert message.kind == Kind.CONSULT and message.wants_public


def test_it_keeps_every_typed_value_and_names_each_missing_field_in_chinese(client):
    data = disclosure_data(name="", address="", title="")
    response = client.post(DISCLOSURE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写“姓名或名称”。" in html
    assert "请填写“通信地址”。" in html
    assert "请填写“所需政府信息的名称”。" in html
    assert "提交未成功" in html and "您已填写的内容都已保留" in html
    for field in ("id_number", "phone", "email", "body"):
        assert data[field] in html
    assert Message.objects.count() == 0


def test_it_checks_the_id_number_and_the_organisation_code(client):
    response = client.post(DISCLOSURE, disclosure_data(id_number="110105194912310021"))
    assert "校验码有误" in response.content.decode()
    response = client.post(
        DISCLOSURE,
        disclosure_data(applicant_type="organisation", id_number="11000000MB00000028"),
    )
    html = response.content.decode()
    assert "校验码不正确" in html and "请填写联系人" in html and "请选择单位类型" in html
    response = client.post(
        DISCLOSURE,
        disclosure_data(
            applicant_type="organisation",
            id_number=ORG_CODE,
            contact_person="王经办",
            organisation_kind="research",
        ),
    )
    assert response.status_code == 200
    message = Message.objects.get()
    assert (message.kind, message.applicant_type, message.id_number) == (
        Kind.DISCLOSURE,
        "organisation",
        ORG_CODE,
    )
    assert message.organisation_kind == "research"  # 科研机构 in the annual report
    assert message.delivery_way == "email" and not message.wants_public


def test_it_refuses_an_oversized_attachment_and_keeps_the_text(client, settings):
    settings.GOVMEDIA_DESK_MAX_FILE_MB = 1
    big = SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    data = consult_data(attachments=big)
    response = client.post(CONSULT, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "超过每个文件 1 MB 的限制" in html
    assert data["body"] in html and "附件需要重新选择" in html
    assert Message.objects.count() == 0


def test_it_refuses_a_file_of_another_type_or_a_renamed_one(client):
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00")
    response = client.post(CONSULT, consult_data(attachments=exe))
    assert "格式不在允许范围内" in response.content.decode()
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(CONSULT, consult_data(attachments=fake))
    assert "内容与其扩展名 .pdf 不符" in response.content.decode()
    assert Message.objects.count() == 0


def test_it_stores_allowed_attachments(client):
    files = [
        SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png"),
        SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n%%EOF", "application/pdf"),
    ]
    response = client.post(CONSULT, consult_data(attachments=files))
    assert response.status_code == 200
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["照片.png", "说明.pdf"]


def test_it_refuses_a_body_over_the_total_limit_with_a_chinese_page(client, settings):
    settings.GOVMEDIA_DESK_MAX_FILE_MB = 1
    settings.GOVMEDIA_DESK_MAX_FILES = 1
    big = SimpleUploadedFile("材料.pdf", b"%PDF" + b"0" * (3 * 1024 * 1024))
    response = client.post(CONSULT, consult_data(attachments=big))
    assert response.status_code == 413
    assert "附件过大" in response.content.decode()


def test_it_stores_a_script_as_text_and_shows_it_escaped(client):
    script = "<script>alert('x')</script>"
    response = client.post(CONSULT, consult_data(title=f"标题{script}", body=f"内容{script}"))
    message = Message.objects.get()
    assert script in message.title and script in message.body
    html = response.content.decode()
    assert "<script>alert" not in html
    # Shown again with an error, still escaped.
    response = client.post(CONSULT, consult_data(body=f"内容{script}", name=""))
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_a_resend_of_the_same_form_files_one_message_with_the_same_code(client):
    data = consult_data()
    first = client.post(CONSULT, data)
    second = client.post(CONSULT, data)
    assert Message.objects.count() == 1
    assert first.context["code"] == second.context["code"]
    assert second.context["message"].number == first.context["message"].number


def test_a_flood_from_one_address_is_refused_with_429_and_the_text_kept(client, settings):
    settings.GOVMEDIA_DESK_IP_MAX = 3
    for n in range(3):
        response = client.post(CONSULT, consult_data(phone=f"1381234567{n}", email=""))
        assert response.status_code == 200
    data = consult_data(body="第四件留言的内容，一个字都不能丢。", phone="13812345670", email="")
    response = client.post(CONSULT, data)
    assert response.status_code == 429
    html = response.content.decode()
    assert "提交过于频繁" in html and "您填写的内容已保留" in html
    assert data["body"] in html and data["title"] in html
    assert int(response["Retry-After"]) == settings.GOVMEDIA_DESK_IP_WINDOW_SECONDS
    assert Message.objects.count() == 3
    # Another address is not held back.
    response = client.post(CONSULT, consult_data(), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200


def test_many_messages_from_one_contact_are_refused(client, settings):
    settings.GOVMEDIA_DESK_CONTACT_MAX = 2
    for n in range(2):
        client.post(CONSULT, consult_data(), REMOTE_ADDR=f"10.0.1.{n}")
    response = client.post(CONSULT, consult_data(), REMOTE_ADDR="10.0.1.9")
    assert response.status_code == 429
    assert "同一联系电话或电子邮箱" in response.content.decode()


def test_it_asks_for_a_contact_and_a_mobile_for_sms(client):
    response = client.post(CONSULT, consult_data(phone="", email=""))
    assert "请至少填写联系电话或电子邮箱中的一项" in response.content.decode()
    response = client.post(CONSULT, consult_data(phone="010-12345678", notify_by="sms"))
    assert "短信通知需要填写手机号码" in response.content.decode()


def test_an_error_report_from_an_item_page_names_the_item(client, people):
    item = publish_item(people)
    response = client.get(reverse("desk:submit", args=["zhaocuo"]) + f"?item={item.pk}")
    html = response.content.decode()
    assert item.title in html and f'value="{item.pk}"' in html
    data = consult_data(item=str(item.pk), title=item.title, body="第二段“秋季”写成了“秋记”。")
    response = client.post(reverse("desk:submit", args=["zhaocuo"]), data)
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.item_id == item.pk and message.kind == Kind.ERROR


def test_the_portal_links_to_the_desk(client, people):
    item = publish_item(people)
    html = client.get(item.url).content.decode()
    assert "对本信息提问或纠错" in html
    assert f"/hudong/xiexin/zhaocuo/?item={item.pk}" in html
    home = client.get("/").content.decode()
    assert "/hudong/xiexin/yisqgk/" in home and "/hudong/" in home


def test_an_unknown_kind_is_404(client):
    assert client.get("/hudong/xiexin/nothing/").status_code == 404


def test_spam_gets_the_same_receipt_and_goes_to_moderation(client):
    from govmedia.checks.models import WordListEntry
    from govmedia.desk.models import Status

    WordListEntry.objects.create(
        term="办证刻章", category="sensitive", subcategory="违法广告", severity="blocking"
    )
    response = client.post(CONSULT, consult_data(title="专业办证刻章", body="办证刻章，加微信"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "提交成功" in html and response.context["code"] in html
    assert "审核" not in html and "办证刻章" not in html
    message = Message.objects.get()
    assert message.status == Status.MODERATION
    html = client.post(
        reverse("desk:track"), {"number": message.number, "code": response.context["code"]}
    ).content.decode()
    assert "已收到" in html and "待审核" not in html and "内容检查命中" not in html


def test_an_expired_page_keeps_every_typed_value_and_files_nothing(people):
    # A form posted without a valid CSRF cookie (the page stayed open too long, or
    # cookies are off): Django's own 403 page would lose the text.
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    data = disclosure_data(csrfmiddlewaretoken="stale")
    response = browser.post(DISCLOSURE, data)

    assert response.status_code == 403
    html = response.content.decode()
    assert "本次未能提交。您填写的内容已保留在下方" in html
    for field in ("name", "id_number", "phone", "email", "title", "body"):
        assert data[field] in html, field
    assert data["token"] not in html  # a fresh token: a planted page cannot choose the code
    assert Message.objects.count() == 0

    # Submitted again from that page, with its fresh token and cookie, it is filed.
    token = browser.cookies["csrftoken"].value  # set by the page that kept the text
    resent = dict(data, csrfmiddlewaretoken=token, token=response.context["form"].initial["token"])
    assert browser.post(DISCLOSURE, resent).status_code == 200
    assert Message.objects.count() == 1


def test_the_admin_gets_a_plain_chinese_refusal_for_a_failed_csrf_check():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "本次未能提交" not in page  # nothing typed is echoed back in the admin
    assert "提交未成功：页面已失效" in page and "什么也没有保存" in page
    assert "DEBUG" not in page and "CSRF" not in page
    assert 'href="/admin/login/?next=/admin/"' in page
