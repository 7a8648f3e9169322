"""Government information items (政府信息) and the page tree that holds them.

The tree is  首页 → 政府信息公开 (CatalogueIndexPage, /xxgk/) → one
DepartmentIndexPage per department (/xxgk/<code>/) → ItemPage
(/xxgk/<code>/<year>-<serial>/). Wagtail page permissions are granted per
department page, so an editor sees only their own department's drafts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager, PageQuerySet
from wagtail.search import index
from wagtail.url_routing import RouteResult

from govmedia.publishing.forms import ItemPageForm
from govmedia.publishing.panels import CheckReportPanel, RenditionsPanel


class DisclosureCategory(models.Model):
    """A category of the 主动公开 catalogue: the statutory ones and those an administrator adds."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    statutory_clause = models.CharField(
        _("条例依据"),
        max_length=40,
        blank=True,
        help_text=_("如：《政府信息公开条例》第二十条第（一）项"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("公开类别")
        verbose_name_plural = _("公开类别")

    def __str__(self) -> str:
        return self.name


class Validity(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")


class IndexCounter(models.Model):
    """Last 索引号 serial issued per department and year."""

    department = models.ForeignKey("orgs.Department", on_delete=models.CASCADE)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("department", "year")]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.year}: {self.last}"

    @classmethod
    def peek(cls, department_id: int, year: int) -> int:
        row = cls.objects.filter(department_id=department_id, year=year).first()
        return (row.last if row else 0) + 1

    @classmethod
    def allocate(cls, department_id: int, year: int) -> int:
        # A conditional UPDATE is atomic on SQLite and PostgreSQL alike, so two
        # editors saving at once never get the same serial.
        with transaction.atomic():
            cls.objects.get_or_create(department_id=department_id, year=year)
            cls.objects.filter(department_id=department_id, year=year).update(last=F("last") + 1)
            return cls.objects.get(department_id=department_id, year=year).last


def format_index_number(org_code: str, year: int, serial: int) -> str:
    width = settings.GOVMEDIA_INDEX_SERIAL_WIDTH
    return f"{org_code}/{year}-{serial:0{width}d}"


class CatalogueIndexPage(Page):
    """政府信息公开目录: browsable by department, category and year.

    Where it hangs is the site's business (the portal's home page lists it in
    its `subpage_types`), so publishing names no parent type here. Its
    template is looked up by name; the portal supplies it.
    """

    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["publishing.DepartmentIndexPage"]
    max_count = 1
    template = "portal/catalogue.html"

    class Meta:
        verbose_name = _("政府信息公开目录")

    def get_context(self, request, *args, department=None, **kwargs):
        from govmedia.publishing.catalogue import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request, self, department=department))
        return context


