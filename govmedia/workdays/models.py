"""The years an administrator entered, each with its holidays and make-up workdays.

The built-in years come from the chinesecalendar package and are not stored;
a year stored here replaces the package's schedule for that year entirely
(see service.build_calendar).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from govmedia.workdays import schedule


class HolidayYear(models.Model):
    class Source(models.TextChoices):
        BUILTIN = "builtin", _("内置")
        ADMIN = "admin", _("管理员录入")

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("来源"),
        max_length=10,
        choices=Source.choices,
        default=Source.ADMIN,
        help_text=_("内置：随软件提供的安排（已固定到数据库）；管理员录入：按通知录入。"),
    )
    announced_by = models.CharField(
        _("通知文号"), max_length=100, blank=True, help_text=_("例如：国办发明电〔2025〕7号")
    )
    note = models.TextField(_("说明"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("节假日年度安排")
        verbose_name_plural = _("节假日年度安排")

    def __str__(self) -> str:
        return f"{self.year} 年"

    def entries(self) -> list[schedule.Entry]:
        return [day.entry() for day in self.days.order_by("day")]


class SpecialDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = schedule.HOLIDAY, _("放假")
        WORKDAY = schedule.WORKDAY, _("调休上班")

    year = models.ForeignKey(
        HolidayYear, verbose_name=_("年份"), on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=schedule.MAX_NAME_LENGTH)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("放假或调休上班日")
        verbose_name_plural = _("放假和调休上班日")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.year_id and self.day and self.year.year != self.day.year:
            raise ValidationError({"day": _("日期不在所属年份内。")})

    def entry(self) -> schedule.Entry:
        return schedule.Entry(day=self.day, name=self.name, kind=self.kind)
