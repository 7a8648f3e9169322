"""The public forms of the desk: one per kind, 依申请公开 with the fields the law asks for.

Each form is a plain Django form whose cleaned data becomes a
`desk.actions.Submission`. Everything typed is kept on any error (the form is
rendered again bound to what was posted); only chosen files must be chosen
again, which browsers do not allow a page to refill.

《政府信息公开条例》(2019) 第二十九条 asks a request for: the applicant's name
or title, proof of identity and contact; the name, 文号 or other describing
features of the information wanted; and the form and way of delivery wanted.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from govmedia.checks.rules.privacy import id18_valid
from govmedia.desk.models import (
    ApplicantType,
    DeliveryForm,
    DeliveryWay,
    Kind,
    OrganisationKind,
)
from govmedia.orgs.models import validate_org_code

MB = 1024 * 1024
# The alphabet of `models.new_query_code`: no 0/O, 1/I/L.
ALPHABET_FOR_CODES = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^[0-9+\-()（） ]{5,30}$")

# The first bytes of each allowed type: a renamed program is refused.
MAGIC = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}

NOTIFY_CHOICES = [("", "不需要"), ("sms", "短信"), ("email", "电子邮件")]


def client_key_for(token: str) -> str:
    """The message's `client_key`: the form token hashed, so the table never holds the token."""
    return "web:" + hashlib.sha256(token.encode()).hexdigest()[:40]


def query_code_for(token: str) -> str:
    """The query code of the message this form token submits.

    Derived from the token with the site's secret, so a resend of the same
    form (a double click, a reload of the receipt) shows the same code as
    the first send without the code being stored anywhere in clear.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"desk-query-code:" + token.encode(), hashlib.sha256
    ).digest()
    return "".join(ALPHABET_FOR_CODES[b % len(ALPHABET_FOR_CODES)] for b in digest[:8])


def new_form_token() -> str:
    return secrets.token_urlsafe(16)


def allowed_types() -> list[str]:
    return [t.lower().lstrip(".") for t in settings.GOVMEDIA_DESK_FILE_TYPES]


def attachment_rules_text() -> str:
    return (
        f"可上传 {settings.GOVMEDIA_DESK_MAX_FILES} 个以内的文件，"
        f"每个不超过 {settings.GOVMEDIA_DESK_MAX_FILE_MB} MB，"
        f"格式限 {'、'.join(t.upper() for t in allowed_types())}。"
    )


def check_attachment(upload: UploadedFile) -> str:
    """Why this file is refused (Chinese), or ""."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in allowed_types():
        return (
            f"文件“{name}”的格式不在允许范围内："
            f"请上传 {'、'.join(t.upper() for t in allowed_types())} 格式的文件。"
        )
    limit = settings.GOVMEDIA_DESK_MAX_FILE_MB * MB
    if upload.size is not None and upload.size > limit:
        return (
            f"文件“{name}”大小为 {upload.size / MB:.1f} MB，"
            f"超过每个文件 {settings.GOVMEDIA_DESK_MAX_FILE_MB} MB 的限制，请压缩或拆分后再上传。"
        )
    head = upload.read(16)
    upload.seek(0)
    signatures = MAGIC.get(extension)
    if signatures and not head.startswith(signatures):
        return f"文件“{name}”的内容与其扩展名 .{extension} 不符，请检查后重新选择。"
    return ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > settings.GOVMEDIA_DESK_MAX_FILES:
            raise ValidationError(
                f"最多上传 {settings.GOVMEDIA_DESK_MAX_FILES} 个附件，您选择了 {len(files)} 个。"
            )
        problems = [p for p in (check_attachment(f) for f in files) if p]
        if problems:
            raise ValidationError(problems)
        return files


