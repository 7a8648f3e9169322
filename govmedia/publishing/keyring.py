"""The seal's keys: the private key file on the sealing machine, the public keyring in the database.

Only two things ever make a private key: `govmedia setup` on a new
installation (`ensure_first_key`) and `govmedia archive rotate-key`
(`rotate_key`). Everything else reads: verification and the public pages use
the keyring alone, so a web node or a worker without the key file verifies
and serves, and publication without a usable key fails with `SealKeyError`
instead of quietly making a key nobody knows.
"""

from __future__ import annotations

import functools
import logging
import os
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core import checks
from django.db import connection, transaction
from django.utils import timezone
from wagtail.log_actions import log

from govmedia.publishing import seal
from govmedia.publishing.models import ArchiveRecord, SealKey

logger = logging.getLogger(__name__)

# Names the PostgreSQL advisory lock that serialises appends and rotations.
APPEND_LOCK_ID = 0x60B3ED1A

ACTION_KEY_CREATED = "govmedia.seal_key.create"
ACTION_KEY_ROTATED = "govmedia.seal_key.rotate"


class SealKeyError(RuntimeError):
    """The private seal key cannot be used. `str()` is for logs; `user_message` for the admin."""

    def __init__(self, message: str, user_message: str) -> None:
        super().__init__(message)
        self.user_message = user_message


