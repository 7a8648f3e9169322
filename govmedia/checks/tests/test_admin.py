from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from govmedia.checks.models import Official, WordListEntry

pytestmark = pytest.mark.django_db


def test_it_lists_word_entries_and_officials_in_the_admin(admin_client):
    WordListEntry.objects.create(term="示例甲词", category="typo", severity="warning")
    Official.objects.create(name="张示例", title="副市长")
    assert "示例甲词" in admin_client.get(reverse("checks_words:index")).content.decode()
    assert "张示例" in admin_client.get(reverse("checks_officials:index")).content.decode()
    assert admin_client.get(reverse("checks_findings:index")).status_code == 200


def test_it_records_who_changed_an_entry(admin_client, people):
    response = admin_client.post(
        reverse("checks_words:add"),
        {"term": "示例乙词", "category": "typo", "severity": "warning", "enabled": "on"},
    )
    assert response.status_code == 302
    assert WordListEntry.objects.get().updated_by == people.admin


def test_it_imports_an_uploaded_list_and_shows_bad_rows(admin_client):
    upload = SimpleUploadedFile("词库.txt", "示例甲词\ttypo\t\t示例\n字\ttypo\n".encode())
    response = admin_client.post(reverse("checks_import"), {"file": upload, "category": ""})
    body = response.content.decode()
    assert "新增 1 条" in body
    assert "shorter than 2" in body
    assert WordListEntry.objects.get().source == "词库.txt"


def test_it_refuses_the_import_page_to_people_without_permission(client):
    user = get_user_model().objects.create_user("plain", password="pw-12345")
    client.force_login(user)
    assert client.get(reverse("checks_import")).status_code in (302, 403)


def test_it_refuses_a_word_list_above_the_import_limit_it_names(admin_client, settings):
    settings.GOVMEDIA_MAX_IMPORT_MB = 1
    big = ("示例甲词\ttypo\n" * 80_000).encode()  # about 1.4 MB
    response = admin_client.post(
        reverse("checks_import"), {"file": SimpleUploadedFile("词库.txt", big), "category": ""}
    )
    assert "文件超过 1 MB，请拆分后导入。" in response.content.decode()
    assert not WordListEntry.objects.exists()
