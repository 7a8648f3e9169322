"""The admin's log-in form, with its password field labelled in Chinese, and what to say
about a table file the tabular reader refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from govmedia.core import tabular


class LoginForm(WagtailLoginForm):
    """Wagtail's log-in form declares its password field without a label, so
    Django shows the field's name, "Password", in every language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")


TABLE_ERROR_MESSAGES = {
    tabular.REASON_UNSUPPORTED: _("无法识别的文件类型。请上传 .xlsx、.csv 或 .tsv 文件。"),
    tabular.REASON_LEGACY_XLS: _(
        "这是旧版 Excel 文件（.xls），无法读取。请在 Excel 中另存为 .xlsx 后再上传。"
    ),
    tabular.REASON_NOT_XLSX: _(
        "文件不是有效的 Excel 工作簿（.xlsx），无法读取。请使用导入模板填写后上传。"
    ),
    tabular.REASON_DAMAGED: _("工作簿内容已损坏，无法读取。请另存为新的 .xlsx 文件后再上传。"),
    tabular.REASON_BINARY: _("文件不是文本表格，无法读取。请上传 .xlsx、.csv 或 .tsv 文件。"),
    tabular.REASON_ENCODING: _(
        "无法识别文件的文字编码。保存 CSV 或文本文件时请选择 UTF-8 或 GBK（GB18030）编码。"
    ),
    tabular.REASON_EMPTY: _("表格是空的，第一行应为表头。"),
}


def table_error_message(error: tabular.TableError) -> str:
    """What to tell a person about a file the tabular reader refused."""
    return str(TABLE_ERROR_MESSAGES.get(error.reason, TABLE_ERROR_MESSAGES[tabular.REASON_DAMAGED]))
