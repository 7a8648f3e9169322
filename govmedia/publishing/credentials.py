"""Encrypting channel credentials at rest.

The key comes from the environment: GOVMEDIA_CREDENTIALS_KEY holds one or more
Fernet keys separated by commas (the first encrypts, all decrypt, so a key can
be rotated by putting the new one first and running
`govmedia channels rekey`). Without it the key is derived from the
installation's secret key (GOVMEDIA_SECRET_KEY or the file `setup` wrote), so
a default installation works; docs/channels.md says why production should set
its own.

Plain values never leave this module except to the publisher that asked:
`get_credentials` returns a dict, `set_credentials` stores one.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from govmedia.publishing.models.credentials import ChannelCredentials

logger = logging.getLogger(__name__)


class CredentialsError(Exception):
    """The stored credentials cannot be read (another key) or are missing."""


def _derived_key() -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"govmedia channel credentials"
    )
    return base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))


def _fernet() -> MultiFernet:
    configured = [k.strip() for k in settings.GOVMEDIA_CREDENTIALS_KEY.split(",") if k.strip()]
    keys = [k.encode() for k in configured] or [_derived_key()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(values: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt(ciphertext: str) -> dict[str, Any]:
    try:
        return json.loads(_fernet().decrypt(ciphertext.encode()))
    except InvalidToken as exc:
        raise CredentialsError(
            "channel credentials cannot be decrypted with GOVMEDIA_CREDENTIALS_KEY"
            " (were they stored under another key?)"
        ) from exc


def get_credentials(channel) -> dict[str, Any]:
    """The channel's credentials as a dict ({} when none are stored)."""
    row = ChannelCredentials.objects.filter(channel=channel).only("ciphertext").first()
    return decrypt(row.ciphertext) if row else {}


def set_credentials(channel, values: dict[str, Any], *, user=None, replace: bool = False) -> None:
    """Store `values` for `channel`; an empty value keeps what was stored unless `replace`."""
    with transaction.atomic():
        row = ChannelCredentials.objects.select_for_update().filter(channel=channel).first()
        merged = {} if (replace or row is None) else decrypt(row.ciphertext)
        for name, value in values.items():
            if value not in ("", None):
                merged[name] = value
            elif replace:
                merged.pop(name, None)
        names = sorted(merged)
        if row is None:
            ChannelCredentials.objects.create(
                channel=channel, ciphertext=encrypt(merged), field_names=names, updated_by=user
            )
        else:
            row.ciphertext = encrypt(merged)
            row.field_names = names
            row.updated_by = user
            row.save(update_fields=["ciphertext", "field_names", "updated_by", "updated_at"])
    logger.info("credentials of channel %s updated (fields: %s)", channel.pk, ", ".join(names))


def rekey() -> int:
    """Encrypt every stored row again under the first key; returns how many rows."""
    fernet = _fernet()
    count = 0
    with transaction.atomic():
        for row in ChannelCredentials.objects.select_for_update():
            row.ciphertext = fernet.rotate(row.ciphertext.encode()).decode()
            row.save(update_fields=["ciphertext", "updated_at"])
            count += 1
    return count
