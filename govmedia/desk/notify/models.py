"""One notice to a submitter (an SMS or an e-mail), kept until it is sent or given up."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")  # retried while next_attempt_at is set


class Notification(models.Model):
    message = models.ForeignKey(
        "desk.Message", on_delete=models.CASCADE, related_name="notifications"
    )
    via = models.CharField(_("方式"), max_length=10)  # "sms" or "email"
    to = models.CharField(_("发送至"), max_length=254)
    text = models.TextField(_("内容"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    external_id = models.CharField(_("网关回执"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        app_label = "desk"
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return f"{self.via} → {self.to}"
