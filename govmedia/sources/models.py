"""Sources, what they published (entries) and whether they answered (probes).

A `Source` is one thing we read: a feed, a website column, an article page,
a JSON API, an exported table. It knows nothing of departments: inspection
links an orgs.Channel to a Source, opinion monitoring a watch plan, each in
its own tables. The row is also the source's work queue: `run_source` claims
it with a conditional UPDATE on `status`, records progress and errors on it,
and schedules the next run in `next_run_at`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FEED = "feed", _("RSS/Atom 订阅")
    COLUMN = "column", _("网站栏目列表页")
    ARTICLE = "article", _("文章页")
    JSONAPI = "jsonapi", _("JSON 接口")
    TABULAR = "tabular", _("导出表格（.xlsx/.csv）")


class Status(models.TextChoices):
    IDLE = "idle", _("未读取")
    RUNNING = "running", _("读取中")
    OK = "ok", _("正常")
    ERROR = "error", _("出错")


class Source(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(
        _("地址"),
        max_length=2000,
        blank=True,
        help_text=_("订阅、栏目、文章或接口的网址；导出表格可留空，改为上传文件。"),
    )
    config = models.JSONField(
        _("读取设置"),
        default=dict,
        blank=True,
        help_text=_("各类型的设置见 docs/source-readers.md，例如栏目页的 CSS 选择器。"),
    )
    every_minutes = models.PositiveIntegerField(
        _("读取间隔（分钟）"), default=60, help_text=_("0 表示不定时读取，只在手动时读取。")
    )
    probe_every_minutes = models.PositiveIntegerField(
        _("可用性检测间隔（分钟）"),
        default=60,
        help_text=_(
            "默认每 60 分钟一次，即每天 24 次，不少于《政府网站与政务新媒体检查指标》要求的 20 次；0 表示不检测。"
        ),
    )
    enabled = models.BooleanField(_("启用"), default=True)

    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IDLE)
    progress = models.CharField(_("进度"), max_length=300, blank=True)
    next_run_at = models.DateTimeField(_("下次读取"), null=True, blank=True)
    next_probe_at = models.DateTimeField(_("下次检测"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("上次读取"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("上次成功"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    last_error_code = models.CharField(_("错误类别"), max_length=40, blank=True)
    last_error_at = models.DateTimeField(_("出错时间"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    last_warnings = models.JSONField(_("最近提示"), default=list, blank=True)
    # Conditional requests: the validators the server gave with the last full answer.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Who runs it now, so a run left by a dead worker can be taken over.
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("信息源")
        verbose_name_plural = _("信息源")
        indexes = [
            models.Index(fields=["enabled", "next_run_at"], name="sources_due_idx"),
            models.Index(fields=["enabled", "next_probe_at"], name="sources_probe_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def status_summary(self) -> str:
        """The status as the list shows it: with the progress while running."""
        label = str(self.get_status_display())
        if self.status == Status.RUNNING and self.progress:
            return f"{label}：{self.progress}"
        if self.status == Status.ERROR and self.consecutive_failures > 1:
            return f"{label}（连续 {self.consecutive_failures} 次）"
        return label

    status_summary.short_description = _("状态")  # type: ignore[attr-defined]

    def last_error_short(self) -> str:
        if not self.last_error:
            return ""
        return self.last_error if len(self.last_error) <= 40 else self.last_error[:40] + "…"

    last_error_short.short_description = _("最近错误")  # type: ignore[attr-defined]

    @property
    def is_running(self) -> bool:
        return self.status == Status.RUNNING

    def schedule_after(self, moment) -> None:
        """Set next_run_at from `moment` and the interval (None: only run by hand)."""
        self.next_run_at = (
            moment + timedelta(minutes=self.every_minutes) if self.every_minutes else None
        )

    def probes_website(self) -> bool:
        return bool(self.url) and self.probe_every_minutes > 0 and self.kind != Kind.TABULAR

    def latest_entries(self, limit: int = 50):
        return self.entries.order_by(models.F("published_at").desc(nulls_last=True), "-pk")[:limit]

    def availability(self, days: int = 7) -> tuple[int, int]:
        """(successful probes, all probes) over the last `days` days."""
        since = timezone.now() - timedelta(days=days)
        probes = self.probes.filter(at__gte=since)
        return probes.filter(ok=True).count(), probes.count()


class Entry(models.Model):
    """One thing a source published, as last read. Kept when a later read fails."""

    source = models.ForeignKey(
        Source, verbose_name=_("信息源"), on_delete=models.CASCADE, related_name="entries"
    )
    key = models.CharField(_("标识"), max_length=1000)
    url = models.URLField(_("链接"), max_length=2000, blank=True)
    title = models.CharField(_("标题"), max_length=1000, blank=True)
    text = models.TextField(_("正文"), blank=True)
    author = models.CharField(_("作者"), max_length=200, blank=True)
    parent_key = models.CharField(_("上级标识"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    date_text = models.CharField(_("页面上的日期"), max_length=200, blank=True)
    first_seen_at = models.DateTimeField(_("首次读到"))
    last_seen_at = models.DateTimeField(_("最近读到"))
    content_hash = models.CharField(max_length=64, blank=True)
    extra = models.JSONField(_("其他"), default=dict, blank=True)

    class Meta:
        verbose_name = _("条目")
        verbose_name_plural = _("条目")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="sources_entry_unique_key")
        ]
        indexes = [
            models.Index(fields=["source", "published_at"], name="sources_entry_pub_idx"),
            models.Index(fields=["source", "first_seen_at"], name="sources_entry_seen_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.key


class Probe(models.Model):
    """One availability check of a source's address (GET, 15-second time-out)."""

    source = models.ForeignKey(
        Source, verbose_name=_("信息源"), on_delete=models.CASCADE, related_name="probes"
    )
    at = models.DateTimeField(_("检测时间"))
    ok = models.BooleanField(_("可用"))
    status_code = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("耗时（毫秒）"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("可用性检测")
        verbose_name_plural = _("可用性检测")
        indexes = [models.Index(fields=["source", "at"], name="sources_probe_at_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.at:%Y-%m-%d %H:%M} {'可用' if self.ok else '不可用'}"
