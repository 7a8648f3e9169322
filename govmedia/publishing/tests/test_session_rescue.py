"""An expired session during editing loses nothing: kept, announced, restored after logging in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from govmedia.core.models import KeptForm
from govmedia.devtools.testing import PASSWORD
from govmedia.publishing.models import ItemPage
from govmedia.publishing.tests.adminforms import form_data
from govmedia.publishing.tests.factories import draft_item, published_item

pytestmark = pytest.mark.django_db

NEW_TITLE = "关于做好2026年秋季学期开学准备工作的补充通知"


def _log_in(client, user, next_url: str = "") -> object:
    url = reverse("wagtailadmin_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": PASSWORD, "next": next_url})


def _expire_sessions() -> None:
    # What logging out in another tab, or the session timing out, leaves behind.
    Session.objects.all().delete()


def _edit_form_with_new_title(client, item) -> dict:
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[item.pk]))
    assert edit.status_code == 200
    data = form_data(edit.content.decode())
    data["title"] = [NEW_TITLE]
    return data


def test_it_keeps_a_draft_saved_after_the_session_expired_and_restores_it(people, client):
    item = draft_item(people.education, people.editor)
    _log_in(client, people.editor)
    data = _edit_form_with_new_title(client, item)
    _expire_sessions()

    # 保存草稿 with the session gone: the text is kept and the person is told so.
    response = client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), data, follow=True)
    assert response.request["PATH_INFO"] == reverse("wagtailadmin_login")
    page = response.content.decode()
    assert "登录已过期" in page and "没有丢失" in page
    kept = KeptForm.objects.get()
    assert kept.user == people.editor
    assert ItemPage.objects.get(pk=item.pk).get_latest_revision_as_object().title != NEW_TITLE

    # Logging in again leads to the kept page, which shows the text and re-posts it.
    response = _log_in(client, people.editor, reverse("govmedia_kept_form", args=[kept.pk]))
    assert response.status_code == 302
    kept_page = client.get(response["Location"])
    assert kept_page.status_code == 200
    assert NEW_TITLE in kept_page.content.decode()
    restore = form_data(kept_page.content.decode(), form_id="govmedia-kept-restore")
    response = client.post(kept.path, restore)
    assert response.status_code == 302
    assert ItemPage.objects.get(pk=item.pk).get_latest_revision_as_object().title == NEW_TITLE
    assert not KeptForm.objects.exists()


def test_it_shows_a_kept_form_to_its_author_only(people, client):
    item = draft_item(people.education, people.editor)
    _log_in(client, people.editor)
    data = _edit_form_with_new_title(client, item)
    _expire_sessions()
    client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), data)
    kept = KeptForm.objects.get()

    # Another person logging in on the same browser sees nothing of it.
    _log_in(client, people.other_editor)
    assert client.get(reverse("govmedia_kept_form", args=[kept.pk])).status_code == 404
    assert NEW_TITLE not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.post(reverse("govmedia_discard_kept_form", args=[kept.pk])).status_code == 404
    assert KeptForm.objects.filter(pk=kept.pk).exists()

    # Its author finds it on the dashboard too, and may discard it.
    _log_in(client, people.editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "登录过期时暂存的内容" in home
    client.post(reverse("govmedia_discard_kept_form", args=[kept.pk]))
    assert not KeptForm.objects.exists()


def test_it_lets_kept_forms_expire(people, client):
    item = draft_item(people.education, people.editor)
    _log_in(client, people.editor)
    data = _edit_form_with_new_title(client, item)
    _expire_sessions()
    client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), data)
    kept = KeptForm.objects.get()
    KeptForm.objects.filter(pk=kept.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    _log_in(client, people.editor)
    assert client.get(reverse("govmedia_kept_form", args=[kept.pk])).status_code == 404
    assert not KeptForm.objects.exists()


def test_it_keeps_the_withdrawal_reason_typed_after_the_session_expired(people, client):
    item = published_item(people)
    url = reverse("publishing_withdraw", args=[item.pk])
    _log_in(client, people.approver)
    assert client.get(url).status_code == 200
    _expire_sessions()
    client.post(url, {"reason": "文中联系电话有误，核实后重新发布。"})
    kept = KeptForm.objects.get()
    assert kept.user == people.approver and kept.path == url

    _log_in(client, people.approver)
    page = client.get(reverse("govmedia_kept_form", args=[kept.pk])).content.decode()
    assert "文中联系电话有误，核实后重新发布。" in page
    assert f'action="{url}"' in page


def test_it_keeps_nothing_from_a_browser_that_never_logged_in(people, client):
    item = draft_item(people.education, people.editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[item.pk]), {"title": "来路不明的内容"}
    )
    assert response.status_code == 302
    assert not KeptForm.objects.exists()


def test_it_keeps_nothing_from_the_background_preview_of_the_editor(people, client):
    item = draft_item(people.education, people.editor)
    _log_in(client, people.editor)
    data = _edit_form_with_new_title(client, item)
    _expire_sessions()
    # The preview panel posts by fetch while the person types; its text is still in the page.
    client.post(
        reverse("wagtailadmin_pages:preview_on_edit", args=[item.pk]),
        data,
        headers={"Sec-Fetch-Mode": "cors"},
    )
    assert not KeptForm.objects.exists()


def test_it_keeps_the_form_when_restoring_it_did_not_save(people, client):
    item = draft_item(people.education, people.editor)
    _log_in(client, people.editor)
    data = _edit_form_with_new_title(client, item)
    data["title"] = [""]  # the editor refuses it: the title is required
    _expire_sessions()
    client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), data)
    kept = KeptForm.objects.get()

    _log_in(client, people.editor)
    page = client.get(reverse("govmedia_kept_form", args=[kept.pk])).content.decode()
    response = client.post(kept.path, form_data(page, form_id="govmedia-kept-restore"))
    assert response.status_code == 200  # the form again, with its error
    assert KeptForm.objects.filter(pk=kept.pk).exists()


def test_it_keeps_nothing_when_nothing_was_typed(people, client):
    _log_in(client, people.editor)
    client.get(reverse("wagtailadmin_home"))
    _expire_sessions()
    # Logging out in a tab whose session had already gone posts only the CSRF token.
    response = client.post(reverse("wagtailadmin_logout"), follow=True)
    assert response.status_code == 200
    assert not KeptForm.objects.exists()
    assert "没有丢失" not in response.content.decode()


def test_the_kept_page_shows_the_name_typed_in_a_snippet_form():
    # E.g. a new 数据供应商: without it the kept page listed nothing of what was typed.
    from govmedia.core import rescue

    kept = KeptForm(
        fields=[["name", "舆情测试供应商乙"], ["departments", "3"]],
        path="/admin/opinion/vendors/new/",
    )
    assert ("名称", "舆情测试供应商乙") in rescue.summary(kept)
