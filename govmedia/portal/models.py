"""The public site's root page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

HOME_LATEST_ITEMS = 10
# /xxgk/<department code>/<year>-<serial>/: the path of every item below the home page.
ITEM_PATH_DEPTH = 3


class HomePage(Page):
    intro = RichTextField(_("首页简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["publishing.CatalogueIndexPage"]
    max_count = 1
    template = "portal/home.html"

    class Meta:
        verbose_name = _("门户首页")

    def route(self, request, path_components):
        # Item pages are most of the traffic. Wagtail's walk down the tree costs
        # two queries per level; one indexed lookup by slug and full URL path
        # finds the same page, with its department and category joined in.
        if len(path_components) == ITEM_PATH_DEPTH:
            from govmedia.publishing.models import ItemPage

            url_path = self.url_path + "/".join(path_components) + "/"
            item = (
                ItemPage.objects.select_related("department", "category")
                .filter(slug=path_components[-1], url_path=url_path)
                .first()
            )
            if item is not None:
                # The item decides: live, withdrawn (410 page) or not public (404).
                return item.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from govmedia.portal.views import department_tree
        from govmedia.publishing.models import CatalogueIndexPage, DisclosureCategory, ItemPage

        context = super().get_context(request, *args, **kwargs)
        context["latest_items"] = (
            ItemPage.objects.live()
            .select_related("department", "category")
            .defer("body")
            # By 发布日期 as the catalogue lists them: an item imported or
            # back-dated today is not newer than one published yesterday.
            .order_by("-publish_date", "-first_published_at", "-pk")[:HOME_LATEST_ITEMS]
        )
        context["department_tree"] = department_tree()
        context["categories"] = DisclosureCategory.objects.all()
        context["catalogue_page"] = CatalogueIndexPage.objects.live().first()
        return context


class SearchTerm(models.Model):
    """One row of the inverted index: how often a term occurs in one live item.

    The filter columns (department, category, date) are copied from the item so
    a search is answered from this table alone, through the (term, page) index.
    """

    term = models.CharField(_("词"), max_length=40)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    title_count = models.PositiveIntegerField(_("标题中出现次数"), default=0)
    body_count = models.PositiveIntegerField(_("正文中出现次数"), default=0)
    department = models.ForeignKey(
        "orgs.Department", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "publishing.DisclosureCategory", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    publish_date = models.DateField(_("发布日期"))

    class Meta:
        # One covering index answers a search without touching the table: the
        # term lookup, the grouping by page, the ranking sums and the filters.
        # (term, page) is unique by construction: an item's rows are replaced
        # in one transaction.
        indexes = [
            models.Index(
                fields=[
                    "term",
                    "page",
                    "title_count",
                    "body_count",
                    "publish_date",
                    "department",
                    "category",
                ],
                name="portal_searchterm_cover",
            )
        ]
        verbose_name = _("检索词")
        verbose_name_plural = _("检索词")

    def __str__(self) -> str:
        return f"{self.term} @ {self.page_id}"


class AnnualReport(models.Model):
    """政府信息公开工作年度报告, published by each body by the statutory deadline."""

    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveIntegerField(_("报告年度"))
    title = models.CharField(_("标题"), max_length=200)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("报告文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("报告页面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("报告作为一条政府信息发布时，选择该页面。"),
    )
    published_at = models.DateTimeField(
        _("公开时间"), null=True, blank=True, help_text=_("留空表示尚未公开。")
    )

    class Meta:
        ordering = ["-year", "department__order", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"], name="portal_annualreport_department_year"
            )
        ]
        verbose_name = _("政府信息公开工作年度报告")
        verbose_name_plural = _("政府信息公开工作年度报告")

    def __str__(self) -> str:
        return self.title
