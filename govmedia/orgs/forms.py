"""Forms of the 机构与渠道 admin: a person with their roles, the table upload, and the
forms each imported row goes through.

The row forms are ModelForms of the same models the admin edits, so a row is
held to the same field validators, `clean()` rules and uniqueness as a record
typed into the admin; they only translate what a spreadsheet holds (choice
labels, blank cells meaning "the default") into what the model expects.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from govmedia.core import tabular
from govmedia.core.forms import table_error_message
from govmedia.orgs.models import Channel, Department, Membership, Person, validate_phone


def max_import_bytes() -> int:
    return settings.GOVMEDIA_MAX_IMPORT_MB * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_(
            "请下载导入模板，按表头填写后上传。可上传 Excel 工作簿（.xlsx），"
            "或 UTF-8、GBK 编码的 .csv、.tsv 文件。"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_import_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件太大（%(size).1f MB），上传的文件不能超过 %(limit)d MB。请拆分后分批导入。")
                % {"size": upload.size / 1024 / 1024, "limit": limit // 1024 // 1024}
            )
        try:
            next(tabular.read_rows(upload, name=upload.name), None)
        except tabular.TableError as exc:
            raise forms.ValidationError(table_error_message(exc)) from exc
        upload.seek(0)
        return upload


class PersonForm(forms.ModelForm):
    first_name = forms.CharField(label=_("姓名"), max_length=150)
    phone = forms.CharField(
        label=_("电话"), max_length=30, required=False, help_text=_("记在此人的每个机构角色上。")
    )
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("新建人员时不填则暂不能登录；编辑时填写即重设密码。"),
    )

    class Meta:
        model = Person
        fields = ["first_name", "username", "is_active"]
        labels = {"username": _("用户名"), "is_active": _("启用")}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            first = self.instance.memberships.exclude(phone="").first()
            self.fields["phone"].initial = first.phone if first else ""

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone:
            validate_phone(phone)
        return phone

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.instance)
        return password

    def save(self, commit=True):
        person = super().save(commit=False)
        password = self.cleaned_data.get("password")
        if password:
            person.set_password(password)
        elif not person.pk:
            person.set_unusable_password()
        if commit:
            person.save()
        return person


MembershipFormSet = forms.inlineformset_factory(
    get_user_model(),
    Membership,
    fields=["department", "role"],
    extra=2,
    can_delete=True,
    labels={"department": _("机构"), "role": _("角色")},
)


# ---------------------------------------------------------------- imported rows


class ImportRowForm(forms.ModelForm):
    """A ModelForm fed with one spreadsheet row's texts.

    A choice cell may hold the label people see ("政府部门") or the stored
    value; messages name the spreadsheet column, so a report reads
    "类型不能为空。" rather than a generic "this field is required".
    """

    # Spreadsheet column of each form field, in the file's order.
    columns: dict[str, str] = {}

    def __init__(self, data: dict[str, str], **kwargs):
        data = dict(data)
        super().__init__(data, **kwargs)
        for name, field in self.fields.items():
            column = self.columns.get(name, str(field.label))
            field.error_messages["required"] = _("%(column)s不能为空。") % {"column": column}
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                choices = [(str(v), str(label)) for v, label in field.choices if v != ""]
                by_label = {label: value for value, label in choices}
                if data.get(name) in by_label:
                    data[name] = by_label[data[name]]
                field.error_messages["invalid_choice"] = _(
                    "“%%(value)s”不是可用的%(column)s，应为：%(allowed)s。"
                ) % {"column": column, "allowed": "、".join(label for _v, label in choices)}

    def column_errors(self) -> list[tuple[str, str]]:
        """(column, message) for every error, errors of the whole row under `row_column`."""
        found: list[tuple[str, str]] = []
        for name, errors in self.errors.as_data().items():
            column = self.columns.get(name, self.row_column)
            messages: list[str] = []
            for error in errors:
                messages += [m for m in error.messages if m not in messages]
            found.append((column, " ".join(messages)))
        return found

    row_column = ""


class DepartmentImportForm(ImportRowForm):
    columns = {
        "name": "名称",
        "short_name": "简称",
        "kind": "类型",
        "parent": "上级机构",
        "code": "机构代码",
        "order": "排序",
    }
    row_column = "名称"

    class Meta:
        model = Department
        fields = ["name", "short_name", "kind", "parent", "code", "order"]
        error_messages = {
            "name": {"unique": _("名称已被另一机构使用。")},
            "code": {"unique": _("机构代码已被另一机构使用。")},
        }

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class PersonImportForm(PersonForm):
    """A person's own fields from a people row; the row's roles go through MembershipImportForm."""

    columns = {"first_name": "姓名", "username": "用户名", "password": "初始密码", "phone": "电话"}

    class Meta(PersonForm.Meta):
        fields = ["first_name", "username"]

    def __init__(self, data: dict[str, str], **kwargs):
        super().__init__(data, **kwargs)
        for name, field in self.fields.items():
            field.error_messages["required"] = _("%(column)s不能为空。") % {
                "column": self.columns[name]
            }

    column_errors = ImportRowForm.column_errors
    row_column = "用户名"


class MembershipImportForm(ImportRowForm):
    columns = {"department": "机构", "role": "角色", "phone": "电话"}
    row_column = "角色"

    class Meta:
        model = Membership
        fields = ["department", "role", "phone"]


class ChannelImportForm(ImportRowForm):
    columns = {
        "department": "机构",
        "kind": "类型",
        "name": "名称",
        "url": "网址",
        "account_id": "账号",
        "responsible": "责任人",
        "responsible_phone": "责任人电话",
        "update_every_days": "更新周期（天）",
        "status": "状态",
    }
    row_column = "名称"
    # Declared for `assume_scheme`: a cell "www.example.gov.cn" means the https site.
    url = forms.URLField(label=_("网址"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Channel
        fields = list(Channel.EDITABLE_FIELDS)
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": _("同一机构已有同类型、同名称的渠道。")},
        }
