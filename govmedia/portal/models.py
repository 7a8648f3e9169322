"""The public site's pages (the home, the disclosure pages) and its footer settings."""

from __future__ import annotations

from django.db import models
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.url_routing import RouteResult

HOME_LATEST_ITEMS = 10
# /xxgk/<department code>/<year>-<serial>/: the path of every item below the home page.
ITEM_PATH_DEPTH = 3


class HomePage(Page):
    intro = RichTextField(_("首页简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["publishing.CatalogueIndexPage", "portal.DisclosurePage"]
    max_count = 1
    template = "portal/home.html"

    class Meta:
        verbose_name = _("门户首页")

    def route(self, request, path_components):
        try:
            return self._route(request, path_components)
        except Http404:
            # An address typed or pasted with the 索引号 as printed (upper-case
            # organisation code) names an item whose address is lower case:
            # send the reader there for good instead of answering 404.
            lowered = [component.lower() for component in path_components]
            if lowered == path_components:
                raise
            found = self._route(request, lowered)
            target = found[0].get_url(request=request)
            if not target:
                raise
            query = request.META.get("QUERY_STRING", "")
            return RouteResult(
                self, kwargs={"redirect_to": f"{target}?{query}" if query else target}
            )

    def serve(self, request, *args, **kwargs):
        redirect_to = kwargs.pop("redirect_to", None)
        if redirect_to:
            return HttpResponsePermanentRedirect(redirect_to)
        return super().serve(request, *args, **kwargs)

    def _route(self, request, path_components):
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


class HttpsURLField(models.URLField):
    """A link typed without a scheme ("beian.example.gov.cn") means the https address."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class DisclosurePage(Page):
    """A page of text the 公开办 keeps up to date: the 指南, the 制度, the 法定主动公开内容.

    `govmedia setup` makes the three with a placeholder (portal/bootstrap.py);
    their wording is the disclosure office's to write in the admin.
    """

    body = RichTextField(_("正文"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list = []
    template = "portal/disclosure_page.html"

    class Meta:
        verbose_name = _("政府信息公开说明页面")
        verbose_name_plural = _("政府信息公开说明页面")


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    """What the footer of every public page says about who runs the site.

    Every field is empty until the site's operator fills it in: these are
    registration numbers and names the site holds in the real world, so none is
    made up, and an empty one is simply not shown.
    """

    sponsor = models.CharField(_("主办单位"), max_length=200, blank=True)
    organizer = models.CharField(_("承办单位"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=60, blank=True)
    address = models.CharField(_("联系地址"), max_length=200, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    site_code = models.CharField(
        _("网站标识码"),
        max_length=40,
        blank=True,
        help_text=_("政府网站普查后分配给本网站的标识码。"),
    )
    icp_number = models.CharField(_("ICP备案号"), max_length=60, blank=True)
    icp_url = HttpsURLField(
        _("ICP备案查询链接"), blank=True, help_text=_("填写后，ICP备案号链接到此地址。")
    )
    police_number = models.CharField(_("公安机关备案号"), max_length=60, blank=True)
    police_url = HttpsURLField(
        _("公安机关备案查询链接"), blank=True, help_text=_("填写后，公安机关备案号链接到此地址。")
    )
    gov_mark_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("党政机关网站标识图片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("上传开办审核后取得的党政机关网站标识；留空则不显示。"),
    )
    gov_mark_url = HttpsURLField(
        _("党政机关网站标识链接"), blank=True, help_text=_("点击标识时打开的核验地址。")
    )

    select_related = ["gov_mark_image"]

    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("sponsor"), FieldPanel("organizer")])], heading=_("单位")
        ),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("address"), FieldPanel("email")],
            heading=_("联系方式"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("site_code"),
                FieldRowPanel([FieldPanel("icp_number"), FieldPanel("icp_url")]),
                FieldRowPanel([FieldPanel("police_number"), FieldPanel("police_url")]),
                FieldRowPanel([FieldPanel("gov_mark_image"), FieldPanel("gov_mark_url")]),
            ],
            heading=_("标识与备案"),
        ),
    ]

    class Meta:
        verbose_name = _("网站页脚信息")

    def has_contact(self) -> bool:
        return bool(self.phone or self.address or self.email)

    def has_registration(self) -> bool:
        return bool(
            self.site_code or self.icp_number or self.police_number or self.gov_mark_image_id
        )


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
