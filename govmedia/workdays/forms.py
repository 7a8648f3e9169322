"""Forms of the 工作日历 admin: a year's schedule typed in one go, the file import, the calculator."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from govmedia.core import tabular
from govmedia.workdays.schedule import EXAMPLE_LINE, Entry, parse_lines

MIN_YEAR = 1990
MAX_YEAR = 2100
MAX_CALCULATOR_DAYS = 1000


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("年份"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "required": _("请填写年份。"),
            "invalid": _("年份应为四位数字，例如 2027。"),
            "min_value": _("年份不能早于 %(limit_value)s 年。"),
            "max_value": _("年份不能晚于 %(limit_value)s 年。"),
        },
    )
    announced_by = forms.CharField(
        label=_("通知文号"),
        max_length=100,
        required=False,
        help_text=_("国务院办公厅关于该年部分节假日安排的通知，例如：国办发明电〔2025〕7号"),
    )
    lines = forms.CharField(
        label=_("放假和调休上班安排"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=_(
            "每行一条：日期（或日期范围）、节日名称、类型（放假 / 调休上班），用空格分开。"
            "例如：2027-01-01 元旦 放假；2027-02-11..2027-02-17 春节 放假；2027-02-07 春节 调休上班。"
            "放假的日期范围可包含周末。以 # 开头的行不读取。"
        ),
        error_messages={
            "required": _("请填写该年的放假和调休上班安排，例如「%s」。") % EXAMPLE_LINE
        },
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        year, text = cleaned.get("year"), cleaned.get("lines")
        if year is None or not text:
            return cleaned
        entries, errors = parse_lines(text, year=year)
        if errors:
            for error in errors:
                self.add_error("lines", f"第 {error.line} 行「{error.text}」：{error.message}")
        elif not entries:
            self.add_error("lines", _("没有读到任何安排，请按示例填写。"))
        self.entries: list[Entry] = entries
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_(
            "第一行为表头：日期*、名称*、类型*、文号。可上传 Excel 工作簿（.xlsx），"
            "或 UTF-8、GBK 编码的 .csv、.tsv 文件。"
        ),
        error_messages={"required": _("请选择要上传的文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in tabular.TABLE_SUFFIXES:
            raise forms.ValidationError(_("只能导入 .xlsx、.csv 或 .tsv 文件。"))
        limit_mb = settings.GOVMEDIA_MAX_IMPORT_MB
        if upload.size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("文件超过 %(limit)d MB，请检查是否选错了文件。") % {"limit": limit_mb}
            )
        return upload


class CalculatorForm(forms.Form):
    start = forms.DateField(
        label=_("起算日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写起算日。"), "invalid": _("请填写有效的日期。")},
        help_text=_("例如收到申请的日期；从次日起算。"),
    )
    days = forms.IntegerField(
        label=_("工作日数"),
        min_value=0,
        max_value=MAX_CALCULATOR_DAYS,
        widget=forms.NumberInput(attrs={"style": "max-width: 12rem"}),
        error_messages={
            "required": _("请填写工作日数。"),
            "invalid": _("工作日数应为整数。"),
            "min_value": _("工作日数不能为负数。"),
            "max_value": _("工作日数不能超过 %(limit_value)s。"),
        },
    )
