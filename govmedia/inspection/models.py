"""What inspection keeps: the watched channels, the rule table, rounds and their
results, rectification notices and alerts. The judging itself is judge.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govmedia.inspection import judge


class ColumnType(models.TextChoices):
    HOME = judge.HOME, _("首页")
    NEWS = judge.NEWS, _("动态要闻")
    NOTICE = judge.NOTICE, _("通知公告")
    POLICY = judge.POLICY, _("政策文件")
    INTERACTION = judge.INTERACTION, _("互动交流")
    OTHER = judge.OTHER, _("其他")
    NEW_MEDIA = judge.NEW_MEDIA, _("新媒体账号")


class DepartmentProfile(models.Model):
    department = models.OneToOneField(
        "orgs.Department",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="inspection_profile",
    )
    has_external_services = models.BooleanField(
        _("有对外服务"),
        default=True,
        help_text=_("无对外服务的部门按 75 分计分，再乘以 4/3 折算为百分制。"),
    )

    class Meta:
        verbose_name = _("巡检机构设置")
        verbose_name_plural = _("巡检机构设置")

    def __str__(self) -> str:
        return str(self.department)


class WatchedChannel(models.Model):
    channel = models.OneToOneField(
        "orgs.Channel", verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="watch"
    )
    source = models.ForeignKey(
        "sources.Source",
        verbose_name=_("信息源"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="watched_channels",
    )
    own_items = models.BooleanField(
        _("按本平台发布的信息判断"),
        default=False,
        help_text=_("本平台门户的栏目：以本机构在本平台公开的信息（可限定公开类别）代替抓取。"),
    )
    own_category = models.ForeignKey(
        "publishing.DisclosureCategory",
        verbose_name=_("公开类别"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    column_type = models.CharField(
        _("栏目类型"), max_length=20, choices=ColumnType.choices, default=ColumnType.OTHER
    )
    should_update = models.BooleanField(_("应更新"), default=True)
    enabled = models.BooleanField(_("纳入巡检"), default=True)

    class Meta:
        verbose_name = _("巡检渠道")
        verbose_name_plural = _("巡检渠道")

    def __str__(self) -> str:
        return str(self.channel)


class Rule(models.Model):
    """One figure of the indicators; the national value is the default (docs/inspection.md)."""

    code = models.CharField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("指标"), max_length=200)
    value = models.FloatField(_("取值"))
    default = models.FloatField(_("国家标准值"))
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    is_veto = models.BooleanField(_("单项否决"), default=False)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("巡检指标")
        verbose_name_plural = _("巡检指标")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> judge.Rules:
        values = dict(judge.DEFAULTS)
        values.update(dict(cls.objects.values_list("code", "value")))
        return judge.Rules(values)


class InspectionRound(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    period_end = models.DateField(_("检查截止日"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    channels = models.PositiveIntegerField(_("渠道数"), default=0)
    departments = models.PositiveIntegerField(_("机构数"), default=0)
    spread = models.JSONField(_("温差"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-period_end"]
        verbose_name = _("巡检轮次")
        verbose_name_plural = _("巡检轮次")

    def __str__(self) -> str:
        return f"{self.period_end:%Y-%m-%d} 巡检"


class State(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    WARNED = "warned", _("预警")
    VETOED = "vetoed", _("单项否决")


class ChannelResult(models.Model):
    round = models.ForeignKey(
        InspectionRound, on_delete=models.CASCADE, related_name="channel_results"
    )
    watched = models.ForeignKey(WatchedChannel, on_delete=models.CASCADE, related_name="results")
    department = models.ForeignKey("orgs.Department", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("得分"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    latest_at = models.DateTimeField(_("最近更新"), null=True, blank=True)
    entries = models.PositiveIntegerField(_("条目数"), default=0)
    problems = models.JSONField(_("问题"), default=list)
    rhythm = models.JSONField(_("更新节奏"), default=dict)

    class Meta:
        verbose_name = _("渠道巡检结果")
        verbose_name_plural = _("渠道巡检结果")
        constraints = [
            models.UniqueConstraint(fields=["round", "watched"], name="inspection_channel_once")
        ]
        indexes = [models.Index(fields=["department", "round"], name="inspection_chres_dept")]

    def __str__(self) -> str:
        return f"{self.watched} {self.score:g}"


class DepartmentResult(models.Model):
    round = models.ForeignKey(
        InspectionRound, on_delete=models.CASCADE, related_name="department_results"
    )
    department = models.ForeignKey("orgs.Department", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("得分"))
    deduction = models.FloatField(_("扣分"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    passed = models.BooleanField(_("合格"))
    has_external_services = models.BooleanField(_("有对外服务"), default=True)
    channels = models.PositiveIntegerField(_("渠道数"), default=0)
    rank = models.PositiveIntegerField(_("排名"), default=0)
    problems = models.JSONField(_("问题"), default=list)  # the department's own and its channels'

    class Meta:
        ordering = ["rank"]
        verbose_name = _("机构巡检结果")
        verbose_name_plural = _("机构巡检结果")
        constraints = [
            models.UniqueConstraint(fields=["round", "department"], name="inspection_dept_once")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.score:g}"

    @property
    def vetoed(self) -> bool:
        return self.state == State.VETOED


class Notice(models.Model):
    """整改通知: one per department and round with problems, tracked to 已整改 and confirmed."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFIED = "rectified", _("已整改")
        CONFIRMED = "confirmed", _("已确认")
        REOPENED = "reopened", _("整改未通过")

    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="notices")
    issued_on = models.DateField(_("下发日期"))
    deadline = models.DateField(_("整改期限"))
    deadline_provisional = models.BooleanField(default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    problems = models.JSONField(_("问题及证据"), default=list)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rectification_note = models.TextField(_("整改说明"), blank=True)
    checked_round = models.ForeignKey(
        InspectionRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    remaining = models.JSONField(_("复查仍存在的问题"), default=list, blank=True)

    class Meta:
        ordering = ["-issued_on", "department__order"]
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        constraints = [
            models.UniqueConstraint(fields=["round", "department"], name="inspection_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.department} 整改通知（{self.issued_on:%Y-%m-%d}）"


class Alert(models.Model):
    """A channel nearing a veto, told to its responsible person once per silence."""

    watched = models.ForeignKey(WatchedChannel, on_delete=models.CASCADE, related_name="alerts")
    code = models.CharField(_("类型"), max_length=40)
    # What makes the alert the same one: the last update it counts from.
    # (1970-01-01 for a channel that never published a dated entry).
    since = models.DateField(_("最近更新日"))
    created_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)
    message = models.TextField(_("内容"))
    email = models.CharField(_("发送至"), max_length=200, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)
    seen = models.BooleanField(_("已读"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("临近否决提醒")
        verbose_name_plural = _("临近否决提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["watched", "code", "since"],
                name="inspection_alert_once",
            )
        ]

    def __str__(self) -> str:
        return self.message