class DepartmentIndexPage(Page):
    """A department's section of the catalogue; its slug is the department's code."""

    department = models.OneToOneField(
        "orgs.Department",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="index_page",
    )

    content_panels = Page.content_panels + [FieldPanel("department")]
    parent_page_types = ["publishing.CatalogueIndexPage"]
    subpage_types = ["publishing.ItemPage"]
    template = "portal/catalogue.html"

    class Meta:
        verbose_name = _("机构信息公开栏目")

    def full_clean(self, *args, **kwargs):
        if self.department_id and not self.slug:
            self.slug = self.department.code_compact.lower()
        super().full_clean(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        # A department's section is the catalogue filtered to it, at its own address.
        catalogue = self.get_parent().specific
        return catalogue.get_context(request, *args, department=self.department, **kwargs)

    def permissions_for_user(self, user):
        from govmedia.publishing.permissions import DepartmentPermissionTester

        return DepartmentPermissionTester(user, self)


class ItemPageQuerySet(PageQuerySet):
    def in_catalogue(self, *, department_id: int | None = None, category_id: int | None = None):
        """Live items as the 公开目录 lists them: newest first, the body left unread."""
        items = self.live().select_related("department", "category").defer("body")
        if department_id:
            items = items.filter(department_id=department_id)
        if category_id:
            items = items.filter(category_id=category_id)
        return items.order_by("-publish_date", "-first_published_at", "-pk")

    def publish_years(self) -> list[int]:
        """The years these items were published in, latest first."""
        return [d.year for d in self.dates("publish_date", "year", order="DESC")]

    def live_counts_by_department(self) -> dict[int, int]:
        """Department id -> number of live items, for the department tree."""
        return dict(
            self.live()
            .order_by()
            .values("department_id")
            .annotate(n=Count("id"))
            .values_list("department_id", "n")
        )


ItemPageManager = PageManager.from_queryset(ItemPageQuerySet)


class ItemPage(Page):
    """One piece of government information, with the metadata of the 公开目录."""

    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="items",
        editable=False,
    )
    category = models.ForeignKey(
        DisclosureCategory,
        verbose_name=_("公开类别"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    index_number = models.CharField(_("索引号"), max_length=60, unique=True, editable=False)
    doc_number = models.CharField(
        _("文号"), max_length=80, blank=True, help_text=_("如：示政发〔2026〕3号")
    )
    issuing_body = models.CharField(
        _("发布机构"), max_length=120, blank=True, help_text=_("留空则为所属机构名称。")
    )
    written_date = models.DateField(_("成文日期"), null=True, blank=True)
    publish_date = models.DateField(_("发布日期"), null=True, blank=True, editable=False)
    validity = models.CharField(
        _("有效性"), max_length=20, choices=Validity.choices, default=Validity.VALID
    )
    is_policy = models.BooleanField(_("政策文件"), default=False)
    summary = models.TextField(_("摘要"), blank=True)
    body = RichTextField(_("正文"))
    interprets = ParentalManyToManyField(
        "self",
        verbose_name=_("解读的政策文件"),
        symmetrical=False,
        blank=True,
        related_name="interpretations",
        help_text=_("本条信息是政策解读时，选择它所解读的政策文件。"),
    )
    channels = ParentalManyToManyField(
        "orgs.Channel",
        verbose_name=_("同步发布渠道"),
        blank=True,
        help_text=_("门户网站始终发布；另选需要同步的新媒体账号或栏目。"),
    )
    correction_note = models.TextField(
        _("更正说明"),
        blank=True,
        help_text=_("已发布的信息再次发布即为更正，须说明更正内容和原因。"),
    )

    urgent = models.BooleanField(
        _("紧急"),
        default=False,
        editable=False,
        help_text=_("突发事件的权威发布：审核人立即收到通知，各待审列表中标为紧急。"),
    )

    objects = ItemPageManager()

    content_panels = [
        CheckReportPanel(heading=_("内容检查结果")),
        RenditionsPanel(heading=_("渠道稿件")),
        FieldPanel("title"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("category"), FieldPanel("validity")]),
                FieldRowPanel([FieldPanel("doc_number"), FieldPanel("issuing_body")]),
                FieldRowPanel([FieldPanel("written_date"), FieldPanel("is_policy")]),
                FieldPanel("interprets"),
            ],
            heading=_("公开目录信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading=_("附件"), label=_("附件")),
        FieldPanel("channels"),
        FieldPanel("correction_note"),
    ]
    promote_panels: list = []
    # A copy is a new item: it gets its own 索引号 and publication history.
    exclude_fields_in_copy = ["index_number", "publish_date", "correction_note"]
    parent_page_types = ["publishing.DepartmentIndexPage"]
    subpage_types: list = []
    template = "portal/item.html"
    base_form_class = ItemPageForm

    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.SearchField("summary"),
        index.SearchField("doc_number"),
        index.FilterField("department"),
        index.FilterField("category"),
    ]

    class Meta:
        verbose_name = _("政府信息")
        verbose_name_plural = _("政府信息")

    def get_admin_display_title(self):
        # Every admin queue (待我审核, the page listings, the workflow history) shows this title.
        title = super().get_admin_display_title()
        return f"【紧急】{title}" if self.urgent else title

    def permissions_for_user(self, user):
        # Wagtail's extension point: every admin view and page action asks this tester.
        from govmedia.publishing.permissions import ItemPermissionTester

        return ItemPermissionTester(user, self)

    @property
    def issuing_body_display(self) -> str:
        return self.issuing_body or self.department.name

    def _department_from_parent(self):
        # During `add_child` treebeard has set the path before the first save.
        if not self.path or self.depth <= 1:
            return None
        parent = Page.objects.filter(path=self.path[: -self.steplen]).first()
        if parent is None or not hasattr(parent.specific, "department"):
            return None
        return parent.specific.department

    def full_clean(self, *args, **kwargs):
        if not self.department_id:
            department = self._department_from_parent()
            if department is not None:
                self.department = department
        if not self.index_number and self.department_id:
            # Validation sees the next serial; `save` allocates it for real, so a
            # form that fails validation does not leave a gap in the numbering.
            year = timezone.localdate().year
            self.slug = f"{year}-{IndexCounter.peek(self.department_id, year):0{settings.GOVMEDIA_INDEX_SERIAL_WIDTH}d}"
        super().full_clean(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.pk:
            # Editing an item that was once published is a correction (更正): the
            # archive keeps both texts and the public sees why the text changed.
            from govmedia.publishing.models.archive import ArchiveRecord

            last = ArchiveRecord.objects.filter(page_id=self.pk).order_by("-seq").first()
            note = self.correction_note.strip()
            if last is not None and (not note or last.note.strip() == note):
                raise ValidationError(
                    {
                        "correction_note": _(
                            "本信息已经发布，修改后再次发布属于更正，请填写新的更正说明。"
                        )
                    }
                )

    def save(self, *args, **kwargs):
        if not self.department_id:
            department = self._department_from_parent()
            if department is None:
                raise ValidationError(_("政府信息必须建在某个机构的信息公开栏目下。"))
            self.department = department
        if not self.index_number:
            year = timezone.localdate().year
            serial = IndexCounter.allocate(self.department_id, year)
            self.index_number = format_index_number(self.department.code_compact, year, serial)
            self.slug = f"{year}-{serial:0{settings.GOVMEDIA_INDEX_SERIAL_WIDTH}d}"
        return super().save(*args, **kwargs)

    def route(self, request, path_components):
        # A withdrawn item's permanent address explains itself (HTTP 410)
        # instead of answering a bare 404; drafts never published still 404.
        if not path_components and not self.live and self.last_withdrawal_record() is not None:
            return RouteResult(self, kwargs={"withdrawn": True})
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        if kwargs.pop("withdrawn", False) and not self.live:
            return self.serve_withdrawn(request)
        return super().serve(request, *args, **kwargs)

    def last_withdrawal_record(self):
        """The sealed withdrawal record when the item's latest record is one, else None."""
        from govmedia.publishing.models.archive import ArchiveKind, ArchiveRecord

        last = ArchiveRecord.objects.filter(page_id=self.pk).order_by("-seq").first()
        return last if last is not None and last.kind == ArchiveKind.WITHDRAWAL else None

    def serve_withdrawn(self, request):
        """The 410 page: when and in which category it was withdrawn, never the text or the reason."""
        from govmedia.publishing.models.withdrawal import Withdrawal

        record = self.last_withdrawal_record()
        withdrawal = Withdrawal.objects.filter(record=record).first()
        context = {
            "page": self,
            "record": record,
            "withdrawn_at": withdrawal.withdrawn_at if withdrawal else record.sealed_at,
            "category": withdrawal.get_category_display() if withdrawal else _("未分类"),
        }
        return TemplateResponse(request, "portal/withdrawn.html", context, status=410)

    @property
    def preview_modes(self):
        # The portal page, then one mode per publisher of the chosen channels
        # (微信图文, 微博, 推送JSON, 人工发布): the renditions the approver signs off.
        from govmedia.publishing.renditions import preview_modes

        return [("", _("门户页面")), *preview_modes(self)]

    def serve_preview(self, request, mode_name):
        if not mode_name:
            return super().serve_preview(request, mode_name)
        from govmedia.publishing.renditions import rendition_response

        return rendition_response(request, self, mode_name)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = [a for a in self.attachments.all() if a.document_id]
        # A preview or a draft is this page rebuilt from a revision: its `interprets`
        # is then modelcluster's in-memory FakeQuerySet (no `.live()`), and an item
        # not saved yet has no reverse relation at all. Query the live pages by id.
        interprets_ids = [page.pk for page in self.interprets.all()]
        context["interprets_live"] = ItemPage.objects.filter(pk__in=interprets_ids).live()
        context["interpretations"] = (
            self.interpretations.live().specific() if self.pk else ItemPage.objects.none()
        )
        return context


class ItemAttachment(Orderable):
    page = ParentalKey(ItemPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("显示名称"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    def __str__(self) -> str:
        return self.title or (self.document.title if self.document_id else "")
