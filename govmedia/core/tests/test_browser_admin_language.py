"""The admin as its people meet it, in a real browser: Chinese throughout, our
own name, and nothing fetched from any other host.

The walk follows every menu entry each person has (read from the sidebar the
admin itself renders), plus the pages reached by working: a create form with
a validation error, an edit with autosave, an item awaiting review, the
account page. On each page the visible text and the visible elements' title,
placeholder, aria-label and alt are searched for Latin words.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from govmedia.devtools.testing import PASSWORD, make_people
from govmedia.publishing import actions
from govmedia.publishing.models import DepartmentIndexPage
from govmedia.publishing.tests.factories import draft_item

# Latin words allowed on an admin page: product and format names an official
# reads in Latin letters in Chinese software too. Everything else is a
# translation gap.
ALLOWED_WORDS = {
    "Excel",  # the spreadsheet program the import pages name
    "xlsx",  # file formats the import pages accept
    "csv",
    "tsv",
    "PDF",  # the inspection report's download (下载 PDF)
    "Word",  # the annual report's download (导出 Word), as Excel above
    "txt",
    "UTF",  # text encodings the import pages accept (UTF-8, GBK)
    "GBK",
    "RSS",  # feed formats, named so on the portal's feed links
    "Atom",
    "ID",  # column names of the platforms' exports the reach import reads (微博ID, mid)
    "mid",
    "ICP",  # ICP备案号, the official name of a website's filing number (footer settings)
}
# Words of letters only: a token with digits is a code (an organisation code,
# a key id such as c126643aca5122ad), not a word a person reads.
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])")
# Sizes like "20 MB" and "1920x1080" are units, not words.
UNITS = {"KB", "MB", "GB", "px", "x"}

VISIBLE_TEXT = """() => {
    // Commands in <code> are typed as written (`govmedia worker`), not read as prose.
    let body = document.body.innerText;
    for (const code of document.querySelectorAll('code, kbd')) {
        if (code.innerText) body = body.replaceAll(code.innerText, ' ');
    }
    const parts = [document.title, body];
    for (const element of document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
        if (!element.checkVisibility({visibilityProperty: true})) continue;
        for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
            const value = element.getAttribute(name);
            if (value) parts.push(value);
        }
    }
    return parts.join('\\n');
}"""

# The menu is rendered by the admin's React sidebar from JSON in the page.
MENU_URLS = """() => {
    const props = document.getElementById('wagtail-sidebar-props');
    return props ? props.textContent : '';
}"""

WIDTHS = (1280, 390)


def _english_words(text: str, data: set[str]) -> dict[str, str]:
    """Each Latin word outside the allow list, with the line it stands in."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    found: dict[str, str] = {}
    for line in text.splitlines():
        for word in LATIN_WORD.findall(line):
            if word not in ALLOWED_WORDS | UNITS:
                found.setdefault(word, line.strip()[:120])
    return found


