"""An item revision in one channel's form (a rendition), stored as the approver signed it off.

Made when the item reaches its approval step (and at the latest when it is
signed off or first sent), one row per revision and channel, from the
channel's publisher (`Publisher.render`). The approver sees each rendition
(the item's preview modes, the links on the approval step) and signs them off
with the item: the sign-off's log entry and the sealed archive record keep
their SHA-256, and the publisher sends the stored content
(`Publisher.rendition_for`), never a rendering made later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelRendition(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="channel_renditions"
    )
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(
        "orgs.Channel", verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="renditions"
    )
    publisher = models.CharField(_("发布器"), max_length=40)
    content = models.JSONField(_("渠道稿件"))
    # SHA-256 of the content's canonical JSON (seal.canonical_json).
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    signed_off_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "channel"], name="one_rendition_per_revision_and_channel"
            )
        ]
        ordering = ["channel_id"]
        verbose_name = _("渠道稿件")
        verbose_name_plural = _("渠道稿件")

    def __str__(self) -> str:
        return f"{self.channel_id}@{self.revision_id} {self.sha256[:12]}"
