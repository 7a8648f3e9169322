"""A published annual report's file downloads for everyone; an unpublished one's does not."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from govmedia.portal.models import AnnualReport
from govmedia.publishing.access import department_collection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _report(people, published: bool) -> Document:
    document = Document(title="年度报告", collection=department_collection(people.city))
    document.file.save("2025年度报告.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    document.save()
    AnnualReport.objects.create(
        department=people.city,
        year=2025,
        title="示例市人民政府2025年政府信息公开工作年度报告",
        document=document,
        published_at=timezone.now() if published else None,
    )
    return document


def test_it_lets_anyone_download_a_published_reports_file(client, people):
    document = _report(people, published=True)

    assert "年度报告" in client.get("/annual-reports/").text
    assert client.get(f"/documents/{document.pk}/{document.filename}").status_code == 200


def test_it_keeps_an_unpublished_reports_file_private(client, people):
    document = _report(people, published=False)

    assert client.get(f"/documents/{document.pk}/{document.filename}").status_code == 404
