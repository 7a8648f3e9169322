"""What the annual disclosure report holds that no data source gives: entered by the editor.

One row per year and department: the free-text sections (一、总体情况,
五、存在的主要问题及改进情况, 六、其他需要报告的事项), the figures of table 二
the platform cannot count (规章, 行政许可, 行政处罚, 行政强制, 行政事业性收费), and
table 四 (行政复议 and 行政诉讼), until a source for them exists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualReportText(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="+"
    )
    overview = models.TextField(_("一、总体情况"), blank=True)
    problems = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、其他需要报告的事项"), blank=True)
    # Cell key -> figure (desk/annual_report.py names the keys).
    proactive = models.JSONField(_("主动公开情况（人工填写部分）"), default=dict, blank=True)
    review_litigation = models.JSONField(_("行政复议、行政诉讼情况"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "desk"
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")
        constraints = [
            models.UniqueConstraint(fields=["year", "department"], name="desk_annual_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.year}年度"
