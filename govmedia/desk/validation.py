"""What a submission must hold, for every way in: the portal form, the JSON API, Open311.

The model declares lengths, choices and blank fields, so `Message.full_clean`
checks those; `submission_errors` adds the rules of intake the model cannot
say (a disclosure request's fields required by 《政府信息公开条例》 第二十九条,
a contact to reach the submitter, an ID or credit code with a valid check
character). It answers errors by field, in Chinese, for a form or an API to
show; an empty dict means the submission may be stored.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from govmedia.checks.rules.privacy import id18_checksum_ok
from govmedia.desk.actions import Submission
from govmedia.desk.models import ApplicantType, Kind, Message

PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,28}$")
# GB 32100-2015: the 统一社会信用代码 alphabet (no I, O, S, V, Z) and its weights.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MODEL_FIELDS_NOT_SUBMITTED = (
    "number", "query_code_hash", "received_at", "received_on", "client_key", "department",
    "status", "channel", "submitter_ip",
)  # fmt: skip
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def credit_code_ok(code: str) -> bool:
    code = code.upper()
    if len(code) != 18 or any(c not in CREDIT_ALPHABET for c in code):
        return False
    total = sum(
        CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


def _add(errors: dict[str, list[str]], name: str, text: str) -> None:
    errors.setdefault(name, []).append(text)


def submission_errors(submission: Submission) -> dict[str, list[str]]:
    """Errors by field name (`__all__` for the whole); empty when the submission is acceptable."""
    errors: dict[str, list[str]] = {}
    s = submission
    for name in ("title", "body", "name", "address", "place", "contact_person"):
        value = getattr(s, name) or ""
        if CONTROL.search(value):
            _add(errors, name, "含有不可见的控制字符，请删除后再提交。")
    now = timezone.now()
    message = Message(
        kind=s.kind, title=s.title, body=s.body, name=s.name, phone=s.phone, email=s.email,
        address=s.address, applicant_type=s.applicant_type, id_number=s.id_number,
        contact_person=s.contact_person, delivery_form=s.delivery_form,
        delivery_way=s.delivery_way, wants_public=s.wants_public, notify_by=s.notify_by,
        item_id=s.item_id, place=s.place, latitude=s.latitude, longitude=s.longitude,
        received_at=now, received_on=timezone.localdate(now),
    )  # fmt: skip
    try:
        message.full_clean(exclude=MODEL_FIELDS_NOT_SUBMITTED, validate_unique=False)
    except ValidationError as exc:
        for name, texts in exc.message_dict.items():
            for text in texts:
                _add(errors, name, str(text))
    if s.phone and not PHONE.match(s.phone.strip()):
        _add(errors, "phone", "请填写正确的电话号码。")
    if s.notify_by == "sms" and not s.phone:
        _add(errors, "phone", "选择短信通知时须填写手机号码。")
    if s.notify_by == "email" and not s.email:
        _add(errors, "email", "选择邮件通知时须填写电子邮箱。")
    if s.notify_by not in ("", "sms", "email"):
        _add(errors, "notify_by", "通知方式只能是短信或电子邮件。")
    if s.latitude is not None and not -90 <= s.latitude <= 90:
        _add(errors, "latitude", "纬度应在 -90 到 90 之间。")
    if s.longitude is not None and not -180 <= s.longitude <= 180:
        _add(errors, "longitude", "经度应在 -180 到 180 之间。")
    if s.kind == Kind.DISCLOSURE:
        _disclosure_errors(s, errors)
    return errors


def _disclosure_errors(s: Submission, errors: dict[str, list[str]]) -> None:
    """第二十九条: the applicant's identity and contact, the information described, the form and way wanted."""
    required = {
        "applicant_type": "请选择申请人类型。",
        "id_number": "请填写身份证件号码或统一社会信用代码。",
        "delivery_form": "请选择获取信息的载体形式。",
        "delivery_way": "请选择获取信息的方式。",
    }
    for name, text in required.items():
        if not getattr(s, name):
            _add(errors, name, text)
    if not (s.phone or s.email or s.address):
        _add(errors, "phone", "请至少填写一种联系方式（电话、电子邮箱或通讯地址）。")
    if s.delivery_way == "post" and not s.address:
        _add(errors, "address", "选择邮寄时须填写通讯地址。")
    if s.delivery_way == "email" and not s.email:
        _add(errors, "email", "选择电子邮件获取时须填写电子邮箱。")
    number = s.id_number.strip().upper()
    if s.applicant_type == ApplicantType.ORGANISATION:
        if not s.contact_person:
            _add(errors, "contact_person", "法人或其他组织申请须填写联系人。")
        if number and not credit_code_ok(number):
            _add(errors, "id_number", "统一社会信用代码不正确，请核对后重新填写。")
    elif s.applicant_type == ApplicantType.PERSON and number:
        # Other documents (passports, permits) are accepted; an 18-digit number must be a valid ID.
        if len(number) == 18 and number[:17].isdigit() and not id18_checksum_ok(number):
            _add(errors, "id_number", "身份证号码校验位不正确，请核对后重新填写。")
