"""Uploaded images are served by the application itself (`govmedia run` has
nothing in front of it); attachments under documents/ never are."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_and_its_rendition_are_served_without_debug(client, settings):
    assert settings.DEBUG is False
    image = Image.objects.create(
        title="考场示意图", file=ImageFile(ContentFile(_png()), name="kaochang.png")
    )
    rendition = image.get_rendition("fill-20x20")

    for url in (image.file.url, rendition.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("image/")
        assert b"".join(response.streaming_content)


def test_attachments_are_never_served_from_media_however_the_path_is_written(client):
    document = Document.objects.create(
        title="内部材料", file=ContentFile(b"%PDF-1.4 draft\n", name="neibu.pdf")
    )
    name = document.file.name  # documents/neibu….pdf
    assert name.startswith("documents/")

    for url in (
        f"/media/{name}",
        f"/media/images/../{name}",
        f"/media/images/%2e%2e/{name}",
        f"/media/./{name}",
    ):
        assert client.get(url).status_code == 404, url
