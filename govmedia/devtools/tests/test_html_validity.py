"""Every public page type is valid HTML by the Nu HTML Checker (vnu), with zero errors.

The checker is the W3C's own (`vnu-jar` on npm, run with Java). It is fetched at
test time into the ignored `.cache/npm` (govmedia/devtools/npmtools.py). Without
Java or npm the test is skipped on a developer's machine and fails in CI
(CI=true), because CI must show the pages are valid.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Site

from govmedia.devtools.npmtools import NpmToolMissing, npm_package_path
from govmedia.portal.models import AnnualReport, PortalSettings
from govmedia.portal.tests.helpers import publish_item
from govmedia.publishing.access import department_collection
from govmedia.publishing.actions import do_withdraw_item

VNU_VERSION = "26.9.27"
VNU_TIMEOUT_SECONDS = 300


def png_bytes() -> bytes:
    """A small PNG, standing in for the 党政机关网站标识 image."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 60), "#b3261e").save(buffer, "PNG")
    return buffer.getvalue()


def _missing(message: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI must run the HTML validity test")
    pytest.skip(message)


@pytest.fixture
def vnu_jar() -> Path:
    if shutil.which("java") is None:
        _missing("no Java installed for the Nu HTML Checker")
    try:
        package = npm_package_path("vnu-jar", VNU_VERSION)
    except NpmToolMissing as exc:
        _missing(str(exc))
    jar = package / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        pytest.fail(f"vnu-jar {VNU_VERSION} has no {jar.relative_to(package)}")
    return jar


def validate(jar: Path, pages: dict[str, str], directory: Path) -> dict[str, list[str]]:
    """Run vnu once over all pages; page name -> its error messages (line: message [extract])."""
    paths = []
    for name, html in pages.items():
        path = directory / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    command = ["java", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout", *paths]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=VNU_TIMEOUT_SECONDS, check=False
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report: {result.stdout[-2000:]} {result.stderr[-2000:]}")
    errors: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") in {"error", "non-document-error"}:
            # vnu names each file by a file: URL; the page's name is the file's.
            name = PurePosixPath(urlsplit(message.get("url", "")).path).stem or "?"
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine', '?')}: {message.get('message')} "
                f"[{message.get('extract', '').strip()}]"
            )
    return errors


def _fill_footer_settings(people) -> None:
    image = Image.objects.create(
        title="党政机关网站标识", file=ImageFile(io.BytesIO(png_bytes()), name="mark.png")
    )
    PortalSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "sponsor": "示例市人民政府办公室",
            "organizer": "示例市大数据中心",
            "phone": "0000-00000000",
            "address": "示例市示例路1号",
            "email": "office@example.invalid",
            "site_code": "0000000000",
            "icp_number": "示ICP备00000000号",
            "icp_url": "https://example.invalid/icp",
            "police_number": "示公网安备00000000000000号",
            "police_url": "https://example.invalid/police",
            "gov_mark_image": image,
            "gov_mark_url": "https://example.invalid/mark",
        },
    )


def _annual_report(people) -> None:
    document = Document(title="年度报告", collection=department_collection(people.city))
    document.file.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=False)
    document.save()
    AnnualReport.objects.create(
        department=people.city,
        year=2025,
        title="示例市人民政府2025年政府信息公开工作年度报告",
        document=document,
        published_at=timezone.now(),
    )


