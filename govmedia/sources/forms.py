"""The source form: its config checked by the source's own reader."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from govmedia.sources.models import Kind, Source
from govmedia.sources.readers import READERS
from govmedia.sources.readers.tabular import DEFAULT_COLUMNS


class SourceForm(WagtailAdminModelForm):
    # Declared for `assume_scheme`: "www.example.gov.cn" typed without a scheme means the https site.
    url = forms.URLField(
        label=_("地址"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=Source._meta.get_field("url").help_text,
    )

    class Meta:
        model = Source
        fields = [
            "name",
            "kind",
            "url",
            "config",
            "every_minutes",
            "probe_every_minutes",
            "enabled",
        ]
        widgets = {"config": forms.Textarea(attrs={"rows": 10, "class": "monospace", "dir": "ltr"})}

    def clean_config(self):
        config = self.cleaned_data.get("config")
        if config in (None, ""):
            return {}
        if not isinstance(config, dict):
            raise forms.ValidationError(
                _('读取设置应为 JSON 对象，例如 {"item": "ul.list > li"}。')
            )
        return config

    def clean(self):
        cleaned = super().clean()
        kind, config, url = cleaned.get("kind"), cleaned.get("config"), cleaned.get("url")
        if kind in READERS and isinstance(config, dict):
            for problem in READERS[kind].check_config(config):
                # A column still without selectors may be saved: the preview proposes them.
                if kind == Kind.COLUMN and not config.get("item") and "item" in problem:
                    continue
                self.add_error("config", problem)
        if kind != Kind.TABULAR and not url:
            self.add_error("url", _("请填写地址（只有导出表格可以不填，改为上传文件）。"))
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("导出文件"),
        help_text=_("微信、微博等后台导出的 .xlsx 或 .csv；默认列名：%(columns)s。")
        % {"columns": "、".join(DEFAULT_COLUMNS.values())},
    )
