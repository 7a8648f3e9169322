"""The sealed archive (建档): an append-only, hash-chained, signed record.

Each record holds the item's text and metadata as published, the SHA-256 of
the previous record, and an Ed25519 signature over its own canonical bytes.
The chain logic is plain Python in `govmedia.publishing.seal`; this model only
stores it. Nothing here is ever updated or deleted: a correction or withdrawal
appends a new record, and database triggers (`publishing.db_guards`) refuse
UPDATE and DELETE even to code that bypasses the ORM.

`SealKey` is the public keyring: every key that ever sealed a record, with
its validity period, so that records stay verifiable after a rotation and on
machines that never hold the private key.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Version of the payload layout that `archive.item_payload` writes into new
# records. Records from before it was introduced carry no version (read as 1);
# version 3 adds the signed-off channel renditions' hashes.
PAYLOAD_VERSION = 3


class ArchiveKind(models.TextChoices):
    PUBLISH = "publish", _("发布")
    CORRECTION = "correction", _("更正")
    WITHDRAWAL = "withdrawal", _("撤稿")


class ArchiveRecord(models.Model):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    # PROTECT: an item that has a sealed record can never be deleted, and the
    # link is never nulled. It stays nullable only for rows written before
    # migration 0003, whose item had already been deleted.
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("信息"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    index_number = models.CharField(_("索引号"), max_length=60, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ArchiveKind.choices)
    note = models.TextField(_("说明"), blank=True)
    # The canonical JSON of what was published; `payload_sha256` is its digest.
    payload = models.JSONField(_("内容"))
    payload_sha256 = models.CharField(max_length=64)
    prev_hash = models.CharField(_("前一记录哈希"), max_length=64)
    record_hash = models.CharField(_("本记录哈希"), max_length=64, unique=True)
    signature = models.CharField(_("签名"), max_length=128)
    key_id = models.CharField(_("密钥标识"), max_length=64)
    sealed_at = models.DateTimeField(_("建档时间"))
    actor = models.CharField(_("操作人"), max_length=150, blank=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("档案记录")
        verbose_name_plural = _("档案记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.index_number} {self.get_kind_display()}"

    @property
    def payload_version(self) -> int:
        return int(self.payload.get("payload_version", 1)) if self.payload else 1


class SealKey(models.Model):
    """One Ed25519 public key of the electronic seal, kept for ever.

    Made only by `govmedia setup` (the first key) and `govmedia archive
    rotate-key`; the private half lives in GOVMEDIA_SEAL_KEY_FILE, never here.
    A trigger refuses DELETE and any change of the key material; the only
    UPDATE allowed is retiring a key once.
    """

    key_id = models.CharField(_("密钥标识"), max_length=64, unique=True)
    algorithm = models.CharField(_("算法"), max_length=20, default="ed25519")
    public_key_pem = models.TextField(_("公钥"))
    valid_from = models.DateTimeField(_("启用时间"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    created_by = models.CharField(_("创建人"), max_length=150, blank=True)
    retired_by = models.CharField(_("停用人"), max_length=150, blank=True)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["valid_from", "pk"]
        verbose_name = _("印章密钥")
        verbose_name_plural = _("印章密钥")

    def __str__(self) -> str:
        return self.key_id

    @property
    def is_current(self) -> bool:
        return self.retired_at is None