def public_pages(client, people, monkeypatch) -> dict[str, str]:
    """The HTML of every public page type, with enough content that every part of each shows."""
    import govmedia.portal.views
    import govmedia.publishing.catalogue

    # One item a page, so three items show the pagination with its page numbers.
    monkeypatch.setattr(govmedia.publishing.catalogue, "CATALOGUE_PAGE_SIZE", 1)
    monkeypatch.setattr(govmedia.portal.views, "SEARCH_PAGE_SIZE", 1)
    _fill_footer_settings(people)
    _annual_report(people)
    policy = publish_item(
        people,
        title="示例市招生工作实施办法",
        doc_number="示教发〔2026〕3号",
        is_policy=True,
        body="<p>招生工作按照本办法执行。</p><ul><li>第一条</li></ul>",
    )
    interpretation = publish_item(
        people, title="《示例市招生工作实施办法》政策解读", correction_note="更正了日期。"
    )
    interpretation.interprets.add(policy)
    interpretation.save_revision(user=people.editor).publish(
        user=people.approver, skip_permission_checks=True
    )
    withdrawn = publish_item(people, title="关于招生咨询电话的通知")
    withdrawn_url = withdrawn.url
    do_withdraw_item(people.approver, withdrawn, "电话有误，予以撤回。", category="other")
    publish_item(people, title="关于招生报名时间的通知")
    department = f"/xxgk/{people.education.code_compact.lower()}/"

    def get(url: str, params: dict | None = None, *, status: int = 200) -> str:
        response = client.get(url, params)
        assert response.status_code == status, url
        return response.text

    pages = {
        "home": get("/"),
        "catalogue": get("/xxgk/"),
        "catalogue-filtered": get(
            "/xxgk/", {"category": policy.category_id, "year": policy.publish_date.year, "page": 2}
        ),
        "department": get(department),
        "item-policy": get(policy.url),
        "item-interpretation": get(interpretation.url),
        "withdrawn-410": get(withdrawn_url, status=410),
        "search": get("/search/"),
        "search-results": get("/search/", {"q": "招生", "page": 2}),
        "search-nothing": get("/search/", {"q": "不存在的词语"}),
        "departments": get("/departments/"),
        "annual-reports": get("/annual-reports/"),
        "guide": get("/xxgkzn/"),
        "rules": get("/xxgkzd/"),
        "mandatory": get("/fdzdgknr/"),
        "site-map": get("/site-map/"),
        "verify": get(f"/seal/verify/?index={policy.index_number}"),
        "checkpoints": get("/seal/checkpoints/"),
        "not-found-404": get("/no/such/page/", status=404),
    }
    response = client.post(
        "/seal/verify/", {"index": policy.index_number, "text": "招生工作按照本办法执行。"}
    )
    assert response.status_code == 200
    pages["verify-result"] = response.text
    pages.update(desk_pages(client, policy, get))
    client.cookies["elder"] = "1"
    pages["home-care-mode"] = get("/")
    pages["desk-form-care-mode"] = get("/hudong/xiexin/yisqgk/")
    return pages


def desk_pages(client, item, get) -> dict[str, str]:
    """The citizen desk's public pages: forms (empty and refused), receipt, follow-up, answers."""
    from govmedia.desk.tests.public_helpers import answer, consult_data, disclosure_data, submit

    pages = {
        "desk-index": get("/hudong/"),
        "desk-form-consult": get("/hudong/xiexin/zixun/"),
        "desk-form-error-report": get(f"/hudong/xiexin/zhaocuo/?item={item.pk}"),
        "desk-form-disclosure": get("/hudong/xiexin/yisqgk/"),
        "desk-track": get("/hudong/chaxun/"),
    }
    refused = client.post("/hudong/xiexin/yisqgk/", disclosure_data(name="", address=""))
    assert refused.status_code == 400
    pages["desk-form-refused"] = refused.text
    receipt = client.post("/hudong/xiexin/zixun/", consult_data())
    pages["desk-receipt"] = receipt.text
    message, code = receipt.context["message"], receipt.context["code"]
    answer(message, "今年报名于7月1日开始。")
    pages["desk-track-answered"] = client.post(
        "/hudong/chaxun/", {"number": message.number, "code": code}
    ).text
    pages["desk-track-wrong-code"] = client.post(
        "/hudong/chaxun/", {"number": message.number, "code": "AAAAAAAA"}
    ).text
    answer(submit(title="公交线路调整", item_id=item.pk), "已调整。")
    pages["desk-answers"] = get("/hudong/gongkai/", {"q": "调整"})
    pages["desk-answer"] = get(f"/hudong/gongkai/{message.number}/")
    pages["item-with-answers"] = get(item.url)
    return pages


@pytest.mark.slow
@pytest.mark.django_db
def test_every_public_page_type_has_no_html_errors(
    vnu_jar, client, people, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    pages = public_pages(client, people, monkeypatch)

    errors = validate(vnu_jar, pages, tmp_path)

    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in errors.items())
    assert not errors, f"the Nu HTML Checker found errors:\n{report}"


def test_it_reports_an_invalid_page(vnu_jar, tmp_path):
    # The check itself must be able to fail: a page with a stray end tag and no title.
    page = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><p>x</span></body></html>'

    errors = validate(vnu_jar, {"broken": page}, tmp_path)

    assert list(errors) == ["broken"]
