"""Attachments: a wrong file type or an oversized file is refused with a clear message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document

pytestmark = pytest.mark.django_db


def _upload(client, name: str, content: bytes):
    from wagtail.models import Collection

    collection = Collection.objects.get(name="示例市教育局")
    return client.post(
        "/admin/documents/add/",
        {"title": "附件", "file": SimpleUploadedFile(name, content), "collection": collection.pk},
    )


def test_it_lets_an_editor_attach_a_pdf(people, client):
    client.force_login(people.editor)
    response = _upload(client, "通知.pdf", b"%PDF-1.4 minimal")
    assert response.status_code == 302
    assert Document.objects.filter(title="附件").exists()


def test_it_refuses_an_executable_and_keeps_the_title(people, client):
    client.force_login(people.editor)
    response = _upload(client, "setup.exe", b"MZ\x90\x00")
    page = response.content.decode()
    assert response.status_code == 200
    assert "exe" in page and "附件" in page
    assert not Document.objects.exists()


def test_it_refuses_a_file_over_the_limit(people, client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    client.force_login(people.editor)
    response = _upload(client, "大文件.pdf", b"%PDF" + b"0" * 2048)
    assert response.status_code == 200
    assert not Document.objects.exists()
    assert "1.0 KB" in response.content.decode() or "1.0 KB" in response.content.decode().replace(
        "\xa0", " "
    )


def test_it_sends_an_expired_session_to_the_login_page_and_back(people, client):
    client.force_login(people.editor)
    client.session.flush()
    client.cookies.clear()
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/pages/")
