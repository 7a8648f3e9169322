"""Withdrawals (撤稿) as the public sees them: when, and the category of the reason.

The sealed `ArchiveRecord` is the evidence; this row adds what the record's
header does not hold in a structured way: the reason's category, the only part
of the reason the public page shows, and the person as a user (not a name).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WithdrawalCategory(models.TextChoices):
    ERROR = "error", _("内容有误")
    PRIVACY = "privacy", _("涉及个人隐私")
    POLICY = "policy", _("政策调整")
    DUPLICATE = "duplicate", _("重复发布")
    OTHER = "other", _("其他")
    # Not offered on the withdraw form: set by the paths that unpublish without a person.
    EXPIRED = "expired", _("到期下线")
    SYSTEM = "system", _("系统下线")


# What a person may choose on the withdraw form.
FORM_CATEGORIES = [
    (c.value, c.label)
    for c in (
        WithdrawalCategory.ERROR,
        WithdrawalCategory.PRIVACY,
        WithdrawalCategory.POLICY,
        WithdrawalCategory.DUPLICATE,
        WithdrawalCategory.OTHER,
    )
]


class Withdrawal(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("信息"),
        on_delete=models.PROTECT,
        related_name="withdrawals",
    )
    record = models.OneToOneField(
        "publishing.ArchiveRecord",
        verbose_name=_("档案记录"),
        on_delete=models.PROTECT,
        related_name="withdrawal",
    )
    category = models.CharField(_("撤稿类别"), max_length=20, choices=WithdrawalCategory.choices)
    reason = models.TextField(_("撤稿理由"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤稿时间"))

    class Meta:
        ordering = ["-withdrawn_at", "-pk"]
        verbose_name = _("撤稿")
        verbose_name_plural = _("撤稿")

    def __str__(self) -> str:
        return f"{self.record.index_number} {self.get_category_display()}"
