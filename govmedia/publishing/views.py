"""Public pages of the sealed archive: the keyring, per-item records, and verification."""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from govmedia.core.uploads import FORM_OVERHEAD_BYTES, body_limit
from govmedia.orgs.permissions import department_ids, is_supervisor
from govmedia.publishing import keyring, verify
from govmedia.publishing.archive import public_record_mapping, withdrawn_through
from govmedia.publishing.models import ArchiveRecord, ItemPage, SealKey

_JSON = {"json_dumps_params": {"ensure_ascii": False, "indent": 1}}


def _max_verify_bytes() -> int:
    return settings.GOVMEDIA_SEAL_VERIFY_MAX_MB * 1024 * 1024


def _current_key_or_404() -> SealKey:
    key = keyring.current_key()
    if key is None:
        raise Http404("this installation has no seal key yet")
    return key


@cache_control(max_age=3600, public=True)
def seal_public_key(request):
    """The key in service now; every key ever used is at /seal/keys.json."""
    key = _current_key_or_404()
    response = HttpResponse(
        key.public_key_pem, content_type="application/x-pem-file; charset=utf-8"
    )
    response["X-Seal-Key-Id"] = key.key_id
    return response


@cache_control(max_age=300, public=True)
def seal_keys(request):
    """The public keyring: every seal key ever used, with the period it was in service."""
    keys = list(SealKey.objects.all())
    current = next((k.key_id for k in reversed(keys) if k.retired_at is None), None)
    return JsonResponse(
        {
            "current_key_id": current,
            "keys": [
                {
                    "key_id": k.key_id,
                    "algorithm": k.algorithm,
                    "public_key_pem": k.public_key_pem,
                    "valid_from": k.valid_from.isoformat(),
                    "valid_until": k.retired_at.isoformat() if k.retired_at else None,
                }
                for k in keys
            ],
        },
        **_JSON,
    )


def may_see_withdrawn_text(user, page_id: int | None) -> bool:
    """Staff of the item's department and supervisors see a withdrawn text; the public does not."""
    if not user.is_authenticated or page_id is None:
        return False
    if is_supervisor(user):
        return True
    department_id = (
        ItemPage.objects.filter(pk=page_id).values_list("department_id", flat=True).first()
    )
    return department_id is not None and department_id in department_ids(user)


def public_records(request, records: list[ArchiveRecord]) -> list[dict]:
    """An item's records as the requester may see them: withdrawn text withheld from the public."""
    page_id = records[0].page_id
    through = withdrawn_through(page_id)
    withhold = through > 0 and not may_see_withdrawn_text(request.user, page_id)
    return [public_record_mapping(r, withhold=withhold and r.seq <= through) for r in records]


def seal_records(request, index_number: str):
    if "\x00" in index_number:
        # No index number holds NUL, and PostgreSQL refuses it in a query.
        raise Http404("no sealed record for this index number")
    records = list(ArchiveRecord.objects.filter(index_number=index_number).order_by("seq"))
    if not records:
        raise Http404("no sealed record for this index number")
    key = keyring.current_key()
    response = JsonResponse(
        {
            "key_id": key.key_id if key else None,
            "keys_url": f"{settings.SITE_URL}/seal/keys.json",
            "records": public_records(request, records),
        },
        **_JSON,
    )
    # What a withdrawn item shows depends on who asks: never shared between people.
    response["Cache-Control"] = "private, no-store"
    return response


class VerifyForm(forms.Form):
    index = forms.CharField(
        label="索引号", max_length=60, error_messages={"required": "请填写要核验信息的索引号。"}
    )
    text = forms.CharField(
        label="要核验的正文", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(label="或上传下载的附件", required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > _max_verify_bytes():
            raise forms.ValidationError(_too_large())
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请粘贴正文或上传附件后再核验。")
        return data


def _too_large() -> str:
    return f"文件超过 {settings.GOVMEDIA_SEAL_VERIFY_MAX_MB} MB，无法核验。"


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _refuse_oversized(request):
    return _verify_page(
        request,
        VerifyForm(initial={"index": request.GET.get("index", "")}),
        refusal=_too_large(),
        status=413,
    )


# The body is refused from its Content-Length before the CSRF check reads it
# (core/uploads.py); the file field's own check catches a file just under it.
@body_limit(lambda: _max_verify_bytes() + FORM_OVERHEAD_BYTES, _refuse_oversized)
def seal_verify(request):
    outcome = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            outcome = verify.check(
                form.cleaned_data["index"],
                text=form.cleaned_data.get("text") or "",
                file_sha256=_sha256(upload) if upload else "",
            )
    else:
        form = VerifyForm(initial={"index": request.GET.get("index", "")})
    return _verify_page(request, form, outcome=outcome)


def _verify_page(request, form, *, outcome=None, refusal: str = "", status: int = 200):
    key = keyring.current_key()
    return render(
        request,
        "publishing/seal_verify.html",
        {
            "form": form,
            "outcome": outcome,
            "refusal": refusal,
            "key_id": key.key_id if key else "",
            "site_url": settings.SITE_URL,
            "max_mb": settings.GOVMEDIA_SEAL_VERIFY_MAX_MB,
        },
        status=status,
    )
