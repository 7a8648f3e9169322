"""A channel's API credentials, encrypted at rest (publishing/credentials.py holds the key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelCredentials(models.Model):
    """The secrets a publisher needs for one channel (AppID/AppSecret, a token, a signing key).

    Only ciphertext is stored; the admin shows which fields are set, never
    their values (`field_names`), and nothing here is ever logged.
    """

    channel = models.OneToOneField(
        "orgs.Channel", on_delete=models.CASCADE, related_name="credentials"
    )
    ciphertext = models.TextField()
    # Names of the fields that hold a value, for "已设置" in the admin.
    field_names = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("渠道接口凭据")
        verbose_name_plural = _("渠道接口凭据")

    def __str__(self) -> str:
        return f"{self.channel} ({', '.join(self.field_names)})"

    def __repr__(self) -> str:
        # Never the ciphertext either: a repr lands in tracebacks and logs.
        return f"<ChannelCredentials channel={self.channel_id} fields={self.field_names}>"