def lock_archive() -> None:
    """Inside a transaction: wait for any other append or rotation to finish (PostgreSQL).

    SQLite admits one writer at a time, so it needs no lock of its own.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_ID])


def key_file() -> Path:
    return Path(settings.GOVMEDIA_SEAL_KEY_FILE)


def current_key() -> SealKey | None:
    return SealKey.objects.filter(retired_at__isnull=True).order_by("-valid_from", "-pk").first()


def current_key_id() -> str:
    """The id of the key that seals new records (the keyring's one key in service)."""
    key = current_key()
    if key is None:
        raise SealKeyError(
            "the seal keyring is empty: run `govmedia setup` to create the seal key",
            "尚未生成电子印章密钥，请系统管理员运行 govmedia setup。",
        )
    return key.key_id


@functools.lru_cache(maxsize=64)
def _public_key(pem: str) -> Ed25519PublicKey:
    return seal.load_public_key_pem(pem)


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key that ever sealed a record, by id, from the keyring."""
    return {k.key_id: _public_key(k.public_key_pem) for k in SealKey.objects.all()}


def key_periods() -> seal.KeyPeriods:
    return {k.key_id: (k.valid_from, k.retired_at) for k in SealKey.objects.all()}


@functools.lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int, _size: int) -> Ed25519PrivateKey:
    # Keyed by modification time and size, so a rotated file is read again.
    return seal.load_private_key(path)


def private_key() -> Ed25519PrivateKey:
    """The private key that seals new records; `SealKeyError` when it is missing or not current."""
    expected = current_key_id()
    path = key_file()
    try:
        stat = path.stat()
        key = _load(path, stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError as exc:
        raise SealKeyError(
            f"seal private key file {path} is missing: this machine cannot seal records "
            "(restore the file from the backup, or run `govmedia archive rotate-key`)",
            "电子印章私钥文件缺失，无法加盖电子印章。请联系系统管理员恢复密钥文件。",
        ) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise SealKeyError(
            f"seal private key file {path} cannot be read: {exc}",
            "电子印章私钥文件无法读取，无法加盖电子印章。请联系系统管理员。",
        ) from exc
    found = seal.key_id(key.public_key())
    if found != expected:
        raise SealKeyError(
            f"seal private key file {path} holds key {found}, but the keyring's current key is "
            f"{expected}: restore the right file or rotate the key",
            "电子印章私钥与登记的公钥不一致，无法加盖电子印章。请联系系统管理员。",
        )
    return key


def check_sealing_possible() -> None:
    """Raise `SealKeyError` unless this machine can seal a record now."""
    private_key()


def _second(moment: datetime) -> datetime:
    # Records are sealed at whole seconds; a key's period starts on the same grid.
    return moment.replace(microsecond=0)


def _register(key: Ed25519PublicKey, *, valid_from: datetime, actor: str, reason: str) -> SealKey:
    return SealKey.objects.create(
        key_id=seal.key_id(key),
        public_key_pem=seal.public_key_pem(key),
        valid_from=valid_from,
        created_by=actor,
        reason=reason,
    )


def _audit(sealkey: SealKey, action: str, user, data: dict) -> None:
    log(instance=sealkey, action=action, user=user, data={"key_id": sealkey.key_id, **data})
    logger.info("seal key %s: %s %s", sealkey.key_id, action, data)


@transaction.atomic
def ensure_first_key(*, actor: str, user=None) -> tuple[str, SealKey | None]:
    """For `govmedia setup`: make sure the keyring has a key, making one only on a new installation.

    Returns (what happened, the current key): "present", "registered" (a key
    file from before the keyring existed was entered in it), "created", or
    "absent" (the keyring has a key but this machine has no key file: it
    verifies and serves, and cannot seal).
    """
    lock_archive()
    path = key_file()
    current = current_key()
    if path.exists():
        try:
            public = seal.load_private_key(path).public_key()
        except (OSError, ValueError, TypeError) as exc:
            raise SealKeyError(
                f"seal private key file {path} cannot be read: {exc}", "电子印章私钥文件无法读取。"
            ) from exc
        found = seal.key_id(public)
        if current is not None and current.key_id == found:
            return "present", current
        if current is not None or SealKey.objects.filter(key_id=found).exists():
            raise SealKeyError(
                f"seal private key file {path} holds key {found}, which is not the keyring's "
                f"current key{f' {current.key_id}' if current else ''}: restore the right file, "
                "or run `govmedia archive rotate-key` to put a new key in service",
                "电子印章私钥与登记的公钥不一致。",
            )
        first = ArchiveRecord.objects.filter(key_id=found).order_by("seq").first()
        valid_from = first.sealed_at if first else _second(timezone.now())
        sealkey = _register(public, valid_from=valid_from, actor=actor, reason="登记已有的印章密钥")
        _audit(sealkey, ACTION_KEY_CREATED, user, {"by": actor, "origin": "existing key file"})
        return "registered", sealkey
    if current is not None:
        return "absent", current
    orphans = sorted(set(ArchiveRecord.objects.values_list("key_id", flat=True)))
    if orphans:
        raise SealKeyError(
            f"the archive holds records sealed with key(s) {', '.join(orphans)} but neither the "
            f"keyring nor {path} knows them: restore the key file and run setup again",
            "档案中已有记录，但找不到当时的印章密钥。",
        )
    key = seal.write_new_private_key(path)
    sealkey = _register(
        key.public_key(), valid_from=_second(timezone.now()), actor=actor, reason="初始印章密钥"
    )
    _audit(
        sealkey, ACTION_KEY_CREATED, user, {"by": actor, "origin": "generated", "file": str(path)}
    )
    return "created", sealkey


def rotate_key(*, actor: str, reason: str, user=None) -> tuple[SealKey | None, SealKey]:
    """Retire the current key and put a new one in service; returns (old, new).

    The old private key file is kept beside the new one as
    `<name>.retired-<key id>` for the operator to destroy or lock away; its
    public key stays in the keyring, so everything it sealed still verifies.
    """
    path = key_file()
    staging = path.with_name(f"{path.name}.new")
    staging.unlink(missing_ok=True)
    new_key = seal.write_new_private_key(staging)
    moved: list[tuple[Path, Path]] = []
    try:
        with transaction.atomic():
            lock_archive()
            old = current_key()
            now = _second(timezone.now())
            if old is not None:
                old.retired_at = now
                old.retired_by = actor
                old.save(update_fields=["retired_at", "retired_by"])
            # Both periods include `now`; the lock above keeps anything from sealing in between.
            new = _register(new_key.public_key(), valid_from=now, actor=actor, reason=reason)
            # The files move inside the transaction, so a failed commit can put them back.
            if path.exists():
                kept = path.with_name(f"{path.name}.retired-{old.key_id if old else 'unknown'}")
                os.replace(path, kept)
                moved.append((kept, path))
            os.replace(staging, path)
            moved.append((path, staging))
            _audit(
                new,
                ACTION_KEY_ROTATED,
                user,
                {"by": actor, "reason": reason, "retired": old.key_id if old else None},
            )
    except BaseException:
        for now_at, was_at in reversed(moved):
            os.replace(now_at, was_at)
        staging.unlink(missing_ok=True)
        raise
    return old, new


@checks.register()
def check_seal_key_file(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """govmedia.E122: a key file that is there but unusable stops publication at sign-off.

    A missing file is no error: web-only machines verify with the keyring.
    Whether the key matches the keyring needs the database, so `setup` and
    publication report that.
    """
    path = key_file()
    if not path.exists():
        return []
    try:
        seal.load_private_key(path)
    except (OSError, ValueError, TypeError) as exc:
        return [
            checks.Error(
                f"The seal key file GOVMEDIA_SEAL_KEY_FILE={str(path)!r} cannot be used: {exc}",
                hint="Give the govmedia user read access to it, or restore the file from the "
                "backup; until then no item can be published or withdrawn on this machine.",
                id="govmedia.E122",
            )
        ]
    return []
