"""Opinion monitoring's tables: plans, posts, events, the 辟谣库, alerts, incidents and releases.

The pipeline itself (grouping, duplicates, sentiment, rumours) is plain
Python in pipeline.py; these rows are what it reads and writes in the worker.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Vendor(models.Model):
    """A data vendor allowed to push posts; only the SHA-256 of its token is kept."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("令牌前缀"), max_length=8, editable=False)
    enabled = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # The scope of its posts (access.vendor_plan_ids): none chosen, every plan of the
    # installation; else only these departments' plans (and those under them) and these plans.
    departments = models.ManyToManyField(
        "orgs.Department",
        blank=True,
        related_name="+",
        verbose_name=_("限定机构"),
        help_text=_("只为这些机构（含下级机构）的监测方案提供帖子；与“限定监测方案”都不选则不限。"),
    )
    plans = models.ManyToManyField(
        "MonitoringPlan",
        blank=True,
        related_name="vendors",
        verbose_name=_("限定监测方案"),
        help_text=_("只为这些监测方案提供帖子；与“限定机构”都不选则不限。"),
    )

    class Meta:
        verbose_name = _("数据供应商")
        verbose_name_plural = _("数据供应商")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.token_hash:
            # Added in the admin: no usable token until `govmedia opinion_vendor <name>` issues one.
            self.token_hash = hash_token(secrets.token_hex(32))
            self.token_prefix = "（未发放）"[:8]
        super().save(*args, **kwargs)

    def scope_label(self) -> str:
        names = [d.name for d in self.departments.all()] + [p.name for p in self.plans.all()]
        return "、".join(names) or "不限"

    def issue_token(self) -> str:
        """A new token (shown once); the old one stops working when saved."""
        token = "op_" + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_prefix = token[:8]
        return token

    @classmethod
    def for_token(cls, token: str) -> Vendor | None:
        return cls.objects.filter(token_hash=hash_token(token), enabled=True).first()


