"""Citizen messages (咨询, 投诉, 建议, 求助, 找错) and 依申请公开 requests.

One table for every kind: they share intake, routing, the answer clock, the
public timeline and the statistics; a disclosure request adds the fields the
law asks for (applicant type, ID or credit code, the form and way of delivery)
and its outcome. Every change is an event in `MessageEvent` (the timeline the
submitter sees, where `public` is set, and the staff's full history) made by
the functions of `desk/actions.py`, never by a bare save.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    HELP = "help", _("求助")
    ERROR = "error", _("找错")
    DISCLOSURE = "disclosure", _("依申请公开")


class Status(models.TextChoices):
    MODERATION = "moderation", _("待审核")  # caught by the content check (spam, ads)
    RECEIVED = "received", _("已收到")  # waiting to be dispatched
    HANDLING = "handling", _("办理中")
    AWAITING_CORRECTION = "awaiting_correction", _("待补正")
    CONSULTING = "consulting", _("征求第三方意见")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")  # spam or abuse, decided in moderation


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.HANDLING,
    Status.AWAITING_CORRECTION,
    Status.CONSULTING,
)


class ApplicantType(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class OrganisationKind(models.TextChoices):
    """The kinds of 法人或其他组织 in the annual report's table 三 (国办公开办函〔2021〕30号 format)."""

    BUSINESS = "business", _("商业企业")
    RESEARCH = "research", _("科研机构")
    CHARITY = "charity", _("社会公益组织")
    LEGAL = "legal", _("法律服务机构")
    OTHER = "other", _("其他")


class DeliveryForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子文档")
    DISC = "disc", _("光盘")
    OTHER = "other", _("其他")


class DeliveryWay(models.TextChoices):
    POST = "post", _("邮寄")
    EMAIL = "email", _("电子邮件")
    PICK_UP = "pick_up", _("当面领取")
    FAX = "fax", _("传真")
    ONLINE = "online", _("网上获取")


class Outcome(models.TextChoices):
    """The outcomes of a disclosure request, as the annual report's table counts them."""

    DISCLOSED = "disclosed", _("予以公开")
    PARTLY = "partly", _("部分公开")
    NOT_DISCLOSED = "not_disclosed", _("不予公开")
    UNAVAILABLE = "unavailable", _("无法提供")
    NOT_PROCESSED = "not_processed", _("不予处理")
    OTHER = "other", _("其他处理")


