"""Attachments: who may download one, and why a published one's file never changes.

An item's attachments are Wagtail documents linked by `ItemAttachment` rows.
Those rows hold the *published* state of the item (Wagtail writes child
relations to the table when a revision is published; drafts keep theirs in
the revision), so "attached to a live item" is a plain query.

Download rule, applied by the `before_serve_document` hook on every download
(documents are only ever served through Wagtail's serve view, see `checks`):

- attached to a live item, or published on its own by an app above
  publishing (an annual report's file, through the `is_public_document`
  hook): public;
- otherwise only logged-in staff who may see it: an administrator, whoever
  holds a document permission on its collection (the department's staff), or
  whoever holds any page permission on an item it is attached to (a
  supervisor, the department's reviewers and approvers);
- everyone else gets 410 when every item it belonged to has been withdrawn
  (the public once saw it and should learn that it is gone on purpose) and
  404 otherwise (a draft's attachment is not admitted to exist).

File rule: the file of a document that was ever published, as an attachment
of a published item or as bytes sealed in the archive, cannot be replaced in
place. The sealed record names the file by its SHA-256; replacing it would
change what the public downloads without review and erase the evidence. A new
file is a new document attached to a new version of the item, which goes
through the procedure and is sealed as a correction.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db.models import TextField
from django.db.models.functions import Cast
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail import hooks
from wagtail.documents.forms import BaseDocumentForm
from wagtail.documents.models import Document
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

# Any of these on an item's page (or above it) lets a person see the item in the admin.
STAFF_PAGE_ACTIONS = ["add", "change", "lock", "publish"]
STAFF_DOCUMENT_ACTIONS = ["add", "change", "choose"]

SEALED_FILE_MESSAGE = (
    "该文件是已发布信息的附件，已存入电子印章档案，不能直接替换。"
    "如需更换附件，请上传新文件作为新文档，在该信息中替换附件后提交审核，"
    "签发后将作为更正发布并存档；原文件继续保留备查。"
)

SERVE_METHOD = "serve_view"


class SealedFileError(ValidationError):
    """Raised on any attempt to change the file of a published attachment."""


def _attachments(document: Document):
    from govmedia.publishing.models import ItemAttachment

    return ItemAttachment.objects.filter(document=document)


# Apps above publishing that link a document publicly by themselves (the
# portal's annual reports) say so through this hook: fn(document) -> bool.
PUBLIC_DOCUMENT_HOOK = "is_public_document"


def is_public(document: Document) -> bool:
    """Attached to an item that is live now, or published by a higher layer (see the hook)."""
    if _attachments(document).filter(page__live=True).exists():
        return True
    return any(fn(document) for fn in hooks.get_hooks(PUBLIC_DOCUMENT_HOOK))


def was_withdrawn(document: Document) -> bool:
    """Once public with an item, now attached to no live item."""
    return _attachments(document).filter(
        page__first_published_at__isnull=False
    ).exists() and not is_public(document)


def may_download(user, document: Document) -> bool:
    if is_public(document):
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    documents = policy_registry.get_by_type(Document)
    if documents.user_has_any_permission_for_instance(user, STAFF_DOCUMENT_ACTIONS, document):
        return True
    pages = PagePermissionPolicy()
    items = Page.objects.filter(pk__in=_attachments(document).values("page_id"))
    return any(
        pages.user_has_any_permission_for_instance(user, STAFF_PAGE_ACTIONS, page) for page in items
    )


def refuse_download(request: HttpRequest, document: Document) -> HttpResponse | None:
    """The `before_serve_document` rule: None lets Wagtail serve the file."""
    if may_download(request.user, document):
        return None
    if was_withdrawn(document):
        return render(request, "publishing/attachment_withdrawn.html", status=410)
    return render(request, "404.html", status=404)


# ---------------------------------------------------------------- sealed files


def _sha256(file) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_sealed(document: Document) -> bool:
    """Whether the document's current file was ever published.

    Cheap first: attached to an item that was ever published. Then the
    archive itself, for a file a correction later dropped from its item: the
    payload names every attachment by its SHA-256, so the file's digest found
    in any payload means the archive refers to these bytes. That scan reads
    the archive as text, so it runs only on the rare attempt to replace a file.
    """
    from govmedia.publishing.models import ArchiveRecord

    if not document.pk:
        return False
    if _attachments(document).filter(page__first_published_at__isnull=False).exists():
        return True
    stored = Document.objects.filter(pk=document.pk).first()
    if stored is None or not stored.file:
        return False
    try:
        digest = _sha256(stored.file)
    except (OSError, ValueError):
        return False
    return (
        ArchiveRecord.objects.annotate(text=Cast("payload", TextField()))
        .filter(text__contains=digest)
        .exists()
    )


def _file_changes(document: Document) -> bool:
    if not document.pk:
        return False
    old_name = Document.objects.filter(pk=document.pk).values_list("file", flat=True).first()
    return old_name is not None and old_name != document.file.name


@receiver(pre_save, sender=Document)
def refuse_sealed_file_change(sender, instance: Document, **kwargs) -> None:
    # Every path that saves a document (admin, chooser, shell, a bulk script)
    # passes here before the new file reaches storage.
    if not kwargs.get("raw") and _file_changes(instance) and is_sealed(instance):
        raise SealedFileError(SEALED_FILE_MESSAGE)


class AttachmentDocumentForm(BaseDocumentForm):
    """The documents admin's form (WAGTAILDOCS_DOCUMENT_FORM_BASE).

    Refuses a new file for a published attachment with a message saying what
    to do instead. It must refuse in validation: Wagtail's form deletes the
    old file from storage before it saves the model.
    """

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "file" in self.changed_data and is_sealed(self.instance):
            self.add_error("file", SEALED_FILE_MESSAGE)
        return cleaned


# ---------------------------------------------------------------- configuration


@checks.register(checks.Tags.security)
def check_documents_served_through_the_rule(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Any other serve method hands out storage URLs that skip the download rule."""
    errors: list[checks.CheckMessage] = []
    method = getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None)
    if method != SERVE_METHOD:
        errors.append(
            checks.Error(
                f"WAGTAILDOCS_SERVE_METHOD is {method!r}; it must be {SERVE_METHOD!r}",
                hint="Attachments of drafts and withdrawn items must not be reachable by a storage URL.",
                id="govmedia.E101",
            )
        )
    base = getattr(settings, "WAGTAILDOCS_DOCUMENT_FORM_BASE", "")
    if base != f"{__name__}.AttachmentDocumentForm":
        errors.append(
            checks.Error(
                "WAGTAILDOCS_DOCUMENT_FORM_BASE does not refuse replacing a published attachment",
                hint=f"Set it to {__name__}.AttachmentDocumentForm.",
                id="govmedia.E102",
            )
        )
    return errors
