"""Admin views: importing a word list from an uploaded .txt or .xlsx file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.models import CreateView, EditView

from govmedia.checks.lists import ListFileError, load_list_file
from govmedia.checks.models import LIST_CATEGORY_CHOICES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("词库文件"),
        help_text=_(
            "支持 .txt（制表符分隔）和 .xlsx；列依次为：词条、类别、级别、修改建议、子类、说明"
        ),
    )
    category = forms.ChoiceField(
        label=_("默认类别"),
        choices=[("", _("以文件为准"))] + LIST_CATEGORY_CHOICES,
        required=False,
        help_text=_("文件中未写类别的行使用此类别"),
    )
    keep_common = forms.BooleanField(
        label=_("不降级常用词"),
        required=False,
        help_text=_(
            "默认情况下，在正式公文中常见的词条（如“改革”“人民”）导入后由阻断降为警告并停用，待人工审核；"
            "仅当词库已逐条审核时勾选此项"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".txt", ".tsv", ".xlsx"):
            raise forms.ValidationError(_("只支持 .txt 和 .xlsx 文件。"))
        limit_mb = settings.GOVMEDIA_MAX_IMPORT_MB
        if upload.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("文件超过 %(limit)d MB，请拆分后导入。") % {"limit": limit_mb}
            )
        return upload


def import_wordlist(request):
    from govmedia.checks.models import WordListEntry
    from govmedia.checks.service import guard_import, import_entries

    if not request.user.has_perm("checks.add_wordlistentry") or not request.user.has_perm(
        "checks.change_wordlistentry"
    ):
        raise PermissionDenied
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        defaults = (
            {"category": form.cleaned_data["category"]} if form.cleaned_data["category"] else {}
        )
        with tempfile.TemporaryDirectory() as tmp:
            # Keep the uploaded name so row errors and the entries' source read naturally.
            path = Path(tmp) / (Path(upload.name).stem[:80] + suffix)
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            try:
                entries, errors = load_list_file(path, defaults=defaults)
            except ListFileError as exc:
                form.add_error("file", str(exc).replace(str(path), upload.name))
                entries, errors = None, []
        if entries is not None:
            demoted = []
            disabled: set[tuple[str, str]] = set()
            if not form.cleaned_data["keep_common"]:
                guarded = guard_import(entries)
                entries, demoted, disabled = guarded.entries, guarded.demoted, guarded.disabled_keys
            created, updated = import_entries(
                entries,
                user=request.user,
                source=upload.name,
                skipped=len(errors),
                disabled=disabled,
            )
            result = {
                "created": created,
                "updated": updated,
                "errors": errors,
                "demoted": demoted,
            }
    return render(
        request,
        "checks/import.html",
        {"form": form, "result": result, "total": WordListEntry.objects.count()},
    )


class _RecordsEditor:
    """Keeps who last changed an entry; the form does not show the field."""

    def save_instance(self):
        self.form.instance.updated_by = self.request.user
        return super().save_instance()


class WordCreateView(_RecordsEditor, CreateView):
    pass


class WordEditView(_RecordsEditor, EditView):
    pass
