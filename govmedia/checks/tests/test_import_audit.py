"""A word-list import is an audited action: who imported which file, and what it changed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

pytestmark = pytest.mark.django_db

SITE_HISTORY = "/admin/reports/site-history/"


@pytest.fixture
def importer(admin_client, people):
    return people.admin


def test_it_shows_an_admin_import_in_the_site_history(client, importer):
    upload = SimpleUploadedFile("新词库.txt", "示例甲词\ttypo\t\t示例\n字\ttypo\n".encode())
    client.post(reverse("checks_import"), {"file": upload, "category": ""})

    site = client.get(SITE_HISTORY).content.decode()
    assert "导入词库：0 条 → 1 条（新词库.txt：新增 1 条，更新 0 条，跳过 1 行）" in site
    entry = ModelLogEntry.objects.get(action="govmedia.wordlist_import")
    assert entry.user == importer


def test_it_records_a_command_line_import_as_the_systems(client, importer, tmp_path):
    path = tmp_path / "命令词库.txt"
    path.write_text("示例乙词\ttypo\n示例丙词\ttypo\n", encoding="utf-8")
    call_command("import_wordlist", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    site = client.get(SITE_HISTORY).content.decode()
    assert "导入词库：0 条 → 2 条（命令词库.txt：新增 2 条" in site
    assert ModelLogEntry.objects.get(action="govmedia.wordlist_import").user is None