class MonitoringPlan(models.Model):
    """监测方案: what one department watches, as a keyword expression (expr.py)."""

    name = models.CharField(_("方案名称"), max_length=100)
    department = models.ForeignKey(
        "orgs.Department",
        on_delete=models.CASCADE,
        related_name="monitoring_plans",
        verbose_name=_("机构"),
    )
    expression = models.TextField(
        _("关键词表达式"),
        help_text=_(
            "可用 AND（或 +）、OR（或 |）、NOT（或 -）、括号和 NEAR/n 邻近，例：(地铁 OR 公交) AND 停运"
        ),
    )
    exclusions = models.TextField(
        _("排除词"), blank=True, help_text=_("每行一个；含任一排除词的帖子不计入。")
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("负责分析员"),
    )
    watch_names = models.BooleanField(
        _("关注本机构名称和领导姓名"),
        default=True,
        help_text=_("帖子提到本机构名称或领导姓名时也预警。"),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监测方案")
        verbose_name_plural = _("监测方案")
        ordering = ["department__name", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from govmedia.opinion.plans import expression_error

        problem = expression_error(self.expression)
        if problem:
            raise ValidationError({"expression": problem})

    def exclusion_words(self) -> list[str]:
        return [w.strip() for w in self.exclusions.splitlines() if w.strip()]

    def watched_names(self) -> list[str]:
        from govmedia.opinion.plans import watched_names

        return watched_names(self.department) if self.watch_names else []


class EventStatus(models.TextChoices):
    OPEN = "open", _("发展中")
    INCIDENT = "incident", _("已立为事件")
    CLOSED = "closed", _("已结束")


class Event(models.Model):
    """A group of posts about one happening, as the pipeline grouped them."""

    key = models.CharField(max_length=64, unique=True)  # the pipeline's event id
    title = models.CharField(_("标题"), max_length=300)
    first_seen = models.DateTimeField(_("首帖时间"))
    last_seen = models.DateTimeField(_("最近帖子"))
    size = models.PositiveIntegerField(_("帖子数"), default=0)
    heat = models.FloatField(_("热度"), default=0)
    negative_share = models.FloatField(_("负面占比"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=EventStatus.choices, default=EventStatus.OPEN
    )
    departments = models.ManyToManyField("orgs.Department", blank=True, related_name="+")

    class Meta:
        verbose_name = _("舆情事件")
        verbose_name_plural = _("舆情事件")
        ordering = ["-heat"]

    def __str__(self) -> str:
        return self.title


class Verdict(models.TextChoices):
    FALSE = "false", _("不实")
    MISLEADING = "misleading", _("误导")
    UNPROVEN = "unproven", _("待证实")
    TRUE = "true", _("属实")


class Claim(models.Model):
    """辟谣库: a claim that circulated, the verdict on it and the authoritative rebuttal."""

    text = models.TextField(_("说法"))
    verdict = models.CharField(
        _("结论"), max_length=12, choices=Verdict.choices, default=Verdict.FALSE
    )
    date = models.DateField(_("辟谣日期"), default=timezone.localdate)
    rebuttal_url = models.URLField(_("辟谣链接"), max_length=1000, blank=True)
    rebuttal = models.TextField(_("辟谣要点"), blank=True)
    department = models.ForeignKey(
        "orgs.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布机构"),
    )

    class Meta:
        verbose_name = _("辟谣条目")
        verbose_name_plural = _("辟谣库")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.text[:40]


class PostStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    DONE = "done", _("已处理")
    FAILED = "failed", _("处理失败")


class Origin(models.TextChoices):
    SOURCE = "source", _("信息源")
    PUSH = "push", _("供应商推送")
    IMPORT = "import", _("导入")
    DESK = "desk", _("政民互动")


class PostRecord(models.Model):
    """One post as received, then as the pipeline judged it.

    `channel` names where it came from ("source:3", "vendor:2", "desk",
    "import:<file>"); a key is unique per channel, so a delivery received twice
    is stored once.
    """

    channel = models.CharField(max_length=120)
    key = models.CharField(_("标识"), max_length=500)
    origin = models.CharField(_("来源类别"), max_length=10, choices=Origin.choices)
    source = models.ForeignKey(
        "sources.Source", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    author = models.CharField(_("作者"), max_length=200, blank=True)
    text = models.TextField(_("内容"))
    at = models.DateTimeField(_("发帖时间"))
    engagement = models.PositiveIntegerField(_("互动量"), default=0)
    parent_key = models.CharField(_("转发/回复自"), max_length=500, blank=True)
    url = models.URLField(_("链接"), max_length=2000, blank=True)
    platform = models.CharField(_("平台"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    status = models.CharField(max_length=8, choices=PostStatus.choices, default=PostStatus.PENDING)
    error = models.TextField(_("处理错误"), blank=True)
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    sentiment = models.CharField(_("情感"), max_length=10, blank=True)
    sentiment_score = models.FloatField(_("情感分值"), null=True, blank=True)
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )

    class Meta:
        verbose_name = _("帖子")
        verbose_name_plural = _("帖子")
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="opinion_post_unique_key")
        ]
        indexes = [models.Index(fields=["status", "id"]), models.Index(fields=["event", "at"])]

    def __str__(self) -> str:
        return self.text[:40]


class AlertReason(models.TextChoices):
    HEAT = "heat", _("热度超过阈值")
    NEGATIVE = "negative", _("负面占比高")
    BURST = "burst", _("突发增长")
    NAME = "name", _("提及机构或领导")
    RUMOUR = "rumour", _("与辟谣库中的说法相符")
    PLAN = "plan", _("命中监测方案")


class Alert(models.Model):
    """One warning about an event, sent once per event and reason."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(_("原因"), max_length=10, choices=AlertReason.choices)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    plan = models.ForeignKey(
        MonitoringPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("预警时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    channels = models.JSONField(_("发送结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "reason"], name="opinion_alert_once_per_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_reason_display()}"


class Level(models.TextChoices):
    I = "1", _("特别重大")  # noqa: E741
    II = "2", _("重大")
    III = "3", _("较大")
    IV = "4", _("一般")


class IncidentKind(models.TextChoices):
    TRAFFIC = "traffic", _("交通事故")
    FIRE = "fire", _("火灾")
    FLOOD = "flood", _("洪涝灾害")
    FOOD = "food", _("食品安全")
    GAS = "gas", _("燃气泄漏")
    OTHER = "other", _("其他")


def default_marks() -> list[float]:
    return list(settings.GOVMEDIA_OPINION_MARKS_HOURS)


class Incident(models.Model):
    """舆情事件处置: one incident answered by one department, with its response clock."""

    title = models.CharField(_("事件名称"), max_length=200)
    kind = models.CharField(
        _("类别"), max_length=10, choices=IncidentKind.choices, default=IncidentKind.OTHER
    )
    events = models.ManyToManyField(Event, related_name="incidents", verbose_name=_("舆情事件"))
    alert = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任机构")
    )
    level = models.CharField(_("级别"), max_length=1, choices=Level.choices, default=Level.IV)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    facts = models.TextField(_("已核实的情况"), blank=True)
    measures = models.TextField(_("已采取的措施"), blank=True)
    started_at = models.DateTimeField(_("计时起点（首帖时间）"))
    marks_hours = models.JSONField(_("时限（小时）"), default=default_marks)
    escalated_marks = models.JSONField(default=list, blank=True)
    first_release_at = models.DateTimeField(_("首次权威发布"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("计时停止"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("立项时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("舆情处置")
        verbose_name_plural = _("舆情处置")
        ordering = ["-started_at"]
        permissions = [("analyse", "舆情分析")]

    def __str__(self) -> str:
        return self.title

    def deadline(self, hours: float) -> datetime:
        return self.started_at + timedelta(hours=hours)

    def marks(self, now: datetime | None = None) -> list[dict]:
        """Each mark: its deadline, the time left (negative: overdue), met or missed once stopped."""
        now = now or timezone.now()
        rows = []
        for hours in self.marks_hours:
            due = self.deadline(hours)
            end = self.stopped_at or now
            rows.append(
                {
                    "hours": hours,
                    "due": due,
                    "left_seconds": int((due - now).total_seconds()),
                    "stopped": self.stopped_at is not None,
                    "met": self.stopped_at is not None and self.stopped_at <= due,
                    "missed": end > due,
                }
            )
        return rows

    def response_seconds(self) -> int | None:
        if self.stopped_at is None:
            return None
        return int((self.stopped_at - self.started_at).total_seconds())


class ReleaseKind(models.TextChoices):
    FIRST = "first", _("首发通报")
    PROGRESS = "progress", _("进展通报")
    RESULT = "result", _("结果通报")


class Release(models.Model):
    """An authoritative release of an incident: a publishing item on the expedited path."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="releases")
    kind = models.CharField(_("类别"), max_length=10, choices=ReleaseKind.choices)
    item = models.ForeignKey(
        "publishing.ItemPage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drafted_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["drafted_at"]

    def __str__(self) -> str:
        return f"{self.incident} · {self.get_kind_display()}"
