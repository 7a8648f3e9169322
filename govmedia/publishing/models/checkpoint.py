"""Signed checkpoints of the transparency log (Certificate Transparency's signed tree heads).

Each row is exactly what was signed (see `govmedia.publishing.tlog`), so the
file served at /seal/checkpoints/<id>.json is the row as stored and anyone can
check it with the public key alone. Rows are only ever added.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Checkpoint(models.Model):
    format = models.CharField(_("格式"), max_length=40)
    origin = models.CharField(_("日志标识"), max_length=200)
    tree_size = models.PositiveBigIntegerField(_("记录数"), db_index=True)
    root_hash = models.CharField(_("默克尔树根哈希"), max_length=64)
    # The exact text that was signed; `made_at` is the same instant for sorting and display.
    timestamp = models.CharField(_("签署时间"), max_length=40)
    made_at = models.DateTimeField(_("签署时间"), db_index=True)
    key_id = models.CharField(_("密钥标识"), max_length=64)
    signature = models.CharField(_("签名"), max_length=128)

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("日志检查点")
        verbose_name_plural = _("日志检查点")

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size} @ {self.timestamp}"

    def as_signed(self) -> dict[str, Any]:
        """The checkpoint as signed and served: the signed fields plus the signature."""
        return {
            "format": self.format,
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": self.signature,
        }