def _text(label: str, *, max_length: int, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


class MessageForm(forms.Form):
    """咨询, 投诉, 建议, 求助 and 找错."""

    token = forms.CharField(widget=forms.HiddenInput)
    item = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = _text("标题", max_length=120)
    body = forms.CharField(
        label="内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    place = _text("地点", max_length=200, required=False, help_text="事情发生的地点（可不填）。")
    name = _text("姓名", max_length=100, help_text="公开时只显示姓氏，如“张**”。")
    phone = _text("联系电话", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱", required=False, max_length=254)
    notify_by = forms.ChoiceField(
        label="办理结果通知方式",
        choices=NOTIFY_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    wants_public = forms.BooleanField(
        label="同意在网站公开本留言及答复（个人信息将被隐去）",
        required=False,
        initial=True,
    )
    attachments = AttachmentsField(label="附件", required=False)

    error_css_class = "has-error"

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["attachments"].help_text = attachment_rules_text()
        self.fields["attachments"].widget.attrs["accept"] = ",".join(
            "." + t for t in allowed_types()
        )
        if kind == Kind.ERROR:
            self.fields["title"].label = "错误所在（页面或信息标题）"
            self.fields["body"].label = "错误内容及更正建议"
        if kind not in (Kind.COMPLAINT, Kind.HELP):
            del self.fields["place"]
        if kind != Kind.DISCLOSURE:
            self.chinese_messages()

    # The page groups the fields under these legends (hidden fields go first, ungrouped).
    groups: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("留言内容", ("title", "body", "place", "attachments")),
        ("您的联系方式", ("name", "phone", "email", "notify_by", "wants_public")),
    )

    def fieldsets(self) -> list[tuple[str, list]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.groups
        ]

    def chinese_messages(self) -> None:
        """Messages naming each field by its label (after any subclass renamed it)."""
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写“{field.label}”。"
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = "电子邮箱格式不正确，例如 name@example.com。"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"“{field.label}”最多 {field.max_length} 个字，请删减后再提交。"
                )
        self.fields["token"].error_messages["required"] = "表单已失效，请刷新页面后再提交。"

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not TOKEN_RE.match(token):
            raise ValidationError("表单已失效，请刷新页面后再提交。")
        return token

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise ValidationError("联系电话格式不正确，只能包含数字、空格、+、- 和括号。")
        return phone

    def clean(self):
        data = super().clean()
        phone, email = data.get("phone", ""), data.get("email", "")
        if "phone" in data and "email" in data and not phone and not email:
            self.add_error("phone", "请至少填写联系电话或电子邮箱中的一项，以便答复您。")
        notify = data.get("notify_by", "")
        if notify == "sms" and phone and not MOBILE_RE.match(re.sub(r"[\s\-]", "", phone)):
            self.add_error("phone", "短信通知需要填写手机号码（11 位）。")
        elif notify == "sms" and "phone" in data and not phone:
            self.add_error("phone", "选择短信通知时，请填写手机号码。")
        if notify == "email" and "email" in data and not email:
            self.add_error("email", "选择电子邮件通知时，请填写电子邮箱。")
        return data

    def submission_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "title": data["title"].strip(),
            "body": data["body"].strip(),
            "name": data["name"].strip(),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "place": data.get("place", "") or "",
            "wants_public": bool(data.get("wants_public")),
            "notify_by": data.get("notify_by", ""),
        }


class DisclosureForm(MessageForm):
    """依申请公开: the fields of 条例第二十九条."""

    applicant_type = forms.ChoiceField(
        label="申请人类型",
        choices=ApplicantType.choices,
        widget=forms.RadioSelect,
        initial=ApplicantType.PERSON,
    )
    organisation_kind = forms.ChoiceField(
        label="单位类型",
        choices=[("", "请选择"), *OrganisationKind.choices],
        required=False,
        help_text="法人或其他组织申请时必填，用于政府信息公开工作年度报告的统计。",
    )
    id_number = _text(
        "身份证号码或统一社会信用代码",
        max_length=40,
        help_text="自然人填写 18 位居民身份证号码；法人或其他组织填写 18 位统一社会信用代码。",
    )
    contact_person = _text(
        "联系人", max_length=60, required=False, help_text="法人或其他组织申请时必填。"
    )
    address = _text("通信地址", max_length=200)
    delivery_form = forms.ChoiceField(
        label="获取信息的载体形式", choices=DeliveryForm.choices, initial=DeliveryForm.ELECTRONIC
    )
    delivery_way = forms.ChoiceField(
        label="获取信息的方式", choices=DeliveryWay.choices, initial=DeliveryWay.EMAIL
    )
    groups = (
        (
            "申请人信息",
            (
                "applicant_type",
                "name",
                "organisation_kind",
                "id_number",
                "contact_person",
                "phone",
                "email",
                "address",
            ),
        ),
        ("所需政府信息", ("title", "body", "attachments")),
        ("获取信息的方式", ("delivery_form", "delivery_way", "notify_by")),
    )
    field_order = [
        "token",
        "item",
        "applicant_type",
        "name",
        "organisation_kind",
        "id_number",
        "contact_person",
        "phone",
        "email",
        "address",
        "title",
        "body",
        "delivery_form",
        "delivery_way",
        "notify_by",
        "attachments",
    ]

    def __init__(self, *args, **kwargs):
        kwargs["kind"] = Kind.DISCLOSURE
        super().__init__(*args, **kwargs)
        del self.fields["wants_public"]  # a request is never shown publicly
        self.fields["name"].label = "姓名或名称"
        self.fields["name"].help_text = "自然人填写姓名，法人或其他组织填写单位全称。"
        self.fields["phone"].required = True
        self.fields["title"].label = "所需政府信息的名称"
        self.fields["body"].label = "所需政府信息的内容描述"
        self.fields[
            "body"
        ].help_text = "请写明信息的文号、发布机关、形成时间等便于查找的特征性描述。"
        self.order_fields(self.field_order)
        self.chinese_messages()

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].strip().upper().replace(" ", "")

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_type")
        number = data.get("id_number", "")
        if number and kind == ApplicantType.PERSON and not id18_valid(number):
            self.add_error(
                "id_number",
                "身份证号码不正确（位数、出生日期或最后一位校验码有误），请核对后重新填写。",
            )
        elif number and kind == ApplicantType.ORGANISATION:
            try:
                validate_org_code(number)
            except ValidationError as error:
                self.add_error("id_number", error)
        if kind == ApplicantType.ORGANISATION and not data.get("contact_person", "").strip():
            self.add_error("contact_person", "法人或其他组织申请时，请填写联系人。")
        if kind == ApplicantType.ORGANISATION and not data.get("organisation_kind"):
            self.add_error("organisation_kind", "法人或其他组织申请时，请选择单位类型。")
        way = data.get("delivery_way")
        if way == DeliveryWay.EMAIL and "email" in data and not data.get("email"):
            self.add_error("email", "选择以电子邮件获取信息时，请填写电子邮箱。")
        return data

    def submission_fields(self) -> dict:
        fields = super().submission_fields()
        data = self.cleaned_data
        fields.update(
            wants_public=False,
            applicant_type=data["applicant_type"],
            organisation_kind=(
                data.get("organisation_kind", "")
                if data["applicant_type"] == ApplicantType.ORGANISATION
                else ""
            ),
            id_number=data["id_number"],
            contact_person=data.get("contact_person", "").strip(),
            address=data["address"].strip(),
            delivery_form=data["delivery_form"],
            delivery_way=data["delivery_way"],
        )
        return fields


class TrackForm(forms.Form):
    number = forms.CharField(
        label="受理编号",
        max_length=20,
        error_messages={"required": "请填写受理编号。"},
    )
    code = forms.CharField(
        label="查询码",
        max_length=16,
        error_messages={"required": "请填写查询码。"},
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip()

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class RatingForm(TrackForm):
    rating = forms.TypedChoiceField(
        label="评价",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择一项评价。"},
    )
    comment = forms.CharField(
        label="评价意见（可不填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from govmedia.desk.models import Rating

        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = Rating.choices