class Walk:
    """Visits pages as one person, collecting English words and foreign requests."""

    def __init__(self, page, base: str, data: set[str]) -> None:
        self.page, self.base, self.data = page, base, data
        self.english: dict[str, dict[str, str]] = {}
        self.foreign: set[str] = set()
        own = urlsplit(base).netloc
        self.failed: list[str] = []
        page.on("request", lambda request: self._request(request.url, own))
        page.on("response", self._response)

    def _response(self, response) -> None:
        # A POST may answer 400 by design (autosave of an invalid form returns its errors).
        if response.status >= 400 and response.request.method == "GET":
            self.failed.append(f"{response.status} {response.url}")

    def _request(self, url: str, own: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if parts.netloc != own:
            self.foreign.add(url)

    def log_in(self, user, label: str) -> None:
        def fill_and_submit():
            self.page.context.clear_cookies()
            self.page.goto(f"{self.base}/admin/login/")
            self.page.fill("#id_username", user.username)
            self.page.fill("#id_password", PASSWORD)
            with self.page.expect_navigation():
                self.page.click("button[type=submit]")

        self.do(label, fill_and_submit)

    def goto(self, path: str) -> None:
        self.do(path, lambda: self.page.goto(f"{self.base}{path}"))

    def do(self, label: str, steps) -> None:
        """Runs `steps` (which load a page), then reads the page.

        The test database is SQLite in memory with a shared cache, where the
        live server's threads can find the session table locked ("database
        table is locked", then 400 or 500) when a page, its icon sprite and its
        translations load at once; like a person, the walk then tries again.
        """
        for _attempt in range(5):
            self.failed.clear()
            steps()
            self.page.wait_for_load_state("networkidle")
            if not self.failed:
                break
            self.page.wait_for_timeout(1000)
        assert not self.failed, f"{label}: {self.failed}"
        self.read(label)

    def read(self, label: str) -> None:
        words = _english_words(self.page.evaluate(VISIBLE_TEXT), self.data)
        if words:
            self.english.setdefault(label, {}).update(words)

    def menu(self) -> list[str]:
        props = self.page.evaluate(MENU_URLS)
        urls = set(re.findall(r'"(/admin/[^"]*)"', props))
        return sorted(url for url in urls if "logout" not in url)

    def shoot(self, folder: Path, name: str) -> None:
        size = self.page.viewport_size
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.wait_for_timeout(300)
            self.page.screenshot(path=str(folder / f"{name}-{width}.png"))
        self.page.set_viewport_size(size)


def _shots_dir(tmp_path: Path) -> Path:
    # Set GOVMEDIA_SCREENSHOTS to keep the pictures for a person to look at.
    folder = Path(os.environ.get("GOVMEDIA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _media(people) -> None:
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    Image.objects.create(
        title="校园安全检查现场", file=ImageFile(ContentFile(_tiny_png()), name="xiaoyuan.png")
    )
    Document.objects.create(
        title="安全检查记录表", file=ContentFile(b"%PDF-1.4\n", name="jilubiao.pdf")
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shows_the_admin_in_chinese_with_no_request_to_another_host(
    live_server, browser_page, tmp_path, settings
):
    people = make_people()
    # Staff have e-mail addresses; an avatar service would be sent their hash.
    for user in (people.editor, people.reviewer, people.admin):
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    waiting = draft_item(people.education, people.editor)
    actions.do_submit_item(people.editor, waiting)
    draft = draft_item(people.education, people.editor, title="关于开展冬季消防安全检查的通知")
    _media(people)
    parent = DepartmentIndexPage.objects.get(department=people.education)
    # Log-in names, addresses, file names and the site's host name are data,
    # not interface text.
    everyone = [
        getattr(people, name)
        for name in ("editor", "reviewer", "approver", "other_editor", "supervisor", "admin")
    ]
    data = {f"{user.username}@example.gov.cn" for user in everyone}
    data |= {user.username for user in everyone}
    data |= {"jilubiao.pdf", "xiaoyuan.png", "localhost", "（操作人：test）"}
    shots = _shots_dir(tmp_path)
    walk = Walk(browser_page, live_server.url, data)
    page = browser_page
    # A browser set to English still gets Chinese: the installation has one language.
    page.context.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})

    walk.goto("/admin/login/")
    # Our name, not Wagtail's (the word check below also finds "Wagtail" anywhere).
    assert "政务新媒体运营与监管平台" in page.title()
    assert settings.WAGTAIL_SITE_NAME in page.locator("h1").inner_text()
    walk.shoot(shots, "login")

    # The editor: every menu entry, then the pages reached by working.
    walk.log_in(people.editor, "/admin/ (editor)")
    walk.shoot(shots, "dashboard")
    for url in walk.menu():
        walk.goto(url)
    walk.goto(f"/admin/pages/{parent.pk}/")
    walk.goto("/admin/pages/search/?q=通知")
    walk.goto("/admin/account/")

    def submit_empty_form():
        page.goto(f"{live_server.url}/admin/pages/add/publishing/itempage/{parent.pk}/")
        with page.expect_navigation():
            page.click("button.action-save")

    walk.do("create form with a validation error", submit_empty_form)
    walk.shoot(shots, "validation-error")

    def change_and_autosave():
        page.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
        page.fill("#id_title", "关于开展冬季消防安全检查的补充通知")
        page.wait_for_timeout(1500)

    walk.do("edit form after autosave", change_and_autosave)
    walk.goto(f"/admin/pages/{waiting.pk}/edit/")

    # The reviewer meets the item awaiting review.
    walk.log_in(people.reviewer, "/admin/ (reviewer)")
    walk.goto(f"/admin/pages/{waiting.pk}/edit/")
    walk.goto("/admin/pages/" + str(parent.pk) + "/")

    # The administrator: every menu entry (departments, people, channels, settings).
    walk.log_in(people.admin, "/admin/ (administrator)")
    for url in walk.menu():
        walk.goto(url)
    walk.goto("/admin/orgs/departments/")
    walk.shoot(shots, "departments")

    # The portal fetches nothing from elsewhere either.
    page.context.clear_cookies()
    walk.goto("/")

    report = json.dumps(
        {label: sorted(set(words.values())) for label, words in walk.english.items()},
        ensure_ascii=False,
        indent=1,
    )
    assert not walk.english, f"English on admin pages:\n{report}"
    assert not walk.foreign, f"Requests to other hosts: {sorted(walk.foreign)}"
