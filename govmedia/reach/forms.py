from __future__ import annotations

from django import forms
from django.utils import timezone

from govmedia.orgs.models import Channel
from govmedia.reach import exports
from govmedia.reach.models import Category

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    channel = forms.ModelChoiceField(label="账号", queryset=Channel.objects.none())
    export = forms.ChoiceField(label="导出文件类型", choices=list(exports.EXPORT_LABELS.items()))
    day = forms.DateField(
        label="数据截至日期",
        help_text="作品数据按此日期记为累计值；导出文件一般为导出当天的数据。",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    file = forms.FileField(label="文件（.xlsx、.csv）")

    def __init__(self, *args, channels, **kwargs):
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件不能超过 10 MB。")
        return upload

    def clean(self):
        data = super().clean()
        channel, export = data.get("channel"), data.get("export")
        if channel and export == exports.WECHAT_POSTS and channel.kind != "wechat":
            self.add_error("export", "微信图文分析导出只能导入到微信公众号。")
        if channel and export == exports.WEIBO_POSTS and channel.kind != "weibo":
            self.add_error("export", "微博数据助手导出只能导入到微博账号。")
        return data


class CategoryForm(forms.Form):
    category = forms.ChoiceField(
        label="分类", choices=[("", "按关键词自动分类"), *Category.choices], required=False
    )
