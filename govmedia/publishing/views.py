"""Public pages of the sealed archive: the public key, per-item records, and verification."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from govmedia.publishing import verify
from govmedia.publishing.archive import current_key_id, public_key_pem, record_as_mapping
from govmedia.publishing.models import ArchiveRecord

MAX_VERIFY_FILE_MB = 50


@cache_control(max_age=3600, public=True)
def seal_public_key(request):
    response = HttpResponse(public_key_pem(), content_type="application/x-pem-file; charset=utf-8")
    response["X-Seal-Key-Id"] = current_key_id()
    return response


def seal_records(request, index_number: str):
    records = ArchiveRecord.objects.filter(index_number=index_number).order_by("seq")
    if not records:
        raise Http404("no sealed record for this index number")
    return JsonResponse(
        {"key_id": current_key_id(), "records": [record_as_mapping(r) for r in records]},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


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
        if upload and upload.size > MAX_VERIFY_FILE_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件超过 {MAX_VERIFY_FILE_MB} MB，无法核验。")
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请粘贴正文或上传附件后再核验。")
        return data


def seal_verify(request):
    outcome = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            outcome = verify.check(
                form.cleaned_data["index"],
                text=form.cleaned_data.get("text") or "",
                file_bytes=upload.read() if upload else None,
            )
    else:
        form = VerifyForm(initial={"index": request.GET.get("index", "")})
    return render(
        request,
        "publishing/seal_verify.html",
        {
            "form": form,
            "outcome": outcome,
            "key_id": current_key_id(),
            "site_url": settings.SITE_URL,
        },
    )
