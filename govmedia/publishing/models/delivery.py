"""One item version sent to one channel: the unit that is retried and shown."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发布")
    FAILED = "failed", _("失败")
    RETRACTED = "retracted", _("已撤回")
    # A channel without an API (抖音 …): the export is ready, a person posts it
    # and closes the delivery's 需人工发布 to-do with the post's address.
    MANUAL = "manual", _("待人工发布")


class RetractStatus(models.TextChoices):
    """Where taking a sent delivery back off its channel stands, after a withdrawal."""

    PENDING = "pending", _("待撤回")
    RETRACTING = "retracting", _("撤回中")
    DONE = "done", _("已撤回")
    FAILED = "failed", _("撤回失败")
    MANUAL = "manual", _("需人工撤回")


class Delivery(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="deliveries"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # None is the portal itself; otherwise the channel the item is synchronised to.
    channel = models.ForeignKey(
        "orgs.Channel", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    publisher = models.CharField(_("发布器"), max_length=40)
    # Publishing twice is worse than not at all: one key per page revision and
    # channel, and a publisher reuses `external_id` when it is already set.
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    external_id = models.CharField(_("渠道内编号"), max_length=200, blank=True)
    external_url = models.URLField(_("渠道内地址"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the channel confirmed the post (the row became SENT; for a manual
    # posting, when it was marked posted). Coverage and reach read it, never
    # `updated_at`, which moves again with a retraction.
    sent_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # The worker (core.WorkerProcess.worker_id) sending it while SENDING: when
    # that worker's heartbeat stops, the send is resumed by asking the channel.
    claimed_by = models.CharField(_("发送进程"), max_length=64, blank=True)
    # Retraction after a withdrawal: its own status, so a sent delivery stays
    # "sent" in the history while its removal is retried and shown.
    # What a multi-step channel has done so far for this delivery (WeChat:
    # uploaded media ids, the draft's media_id, the publish_id to poll), saved
    # after each remote step so a restarted sender resumes instead of repeating.
    progress = models.JSONField(_("发送进度"), default=dict, blank=True)
    retract_status = models.CharField(
        _("撤回状态"), max_length=20, choices=RetractStatus.choices, blank=True, default=""
    )
    retract_attempts = models.PositiveIntegerField(_("撤回尝试次数"), default=0)
    retract_error = models.TextField(_("撤回错误"), blank=True)
    retract_next_attempt_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("渠道发布记录")
        verbose_name_plural = _("渠道发布记录")

    def __str__(self) -> str:
        return f"{self.publisher} {self.get_status_display()}"

    def remember(self, **values) -> None:
        """Record a remote step at once, so a sender restarted after a crash finds it."""
        self.progress = {**self.progress, **values}
        Delivery.objects.filter(pk=self.pk).update(progress=self.progress)
