"""Departments as a tree, people's roles in them, and the channels they run."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from govmedia.orgs import codes

# 统一社会信用代码 (GB 32100-2015) is 18 characters; the older 组织机构代码
# (GB 11714-1997) is 9, often with a hyphen before the check character. Either
# may stand in an 索引号. Both end in a check character (see orgs/codes.py).
ORG_CODE_PATTERN = re.compile(r"^([0-9A-HJ-NPQRTUWXY]{18}|[0-9A-Z]{8}-?[0-9X])$")


def validate_org_code(value: str) -> None:
    """Accept a 统一社会信用代码 or a 组织机构代码 whose check character is right."""
    if not ORG_CODE_PATTERN.match(value):
        raise ValidationError(
            _("机构代码应为18位统一社会信用代码或9位组织机构代码。"), code="invalid"
        )
    if len(value) == codes.USCC_LENGTH:
        if not codes.is_valid_uscc(value):
            raise ValidationError(
                _("统一社会信用代码“%(code)s”的校验码不正确（GB 32100），请核对后重新填写。"),
                code="check_digit",
                params={"code": value},
            )
    elif not codes.is_valid_org_code(value):
        raise ValidationError(
            _("组织机构代码“%(code)s”的校验码不正确（GB 11714），请核对后重新填写。"),
            code="check_digit",
            params={"code": value},
        )


# Digits, "+", "-", brackets and spaces: 010-12345678, (0755) 1234 5678, +86 138…
validate_phone = RegexValidator(
    r"^[0-9+\-()（） ]{3,30}$", _("电话号码格式不正确，只能包含数字、空格、+、- 和括号。")
)


class DepartmentKind(models.TextChoices):
    CITY = "city", _("市级政府")
    DISTRICT = "district", _("区县政府")
    TOWN = "town", _("乡镇街道")
    DEPARTMENT = "department", _("政府部门")


class OrgCodeField(models.CharField):
    """An organisation code as people type it: spaces dropped, letters upper-cased.

    Normalised in `to_python`, which every model validation runs (the admin's
    form, the import's forms), so "91350100m000100y" and "91350100 M000100Y"
    are the same code, checked and stored as 91350100M000100Y.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(value.split()).upper() if isinstance(value, str) else value


class Department(models.Model):
    name = models.CharField(_("名称"), max_length=120, unique=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = OrgCodeField(
        _("机构代码"),
        max_length=20,
        unique=True,
        validators=[validate_org_code],
        error_messages={"unique": _("机构代码已被另一机构使用。")},
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self) -> str:
        return self.name

    @property
    def code_compact(self) -> str:
        """The code as it stands in an 索引号 and a URL: upper case, no hyphen."""
        return self.code.replace("-", "").upper()

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("上级机构不能是本机构或其下级。")})
            ancestor = ancestor.parent

    def tree_label(self) -> str:
        """The name indented by depth, so a flat list reads as the tree."""
        depth = len(self.ancestors())
        return f"{'　' * 2 * depth}{'└ ' if depth else ''}{self.name}"

    tree_label.short_description = _("名称")  # type: ignore[attr-defined]
    tree_label.admin_order_field = "name"  # type: ignore[attr-defined]

    def ancestors(self) -> list[Department]:
        chain: list[Department] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self) -> set[int]:
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(
                Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.update(frontier)
        return ids


class Role(models.TextChoices):
    EDITOR = "editor", _("编辑")
    REVIEWER = "reviewer", _("审核人")
    APPROVER = "approver", _("分管领导")
    SUPERVISOR = "supervisor", _("监管员")
    ADMIN = "admin", _("管理员")


class Membership(models.Model):
    """A person's role in a department. One person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])

    class Meta:
        unique_together = [("user", "department", "role")]
        verbose_name = _("人员角色")
        verbose_name_plural = _("人员角色")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} · {self.department} · {self.get_role_display()}"


class ChannelKind(models.TextChoices):
    WEBSITE_COLUMN = "website_column", _("网站栏目")
    WECHAT = "wechat", _("微信公众号")
    WEIBO = "weibo", _("微博")
    DOUYIN = "douyin", _("抖音")
    TOUTIAO = "toutiao", _("头条号")
    APP = "app", _("客户端")


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    CLOSED = "closed", _("已关停")


class Channel(models.Model):
    """A website column or a new-media account a department runs."""

    # The fields a person edits, in the admin's form and in an imported row.
    EDITABLE_FIELDS = (
        "department",
        "kind",
        "name",
        "url",
        "account_id",
        "responsible",
        "responsible_phone",
        "update_every_days",
        "status",
    )

    department = models.ForeignKey(
        Department, verbose_name=_("主办机构"), on_delete=models.PROTECT, related_name="channels"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    url = models.URLField(
        _("网址"),
        blank=True,
        validators=[
            URLValidator(
                schemes=["http", "https"], message=_("网址无效，应以 http:// 或 https:// 开头。")
            )
        ],
    )
    account_id = models.CharField(_("账号"), max_length=120, blank=True)
    responsible = models.CharField(_("责任人"), max_length=60, blank=True)
    responsible_phone = models.CharField(
        _("责任人电话"), max_length=30, blank=True, validators=[validate_phone]
    )
    update_every_days = models.PositiveIntegerField(
        _("更新周期（天）"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("要求的最长更新间隔，用于巡检判断是否长期未更新。"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ChannelStatus.choices, default=ChannelStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["department__order", "kind", "name"]
        unique_together = [("department", "kind", "name")]
        verbose_name = _("渠道")
        verbose_name_plural = _("渠道")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        if self.kind == ChannelKind.WEBSITE_COLUMN and not self.url:
            raise ValidationError({"url": _("网站栏目须填写网址。")})
        if self.kind != ChannelKind.WEBSITE_COLUMN and not (self.account_id or self.url):
            raise ValidationError({"account_id": _("新媒体账号须填写账号或网址。")})


class Person(User):
    """A user seen as a person of the organisation: name, username, phone and roles.

    A proxy, so the orgs admin's 人员 area has its own URLs and permission policy
    without touching Wagtail's own user management.
    """

    class Meta:
        proxy = True
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.get_full_name() or self.get_username()

    def roles_summary(self) -> str:
        """Every role as “机构·角色”, for lists and exports."""
        return (
            "；".join(f"{m.department.name}·{m.get_role_display()}" for m in self.memberships.all())
            or "—"
        )

    roles_summary.short_description = _("机构与角色")  # type: ignore[attr-defined]
