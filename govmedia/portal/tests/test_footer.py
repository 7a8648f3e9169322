"""The footer says who runs the site as the admin's site settings say it, and invents nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Site

from govmedia.portal.models import PortalSettings

pytestmark = pytest.mark.django_db

LABELS = ("主办单位", "承办单位", "联系电话", "电子邮箱", "网站标识码", "党政机关网站标识")


def png_bytes() -> bytes:
    """A small PNG, standing in for the 党政机关网站标识 image."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 60), "#b3261e").save(buffer, "PNG")
    return buffer.getvalue()


def _footer(text: str) -> str:
    return text[text.index('<footer class="site-footer">') :]


def test_it_shows_no_registration_or_contact_until_the_admin_fills_them_in(client, people):
    footer = _footer(client.get("/").text)

    for label in LABELS:
        assert label not in footer
    assert "ICP" not in footer and "备案" not in footer
    assert "网站地图" in footer
    # A page view reads the settings; it never creates their row.
    assert not PortalSettings.objects.exists()


def test_it_shows_every_field_the_admin_filled_in_with_its_link(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = Image.objects.create(
        title="标识", file=ImageFile(io.BytesIO(png_bytes()), name="mark.png")
    )
    PortalSettings.objects.create(
        site=Site.objects.get(is_default_site=True),
        sponsor="示例市人民政府办公室",
        organizer="示例市大数据中心",
        phone="0000-1234567",
        address="示例市示例路1号",
        email="office@example.invalid",
        site_code="1234567890",
        icp_number="示ICP备00000001号",
        icp_url="https://icp.example.invalid/",
        police_number="示公网安备00000000000001号",
        police_url="https://police.example.invalid/",
        gov_mark_image=image,
        gov_mark_url="https://mark.example.invalid/",
    )

    footer = _footer(client.get("/xxgk/").text)

    assert "主办单位：示例市人民政府办公室" in footer
    assert "承办单位：示例市大数据中心" in footer
    assert "联系电话：0000-1234567" in footer and "地址：示例市示例路1号" in footer
    assert '<a href="mailto:office@example.invalid">office@example.invalid</a>' in footer
    assert "网站标识码：1234567890" in footer
    assert '<a href="https://icp.example.invalid/">示ICP备00000001号</a>' in footer
    assert '<a href="https://police.example.invalid/">示公网安备00000000000001号</a>' in footer
    assert '<a class="gov-mark" href="https://mark.example.invalid/"><img' in footer
    assert 'alt="党政机关网站标识"' in footer


def test_it_shows_a_number_without_a_link_when_no_link_is_given(client, people):
    PortalSettings.objects.create(
        site=Site.objects.get(is_default_site=True), icp_number="示ICP备00000001号"
    )

    footer = _footer(client.get("/").text)

    assert "示ICP备00000001号" in footer and "示ICP备00000001号</a>" not in footer
    assert "主办单位" not in footer


def test_it_offers_the_footer_fields_in_the_admins_settings(admin_client):
    response = admin_client.get("/admin/settings/portal/portalsettings/")
    if response.status_code == 302:
        response = admin_client.get(response["Location"])

    assert response.status_code == 200
    for label in ("主办单位", "承办单位", "联系电话", "联系地址", "电子邮箱", "网站标识码"):
        assert label in response.text
    for label in ("ICP备案号", "公安机关备案号", "党政机关网站标识图片"):
        assert label in response.text


def test_it_shows_a_saved_change_on_the_next_request_with_the_page_cache_on(
    client, people, page_cache
):
    assert "主办单位" not in _footer(client.get("/").text)  # now cached
    info = PortalSettings(site=Site.objects.get(is_default_site=True))
    info.sponsor = "示例市人民政府办公室"
    info.save()

    assert "主办单位：示例市人民政府办公室" in _footer(client.get("/").text)
