from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """The last run of each periodic job; its row is also the lock that stops two workers running it at once."""

    name = models.CharField(_("任务"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近完成"), null=True, blank=True)
    last_ok = models.BooleanField(_("最近是否成功"), default=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name


class KeptForm(models.Model):
    """A form posted after its sender's session had expired, kept until they log in again.

    Only its sender may restore it (core/rescue.py); it is deleted once restored
    or discarded, and expired rows are purged whenever rows are read or written.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField(_("提交地址"), max_length=2000)
    # [[name, value], …] in the order posted, the CSRF token left out.
    fields = models.JSONField(_("提交的内容"), default=list)
    # Names of file fields whose files could not be kept.
    lost_files = models.JSONField(_("未能保存的文件"), default=list, blank=True)
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("登录过期时暂存的内容")
        verbose_name_plural = _("登录过期时暂存的内容")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.path} {self.created_at:%Y-%m-%d %H:%M}"


class WorkerProcess(models.Model):
    """A running `govmedia worker`, known by the heartbeat it keeps writing.

    Work claimed by a worker (a task row, a delivery) names the worker; when
    its heartbeat stops, or its process is gone from this host, the work is
    recovered at once instead of after a long fixed timeout.
    """

    worker_id = models.CharField(_("进程标识"), max_length=64, unique=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    heartbeat_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("后台进程")
        verbose_name_plural = _("后台进程")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
