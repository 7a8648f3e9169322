"""One validation for every way in: the JSON API and Open311 go through the portal's own forms.

`desk/public_forms.py` holds the rules (the fields of 《政府信息公开条例》
第二十九条 for a disclosure request, a contact to answer, an ID number or
credit code with its check character, lengths, notification); a machine client
sends the same fields as JSON or form-encoded, so it is validated by the same
form, bound to what it sent, and refused with the same Chinese reasons by
field. Only the form's anti-resend token is supplied here: a machine client
has its `Idempotency-Key` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govmedia.desk.models import Kind
from govmedia.desk.public_forms import DisclosureForm, MessageForm, new_form_token


def bound_form(kind: str, data: Mapping[str, Any]) -> MessageForm:
    """The portal's form for `kind`, bound to a client's fields (booleans and None as a browser sends them)."""
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if value is None or value is False:
            continue  # an unticked box or an absent field: not sent
        fields[name] = "on" if value is True else value
    fields["token"] = new_form_token()
    if kind == Kind.DISCLOSURE:
        return DisclosureForm(fields, {})
    return MessageForm(fields, {}, kind=kind)


def form_errors(form: MessageForm) -> dict[str, list[str]]:
    """The form's errors by field name (`__all__` for the whole), in Chinese."""
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}
