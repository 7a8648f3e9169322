"""Word lists, the leader table and the findings kept per published page."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from govmedia.checks import findings as f
from govmedia.checks.lists import BOUNDARY_ANY, BOUNDARY_WORD, ListEntry, make_entry
from govmedia.checks.rules.leaders import Leader

LIST_CATEGORY_CHOICES = [
    (f.SENSITIVE, _("敏感词")),
    (f.EXPRESSION, _("错误或过时提法")),
    (f.TYPO, _("错别字")),
    (f.ALLOW, _("例外（允许）")),
]
CATEGORY_CHOICES = [(c, f.CATEGORY_LABELS[c]) for c in f.CATEGORIES]
SEVERITY_CHOICES = [
    (f.BLOCKING, _("阻断")),
    (f.WARNING, _("警告")),
    (f.INFO, _("提示")),
]


class WordListEntry(models.Model):
    """One row of a word list kept in the database; the engine adds these to the built-in lists."""

    term = models.CharField(_("词条"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=LIST_CATEGORY_CHOICES)
    subcategory = models.CharField(
        _("子类"), max_length=50, blank=True, help_text=_("如涉政、涉黄、涉赌、违法广告")
    )
    severity = models.CharField(
        _("级别"), max_length=10, choices=SEVERITY_CHOICES, default=f.WARNING
    )
    suggestion = models.CharField(_("修改建议"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    source = models.CharField(
        _("来源"), max_length=100, blank=True, help_text=_("导入的文件名或手工录入")
    )
    boundary = models.CharField(
        _("匹配位置"),
        max_length=10,
        blank=True,
        default="",
        choices=[
            ("", _("默认")),
            (BOUNDARY_WORD, _("按词边界")),
            (BOUNDARY_ANY, _("任意位置")),
        ],
        help_text=_(
            "默认：两三个字的错别字按词边界，其余在任意位置匹配。按词边界时，"
            "跨越其他词语的匹配不提示，如“协商确定”中的“商确”"
        ),
    )
    since = models.DateField(
        _("过时日期"),
        null=True,
        blank=True,
        help_text=_("自该日起此名称或提法已过时（如机构改革之日），成文日期早于该日的文件不提示"),
    )
    exceptions = models.TextField(
        _("例外语境"),
        blank=True,
        help_text=_(
            "包含本词条、但不应提示的较长短语，用“|”分隔，如“税务机关代开发票|申请代开发票”"
        ),
    )
    enabled = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("词库条目")
        verbose_name_plural = _("词库")
        ordering = ["category", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "category"], name="checks_wordlistentry_term_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term}（{self.get_category_display()}）"

    # The columns of a list file (lists.py), in the order of ``list_row``.
    LIST_COLUMNS = (
        "term",
        "category",
        "severity",
        "suggestion",
        "subcategory",
        "note",
        "boundary",
        "since",
        "except",
    )

    def list_row(self) -> list[str]:
        return [
            self.term,
            self.category,
            self.severity,
            self.suggestion,
            self.subcategory,
            self.note,
            self.boundary,
            self.since.isoformat() if self.since else "",
            self.exceptions,
        ]

    def clean(self) -> None:
        # The rules of list files, so that a row saved here is one the engine can use.
        try:
            make_entry(self.list_row(), defaults={}, source="db")
        except ValueError as exc:
            message = str(exc)
            if message.startswith("exception "):
                raise ValidationError(
                    {"exceptions": _("每个例外短语都必须包含本词条，并且比词条长。")}
                ) from exc
            if "shorter than" in message:
                raise ValidationError(
                    {"term": _("词条去掉空格和标点后至少要有两个字，否则会误报太多。")}
                ) from exc
            raise ValidationError(message) from exc

    def to_entry(self) -> ListEntry:
        """The engine's entry; raises ValueError for a row the list rules refuse."""
        return make_entry(self.list_row(), defaults={}, source="db")


class WordListImport(models.Model):
    """One import of a word-list file: the object its audit entry (govmedia.wordlist_import) is about."""

    source = models.CharField(_("文件"), max_length=100)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    skipped = models.PositiveIntegerField(_("跳过"), default=0)
    entries_before = models.PositiveIntegerField(_("导入前条数"))
    entries_after = models.PositiveIntegerField(_("导入后条数"))

    class Meta:
        verbose_name = _("词库导入")
        verbose_name_plural = _("词库导入")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"词库导入：{self.source}"


class Official(models.Model):
    """A post held by an official: the leader table that name-and-title checks compare against."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    title = models.CharField(_("职务"), max_length=100)
    organisation = models.CharField(_("单位"), max_length=200, blank=True)
    start_date = models.DateField(_("任职日期"), null=True, blank=True)
    end_date = models.DateField(_("免职日期"), null=True, blank=True, help_text=_("在任的留空"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("领导职务")
        verbose_name_plural = _("领导职务")
        ordering = ["name", "-start_date"]

    def __str__(self) -> str:
        return f"{self.organisation}{self.title} {self.name}"

    def to_leader(self) -> Leader:
        return Leader(self.name, self.title, self.organisation, self.start_date, self.end_date)


class ContentFinding(models.Model):
    """A finding in a published page, kept so that inspection can count and follow it up."""

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        FIXED = "fixed", _("已修正")
        ACCEPTED = "accepted", _("已确认无误")

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("页面"),
        on_delete=models.CASCADE,
        related_name="content_findings",
    )
    revision_id = models.PositiveBigIntegerField(_("版本"), null=True, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=CATEGORY_CHOICES)
    severity = models.CharField(_("级别"), max_length=10, choices=SEVERITY_CHOICES)
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))
    text = models.CharField(_("原文"), max_length=500)
    suggestion = models.CharField(_("修改建议"), max_length=500, blank=True)
    rule = models.CharField(_("规则"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    note = models.CharField(_("处理说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")
        ordering = ["page_id", "start"]
        indexes = [models.Index(fields=["page", "state"], name="checks_finding_page_state")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.text}"

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two findings the same problem, wherever the text moved."""
        return (self.category, self.rule, self.text)
