"""Reach: what happened to our posts on each channel, and each account's audience.

- `Post`: one post on one channel (a WeChat article, a Weibo status), linked to
  the item and the delivery that made it when we know them.
- `PostStat`: a post's figures on one day, either the increments of that day
  (DAILY, WeChat's getarticlesummary) or the running totals as of that day
  (TOTAL, WeChat's getarticletotal, Weibo's statuses/count, an export).
- `AccountDay`: an account's followers and posts on one day.
- `IndexScore`: a WCI or BCI of one account and period, with the formula
  version it was computed with, so a figure is never shown without it.

Every write is an upsert on the natural key, so pulling or importing the same
day twice changes nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The categories practitioners use in analyses of 上海发布's posts."""

    POLICY = "policy", _("政策发布/解读")
    NEWS = "news", _("实时资讯")
    SERVICE = "service", _("便民服务")
    EMERGENCY = "emergency", _("应急与求助")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    API = "api", _("接口拉取")
    IMPORT = "import", _("导入")
    DEMO = "demo", _("演示数据")


class StatKind(models.TextChoices):
    DAILY = "daily", _("当日增量")
    TOTAL = "total", _("截至当日累计")


class Post(models.Model):
    channel = models.ForeignKey(
        "orgs.Channel", verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="reach_posts"
    )
    # The platform's id (WeChat msgid "10000050_1", a Weibo status id) or, for an
    # export without ids, its link or "发布时间|标题".
    external_id = models.CharField(_("渠道内编号"), max_length=200)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    url = models.URLField(_("地址"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # False when only the day is known (WeChat's datacube gives the send date):
    # such posts count for their day but stay out of the hour-of-day distribution.
    time_known = models.BooleanField(_("发布时刻已知"), default=True)
    # WeChat: the first article of a mass send (头条), which WCI weighs on its own.
    is_headline = models.BooleanField(_("头条"), default=False)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reach_posts",
    )
    delivery = models.ForeignKey(
        "publishing.Delivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reach_posts",
    )
    category = models.CharField(
        _("分类（自动）"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    category_override = models.CharField(
        _("分类（人工）"), max_length=20, choices=Category.choices, blank=True, default=""
    )
    # Running totals of the newest figures, kept on the post for lists and top posts.
    reads = models.PositiveBigIntegerField(_("阅读"), default=0)
    likes = models.PositiveBigIntegerField(_("点赞"), default=0)
    wows = models.PositiveBigIntegerField(_("在看"), default=0)
    shares = models.PositiveBigIntegerField(_("转发/分享"), default=0)
    comments = models.PositiveBigIntegerField(_("评论/留言"), default=0)
    favourites = models.PositiveBigIntegerField(_("收藏"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("channel", "external_id")]
        ordering = ["-published_at", "pk"]
        verbose_name = _("渠道作品")
        verbose_name_plural = _("渠道作品")

    def __str__(self) -> str:
        return self.title or self.external_id

    @property
    def effective_category(self) -> str:
        return self.category_override or self.category

    def get_effective_category_display(self) -> str:
        return str(Category(self.effective_category).label)


METRICS = ("reads", "likes", "wows", "shares", "comments", "favourites")


class PostStat(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="stats")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("口径"), max_length=10, choices=StatKind.choices)
    reads = models.PositiveBigIntegerField(_("阅读"), default=0)
    likes = models.PositiveBigIntegerField(_("点赞"), default=0)
    wows = models.PositiveBigIntegerField(_("在看"), default=0)
    shares = models.PositiveBigIntegerField(_("转发/分享"), default=0)
    comments = models.PositiveBigIntegerField(_("评论/留言"), default=0)
    favourites = models.PositiveBigIntegerField(_("收藏"), default=0)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("post", "day", "kind")]
        ordering = ["day"]
        verbose_name = _("作品数据")
        verbose_name_plural = _("作品数据")

    def __str__(self) -> str:
        return f"{self.post} {self.day} {self.get_kind_display()}"


class AccountDay(models.Model):
    channel = models.ForeignKey(
        "orgs.Channel", verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="reach_days"
    )
    day = models.DateField(_("日期"))
    followers = models.PositiveBigIntegerField(_("粉丝数"), null=True, blank=True)
    new_followers = models.IntegerField(_("新增粉丝"), null=True, blank=True)
    unfollowers = models.PositiveIntegerField(_("取消关注"), null=True, blank=True)
    posts = models.PositiveIntegerField(_("发布数"), null=True, blank=True)
    # Weibo's users/show statuses_count, to count the day's posts from the difference.
    statuses_total = models.PositiveBigIntegerField(null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("channel", "day")]
        ordering = ["channel", "day"]
        verbose_name = _("账号日数据")
        verbose_name_plural = _("账号日数据")

    def __str__(self) -> str:
        return f"{self.channel} {self.day}"


class PeriodKind(models.TextChoices):
    DAY = "day", _("日")
    WEEK = "week", _("周")
    MONTH = "month", _("月")


class IndexScore(models.Model):
    channel = models.ForeignKey(
        "orgs.Channel",
        verbose_name=_("渠道"),
        on_delete=models.CASCADE,
        related_name="reach_scores",
    )
    index = models.CharField(_("指数"), max_length=10)  # "WCI" or "BCI"
    version = models.CharField(_("公式版本"), max_length=40)
    period = models.CharField(_("周期"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("起始日"))
    end = models.DateField(_("截止日"))
    value = models.FloatField(_("指数值"))
    # The formula's inputs (R, n, d, Rmax …), so a figure can be checked by hand.
    inputs = models.JSONField(_("计算输入"), default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("channel", "index", "version", "period", "start")]
        ordering = ["-start", "channel"]
        verbose_name = _("传播指数")
        verbose_name_plural = _("传播指数")

    def __str__(self) -> str:
        return f"{self.index} {self.value:.2f}（{self.version}）"