class OutcomeReason(models.TextChoices):
    # 不予公开
    STATE_SECRET = "state_secret", _("属于国家秘密")
    LAW_FORBIDS = "law_forbids", _("其他法律行政法规禁止公开")
    THREE_SAFETIES = "three_safeties", _("危及“三安全一稳定”")
    THIRD_PARTY = "third_party", _("保护第三方合法权益")
    INTERNAL = "internal", _("属于三类内部事务信息")
    PROCESS = "process", _("属于四类过程性信息")
    ENFORCEMENT_FILE = "enforcement_file", _("属于行政执法案卷")
    QUERY_MATTER = "query_matter", _("属于行政查询事项")
    # 无法提供
    NOT_HELD = "not_held", _("本机关不掌握相关政府信息")
    NEEDS_MAKING = "needs_making", _("没有现成信息需要另行制作")
    STILL_UNCLEAR = "still_unclear", _("补正后申请内容仍不明确")
    # 不予处理
    PETITION = "petition", _("信访举报投诉类申请")
    REPEATED = "repeated", _("重复申请")
    PUBLICATION = "publication", _("要求提供公开出版物")
    MASS_REPEATED = "mass_repeated", _("无正当理由大量反复申请")
    CONFIRM = "confirm", _("要求行政机关确认或重新出具已获取信息")
    # 其他处理
    NO_CORRECTION = (
        "no_correction",
        _("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    )
    FEE_UNPAID = (
        "fee_unpaid",
        _("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    )
    OTHER = "other", _("其他")


OUTCOME_REASONS: dict[str, tuple[str, ...]] = {
    Outcome.NOT_DISCLOSED: (
        OutcomeReason.STATE_SECRET,
        OutcomeReason.LAW_FORBIDS,
        OutcomeReason.THREE_SAFETIES,
        OutcomeReason.THIRD_PARTY,
        OutcomeReason.INTERNAL,
        OutcomeReason.PROCESS,
        OutcomeReason.ENFORCEMENT_FILE,
        OutcomeReason.QUERY_MATTER,
    ),
    Outcome.UNAVAILABLE: (
        OutcomeReason.NOT_HELD,
        OutcomeReason.NEEDS_MAKING,
        OutcomeReason.STILL_UNCLEAR,
    ),
    Outcome.NOT_PROCESSED: (
        OutcomeReason.PETITION,
        OutcomeReason.REPEATED,
        OutcomeReason.PUBLICATION,
        OutcomeReason.MASS_REPEATED,
        OutcomeReason.CONFIRM,
    ),
    Outcome.OTHER: (
        OutcomeReason.NO_CORRECTION,
        OutcomeReason.FEE_UNPAID,
        OutcomeReason.OTHER,
    ),
}


class Rating(models.IntegerChoices):
    """The five levels of 好差评 (政务服务“好差评”)."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    NEUTRAL = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_RATINGS = (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)


class Channel(models.TextChoices):
    WEB = "web", _("门户网站")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")
    STAFF = "staff", _("工作人员录入")


def hash_query_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_query_code() -> str:
    """Eight characters a person can read out: no 0/O, 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Message(models.Model):
    number = models.CharField(_("受理编号"), max_length=20, unique=True, null=True, blank=True)
    query_code_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    channel = models.CharField(
        _("来源"), max_length=12, choices=Channel.choices, default=Channel.WEB
    )
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    # The submitter.
    name = models.CharField(_("姓名或名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    applicant_type = models.CharField(
        _("申请人类型"), max_length=20, choices=ApplicantType.choices, blank=True
    )
    organisation_kind = models.CharField(
        _("单位类型"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    id_number = models.CharField(_("身份证件号码或统一社会信用代码"), max_length=40, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=60, blank=True)
    # 依申请公开: the form and the way of delivery wanted.
    delivery_form = models.CharField(
        _("获取信息的载体形式"), max_length=20, choices=DeliveryForm.choices, blank=True
    )
    delivery_way = models.CharField(
        _("获取信息的方式"), max_length=20, choices=DeliveryWay.choices, blank=True
    )
    wants_public = models.BooleanField(_("同意公开"), default=True)
    notify_by = models.CharField(_("通知方式"), max_length=10, blank=True)  # "", "sms", "email"
    # Where it is and what it concerns.
    item = models.ForeignKey(
        "publishing.ItemPage",
        verbose_name=_("相关信息"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # The clock (kept on the row for lists and statistics; desk/clock.py computes it).
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("期限暂定"), default=False)
    # The answer and what followed.
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # The answer's local date (the day staff gave as the answer's, which the
    # handling days count to): statistics group answers by it as receipts by
    # `received_on`, reading a narrow index instead of the rows.
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handling_days = models.IntegerField(_("办理用时（工作日）"), null=True, blank=True)
    on_time = models.BooleanField(_("按期答复"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.CharField(
        _("理由"), max_length=20, choices=OutcomeReason.choices, blank=True
    )
    fee = models.DecimalField(
        _("信息处理费（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    is_public = models.BooleanField(_("在门户公开"), default=False, db_index=True)
    rating = models.PositiveSmallIntegerField(
        _("评价"), choices=Rating.choices, null=True, blank=True
    )
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    follow_up_due = models.DateField(_("回访期限"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # The 回访's own reminder and escalation, each once per follow-up opened.
    follow_up_reminded_at = models.DateTimeField(_("回访提醒时间"), null=True, blank=True)
    follow_up_escalated_at = models.DateTimeField(_("回访督办时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    moderation_reason = models.CharField(_("审核原因"), max_length=200, blank=True)
    # The request that made it: a client's own key makes a resend land on the same row.
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    submitter_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("留言")
        verbose_name_plural = _("留言")
        indexes = [
            models.Index(fields=["department", "status", "due_on"]),
            models.Index(fields=["kind", "received_on"]),
            models.Index(fields=["is_public", "answered_at"]),
            # The statistics' overdue count (desk/stats.py): the open messages
            # only, by day of receipt, covering the query.
            models.Index(
                fields=["kind", "received_on", "department", "due_on"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="desk_msg_open_received",
            ),
        ]
        permissions = [
            ("handle_message", _("办理留言")),
            ("moderate_message", _("审核留言")),
            ("supervise_message", _("督办留言")),
        ]

    def __str__(self) -> str:
        return f"{self.number or '（未编号）'} {self.title}"

    def save(self, *args, **kwargs) -> None:
        # Rows written outside `do_answer_message` (imports, demo, tests) get the
        # answer's local date from its time.
        if self.answered_at is not None and self.answered_on is None:
            self.answered_on = timezone.localdate(self.answered_at)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "answered_on"}
        super().save(*args, **kwargs)

    def check_query_code(self, code: str) -> bool:
        return secrets.compare_digest(self.query_code_hash, hash_query_code(code))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EventKind(models.TextChoices):
    RECEIVED = "received", _("收到")
    MODERATED = "moderated", _("审核")
    DISPATCHED = "dispatched", _("分派")
    TRANSFERRED = "transferred", _("转办")
    NOTE = "note", _("办理记录")
    CORRECTION_REQUESTED = "correction_requested", _("补正通知")
    CORRECTION_RECEIVED = "correction_received", _("收到补正")
    CONSULTATION_STARTED = "consultation_started", _("征求第三方意见")
    CONSULTATION_ENDED = "consultation_ended", _("第三方意见征询结束")
    EXTENDED = "extended", _("延期答复")
    ANSWERED = "answered", _("答复")
    RATED = "rated", _("评价")
    FOLLOWED_UP = "followed_up", _("回访")
    REMINDED = "reminded", _("到期提醒")
    ESCALATED = "escalated", _("超期督办")
    CLOSED = "closed", _("办结")
    NOTIFIED = "notified", _("通知")


class MessageEvent(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"))
    on = models.DateField(_("日期"))  # the day that counts for the clock
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("公开"), default=False)  # shown on the submitter's timeline
    days = models.IntegerField(default=0)  # an extension's or a consultation's working days
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"desk/{instance.message_id}/{secrets.token_hex(8)}-{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(max_length=100, blank=True)
    public = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Dispatch by rule: the first enabled rule (by order) whose conditions all hold wins."""

    name = models.CharField(_("名称"), max_length=100)
    kinds = models.CharField(
        _("适用类型"), max_length=200, blank=True, help_text=_("逗号分隔；空为全部")
    )
    keywords = models.TextField(
        _("关键词"), blank=True, help_text=_("每行一个，命中任一即可；空为不限")
    )
    places = models.TextField(
        _("地点词"), blank=True, help_text=_("每行一个，命中任一即可；空为不限")
    )
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("分派至"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")

    def __str__(self) -> str:
        return self.name


# The notices to submitters live beside their notifiers (desk/notify/).
from govmedia.desk.notify.models import Notification, NotificationStatus  # noqa: E402, F401, I001

# The annual report's entered parts (desk/annual_report.py).
from govmedia.desk.annual_models import AnnualReportText  # noqa: E402, F401, I001

# The statistics' running counts, kept by triggers (desk/tally.py).
from govmedia.desk.tally_models import StatsLongTally, StatsTally  # noqa: E402, F401, I001
