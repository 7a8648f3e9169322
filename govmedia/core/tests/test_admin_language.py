"""The admin's language, name and avatars through HTTP (the browser walk is in
test_browser_admin_language.py; these run in every quick suite)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, Page, Workflow

from govmedia.devtools.testing import PASSWORD


def _log_in(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
def test_it_shows_the_log_in_page_in_chinese_with_our_name_to_an_english_browser(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "政务新媒体运营与监管平台" in html
    assert "密码" in html
    assert "Password" not in html
    assert "Wagtail" not in html


@pytest.mark.django_db
def test_it_loads_no_avatar_from_gravatar(client, people):
    people.editor.email = "editor@example.gov.cn"
    people.editor.save(update_fields=["email"])
    _log_in(client, people.editor)
    html = client.get("/admin/").content.decode()
    assert "gravatar" not in html
    assert "政务新媒体运营与监管平台</title>" in html


@pytest.mark.django_db
def test_it_marks_departments_in_use_with_yes_not_true(client, people):
    _log_in(client, people.admin)
    html = client.get("/admin/orgs/departments/").content.decode()
    # The tick's text for screen readers, one per department.
    assert html.count('<span class="w-sr-only">\n            是\n        </span>') == 3
    assert "True" not in html


@pytest.mark.django_db
def test_it_serves_the_admin_scripts_our_translations_of_what_wagtail_lacks(client, people):
    _log_in(client, people.editor)
    raw = client.get("/admin/jsi18n/").content.decode()
    # The catalogue writes non-ASCII as \uXXXX escapes (and escapes "/" too, which
    # "unicode_escape" decoding warns about): undo only the former.
    catalog = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), raw)
    assert "正在自动保存" in catalog


@pytest.mark.django_db
def test_it_names_wagtails_initial_data_in_chinese():
    assert Page.get_first_root_node().title == "根页面"
    assert Collection.get_first_root_node().name == "全部文件"
    assert set(Group.objects.values_list("name", flat=True)) >= {"默认编辑组", "默认审核组"}
    assert Workflow.objects.filter(name="默认审核流程").exists()


def test_it_names_the_final_sign_off_button_in_plain_chinese():
    # Wagtail labels the last step's approve button "%(label)s and Publish",
    # which its own catalogue renders "签发 和发布".
    from django.utils import translation

    with translation.override("zh-hans"):
        label = translation.gettext("%(label)s and Publish") % {"label": "签发"}
    assert label == "签发（同时发布）"
