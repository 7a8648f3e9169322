"""Attachments are downloaded by the item's rule, and a published attachment's file never changes."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document

from govmedia.publishing import actions
from govmedia.publishing.access import department_collection
from govmedia.publishing.attachments import (
    SealedFileError,
    check_documents_served_through_the_rule,
)
from govmedia.publishing.models import ItemAttachment, ItemPage
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db

ORIGINAL = b"%PDF-1.4 original attachment"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _document(department, title: str = "实施方案") -> Document:
    document = Document(title=title, collection=department_collection(department))
    document.file.save("实施方案.pdf", ContentFile(ORIGINAL), save=False)
    document.save()
    return document


def _draft_with(people, document: Document) -> ItemPage:
    item = draft_item(people.education, people.editor)
    item.attachments = [ItemAttachment(document=document, title="附件一")]
    item.save_revision(user=people.editor)
    # Creating a page writes its child rows; later drafts keep them in the revision only.
    ItemAttachment.objects.get_or_create(page=item, document=document)
    return ItemPage.objects.get(pk=item.pk)


def _publish(people, item: ItemPage) -> ItemPage:
    actions.do_submit_item(people.editor, item)
    actions.do_workflow_action(people.reviewer, item, "approve", content_ok=True, secrecy_ok=True)
    actions.do_workflow_action(people.approver, item, "approve")
    return ItemPage.objects.get(pk=item.pk)


def _download(client, document: Document, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(f"/documents/{document.pk}/{document.filename}")


# ---------------------------------------------------------------- downloads


def test_it_keeps_a_drafts_attachment_from_the_public_and_other_departments(people, client):
    document = _document(people.education)
    _draft_with(people, document)

    assert _download(client, document).status_code == 404
    assert _download(client, document, people.other_editor).status_code == 404


def test_it_lets_the_departments_staff_and_the_supervisor_open_a_drafts_attachment(people, client):
    document = _document(people.education)
    _draft_with(people, document)

    for user in (people.editor, people.reviewer, people.supervisor):
        response = _download(client, document, user)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == ORIGINAL


def test_it_serves_a_published_items_attachment_to_everyone(people, client):
    document = _document(people.education)
    _publish(people, _draft_with(people, document))

    response = _download(client, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ORIGINAL


def test_it_answers_gone_for_a_withdrawn_items_attachment_but_still_serves_its_department(
    people, client
):
    document = _document(people.education)
    item = _publish(people, _draft_with(people, document))
    actions.do_withdraw_item(people.approver, item, "含有公民个人身份证号码")

    response = _download(client, document)
    assert response.status_code == 410
    assert "已经撤稿" in response.content.decode()
    assert _download(client, document, people.other_editor).status_code == 410
    assert _download(client, document, people.editor).status_code == 200


def test_it_serves_an_unattached_document_only_to_staff_of_its_collection(people, client):
    document = _document(people.education)

    assert _download(client, document).status_code == 404
    assert _download(client, document, people.other_editor).status_code == 404
    assert _download(client, document, people.editor).status_code == 200


def test_it_does_not_serve_documents_from_their_storage_address(people, client):
    document = _document(people.education)

    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_it_refuses_to_start_with_a_serve_method_that_skips_the_rule(settings):
    assert check_documents_served_through_the_rule(None) == []
    settings.WAGTAILDOCS_SERVE_METHOD = "direct"
    assert [e.id for e in check_documents_served_through_the_rule(None)] == ["govmedia.E101"]


# ---------------------------------------------------------------- replacing the file


def _replace_in_admin(client, user, document: Document):
    client.force_login(user)
    return client.post(
        f"/admin/documents/edit/{document.pk}/",
        {
            "title": document.title,
            "collection": document.collection_id,
            "file": SimpleUploadedFile("实施方案.pdf", b"%PDF-1.4 swapped"),
        },
    )


def test_it_refuses_replacing_a_published_attachment_in_the_documents_admin(people, client):
    document = _document(people.education)
    _publish(people, _draft_with(people, document))

    response = _replace_in_admin(client, people.editor, document)

    assert response.status_code == 200
    assert "不能直接替换" in response.content.decode()
    assert "更正" in response.content.decode()
    client.logout()
    assert b"".join(_download(client, document).streaming_content) == ORIGINAL


def test_it_lets_an_editor_replace_a_drafts_attachment(people, client):
    document = _document(people.education)
    _draft_with(people, document)

    response = _replace_in_admin(client, people.editor, document)

    assert response.status_code == 302
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 swapped"


def test_it_refuses_replacing_a_published_attachment_on_any_save(people):
    document = _document(people.education)
    _publish(people, _draft_with(people, document))

    document.file = ContentFile(b"%PDF-1.4 swapped", name="换过的.pdf")
    with pytest.raises(SealedFileError):
        document.save()


def test_it_keeps_the_file_a_correction_dropped_as_the_archive_names_it(people, client):
    document = _document(people.education)
    item = _publish(people, _draft_with(people, document))
    item.attachments = []
    item.correction_note = "删除有误的附件"
    item.save_revision(user=people.editor)
    item = _publish(people, ItemPage.objects.get(pk=item.pk))
    assert not ItemAttachment.objects.filter(document=document).exists()

    response = _replace_in_admin(client, people.editor, document)

    assert response.status_code == 200
    assert "不能直接替换" in response.content.decode()
