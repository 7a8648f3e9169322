from __future__ import annotations

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
