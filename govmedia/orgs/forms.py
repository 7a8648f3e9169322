"""Forms of the 机构与渠道 admin: a person with their roles, and the .xlsx upload."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from govmedia.orgs.importing import PHONE_RE, ImportFileError, open_workbook
from govmedia.orgs.models import Membership, Person


def max_import_bytes() -> int:
    return settings.GOVMEDIA_MAX_IMPORT_MB * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 工作簿"),
        help_text=_("请下载导入模板，按表头填写后上传 .xlsx 文件。"),
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
            open_workbook(upload).close()
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
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
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("电话号码格式不正确。"))
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
