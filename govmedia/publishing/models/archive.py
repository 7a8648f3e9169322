"""The sealed archive (建档): an append-only, hash-chained, signed record.

Each record holds the item's text and metadata as published, the SHA-256 of
the previous record, and an Ed25519 signature over its own canonical bytes.
The chain logic is plain Python in `govmedia.publishing.seal`; this model only
stores it. Nothing here is ever updated or deleted: a correction or withdrawal
appends a new record.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveKind(models.TextChoices):
    PUBLISH = "publish", _("发布")
    CORRECTION = "correction", _("更正")
    WITHDRAWAL = "withdrawal", _("撤稿")


class ArchiveRecord(models.Model):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("信息"),
        null=True,
        on_delete=models.SET_NULL,
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
