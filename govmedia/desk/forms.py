"""The message page's action forms and the list filter, each calling one action of desk/actions.py.

A form validates what the person typed; the action validates what the law
and the message's state allow, and its ValidationError lands on the form, so
a refused answer comes back with the text still in it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from govmedia.desk import access, actions
from govmedia.desk.models import (
    OUTCOME_REASONS,
    Kind,
    Message,
    Outcome,
    OutcomeReason,
    RoutingRule,
    Status,
)
from govmedia.desk.policy import DISCLOSURE_EXTENSION_MAX
from govmedia.desk.queries import RUNNING_STATUSES
from govmedia.orgs.models import Department

TEXTAREA = forms.Textarea(attrs={"rows": 4})
DAY_HELP = "事项发生的日期，默认今天；按邮寄、当面等方式办理的，填写实际日期。"


def _departments():
    return Department.objects.filter(is_active=True).order_by("order", "id")


class ActionForm(forms.Form):
    """One action on one message: `run` calls it with the cleaned data."""

    action: str = ""
    submit_label = "提交"
    danger = False

    def __init__(self, *args: Any, message: Message, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.message = message
        self.say_what_is_required()

    def say_what_is_required(self) -> None:
        """Each required field's error names it ("请填写答复内容。"), not Django's generic text."""
        for field in self.fields.values():
            verb = "选择" if isinstance(field, forms.ChoiceField) else "填写"
            field.error_messages["required"] = f"请{verb}{field.label}。"

    @property
    def title(self) -> str:
        return actions.ACTION_LABELS[self.action]

    def run(self, user: Any) -> Any:
        raise NotImplementedError


class DayMixin(forms.Form):
    on = forms.DateField(
        label="日期",
        required=False,
        help_text=DAY_HELP,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_on(self):
        day = self.cleaned_data.get("on")
        if day and day > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天。")
        return day


class DispatchForm(ActionForm):
    action = access.DISPATCH
    submit_label = "分派"
    department = forms.ModelChoiceField(
        label="承办单位",
        queryset=Department.objects.none(),
        required=False,
        empty_label="按分派规则自动分派",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()

    def run(self, user):
        return actions.do_dispatch_message(self.message, user, self.cleaned_data["department"])


class TransferForm(ActionForm):
    action = access.TRANSFER
    submit_label = "转办"
    department = forms.ModelChoiceField(label="转至", queryset=Department.objects.none())
    reason = forms.CharField(
        label="转办理由", widget=TEXTAREA, help_text="仅内部可见；留言人只看到转往的单位。"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments().exclude(pk=self.message.department_id)

    def run(self, user):
        data = self.cleaned_data
        return actions.do_transfer_message(self.message, user, data["department"], data["reason"])


class NoteForm(ActionForm):
    action = access.NOTE
    submit_label = "保存记录"
    text = forms.CharField(label="办理情况", widget=TEXTAREA, help_text="仅内部可见。")

    def run(self, user):
        return actions.do_note_message(self.message, user, self.cleaned_data["text"])


class RequestCorrectionForm(DayMixin, ActionForm):
    action = access.REQUEST_CORRECTION
    submit_label = "发出补正通知"
    what = forms.CharField(
        label="需要补正的内容",
        widget=TEXTAREA,
        help_text="一次性告知申请人需要补正的事项和合理的补正期限；留言人可以看到。",
    )
    field_order = ["what", "on"]

    def run(self, user):
        data = self.cleaned_data
        return actions.do_request_correction_message(
            self.message, user, data["what"], on=data["on"]
        )


class ReceiveCorrectionForm(DayMixin, ActionForm):
    action = access.RECEIVE_CORRECTION
    submit_label = "登记收到补正"
    text = forms.CharField(label="说明", widget=TEXTAREA, required=False)
    field_order = ["text", "on"]

    def run(self, user):
        data = self.cleaned_data
        return actions.do_receive_correction_message(
            self.message, user, data["text"], on=data["on"]
        )


class StartConsultationForm(DayMixin, ActionForm):
    action = access.START_CONSULTATION
    submit_label = "开始征求意见"
    third_party = forms.CharField(label="第三方", max_length=200, help_text="仅内部可见。")
    field_order = ["third_party", "on"]

    def run(self, user):
        data = self.cleaned_data
        return actions.do_start_consultation_message(
            self.message, user, data["third_party"], on=data["on"]
        )


class EndConsultationForm(DayMixin, ActionForm):
    action = access.END_CONSULTATION
    submit_label = "结束征求意见"
    text = forms.CharField(label="第三方意见", widget=TEXTAREA, required=False)
    field_order = ["text", "on"]

    def run(self, user):
        data = self.cleaned_data
        return actions.do_end_consultation_message(self.message, user, data["text"], on=data["on"])


class ExtendForm(DayMixin, ActionForm):
    action = access.EXTEND
    submit_label = "延期"
    days = forms.IntegerField(
        label="延长工作日数",
        min_value=1,
        max_value=DISCLOSURE_EXTENSION_MAX,
        initial=DISCLOSURE_EXTENSION_MAX,
    )
    reason = forms.CharField(label="延期理由", widget=TEXTAREA, help_text="留言人可以看到。")
    approved_by = forms.CharField(
        label="批准人",
        max_length=100,
        required=False,
        help_text="延期须经政府信息公开工作机构负责人同意；监管员和本单位分管领导办理时可不填。",
    )
    field_order = ["days", "reason", "approved_by", "on"]

    def run(self, user):
        data = self.cleaned_data
        return actions.do_extend_message(
            self.message,
            user,
            data["days"],
            data["reason"],
            approved_by=data["approved_by"],
            on=data["on"],
        )


class AnswerForm(ActionForm):
    action = access.ANSWER
    submit_label = "答复"
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}))
    is_public = forms.BooleanField(
        label="在门户公开",
        required=False,
        help_text="留言人不同意公开的，不会公开；公开时个人信息做遮挡处理。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        message = self.message
        self.fields["is_public"].initial = message.wants_public
        if message.kind == Kind.DISCLOSURE:
            self.fields["outcome"] = forms.ChoiceField(
                label="处理结果", choices=[("", "请选择")] + list(Outcome.choices)
            )
            reasons = [
                (
                    str(Outcome(outcome).label),
                    [(r, OutcomeReason(r).label) for r in codes],
                )
                for outcome, codes in OUTCOME_REASONS.items()
            ]
            self.fields["outcome_reason"] = forms.ChoiceField(
                label="理由",
                required=False,
                choices=[("", "（无需理由）")] + reasons,
                help_text="不予公开、无法提供、不予处理和其他处理须选择理由。",
            )
            self.fields["fee"] = forms.DecimalField(
                label="信息处理费（元）",
                required=False,
                min_value=0,
                decimal_places=2,
                help_text="仅予以公开、部分公开且超出免费额度时按国办函〔2020〕109号收取。",
            )
            self.fields["personal"] = forms.BooleanField(
                label="涉及申请人个人信息（不在门户公开）", required=False
            )
            self.fields["is_public"].help_text = "公开时门户只显示处理结果，不显示答复全文。"
            self.say_what_is_required()
        if message.kind == Kind.ERROR and message.item_id:
            self.fields["corrected"] = forms.BooleanField(
                label="已更正",
                required=False,
                help_text="本信息已据此更正：答复将关联到该信息的最新版本和更正档案记录。",
            )

    def run(self, user):
        data = self.cleaned_data
        return actions.do_answer_message(
            self.message,
            user,
            data["text"],
            is_public=data["is_public"],
            outcome=data.get("outcome", ""),
            outcome_reason=data.get("outcome_reason", ""),
            fee=data.get("fee"),
            personal=data.get("personal", False),
            corrected=data.get("corrected", False),
        )


class FollowUpForm(ActionForm):
    action = access.FOLLOW_UP
    submit_label = "记录回访"
    text = forms.CharField(label="回访情况", widget=TEXTAREA, help_text="留言人可以看到。")

    def run(self, user):
        return actions.do_follow_up_message(self.message, user, self.cleaned_data["text"])


class CloseForm(ActionForm):
    action = access.CLOSE
    submit_label = "办结"
    text = forms.CharField(label="说明", widget=TEXTAREA, required=False)

    def run(self, user):
        return actions.do_close_message(self.message, user, self.cleaned_data["text"])


class ApproveForm(ActionForm):
    action = access.APPROVE
    submit_label = "审核通过，进入办理"

    def run(self, user):
        return actions.do_approve_message(self.message, user)


class RejectForm(ActionForm):
    action = access.REJECT
    submit_label = "不予受理"
    danger = True
    reason = forms.CharField(label="理由", widget=TEXTAREA, help_text="仅内部可见。")

    def run(self, user):
        return actions.do_reject_message(self.message, user, self.cleaned_data["reason"])


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        ApproveForm,
        RejectForm,
        DispatchForm,
        RequestCorrectionForm,
        ReceiveCorrectionForm,
        StartConsultationForm,
        EndConsultationForm,
        ExtendForm,
        AnswerForm,
        TransferForm,
        FollowUpForm,
        CloseForm,
        NoteForm,
    )
}


class MessageFilterForm(forms.Form):
    """全部留言's filters (GET)."""

    q = forms.CharField(label="关键词", required=False, help_text="标题、内容、受理编号或姓名")
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部")] + Kind.choices)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部")] + Status.choices
    )
    department = forms.ModelChoiceField(
        label="承办单位", required=False, queryset=Department.objects.none(), empty_label="全部"
    )
    received_from = forms.DateField(
        label="收到日期自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label="至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label="仅超期", required=False)
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, departments=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (
            departments if departments is not None else _departments()
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data

    def filter(self, messages):
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            messages = messages.filter(
                Q(title__icontains=q) | Q(body__icontains=q) | Q(number=q) | Q(name=q)
            )
        if data.get("kind"):
            messages = messages.filter(kind=data["kind"])
        if data.get("status"):
            messages = messages.filter(status=data["status"])
        if data.get("department"):
            messages = messages.filter(department=data["department"])
        if data.get("received_from"):
            messages = messages.filter(received_on__gte=data["received_from"])
        if data.get("received_to"):
            messages = messages.filter(received_on__lte=data["received_to"])
        if data.get("overdue"):
            messages = messages.filter(status__in=RUNNING_STATUSES, due_on__lt=timezone.localdate())
        if data.get("item"):
            messages = messages.filter(item_id=data["item"])
        return messages


class RoutingRuleForm(WagtailAdminModelForm):
    """The rule's kinds as checkboxes (stored as the comma-separated codes `route` reads)."""

    kinds = forms.MultipleChoiceField(
        label="适用类型",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选为全部类型。",
    )

    class Meta:
        model = RoutingRule
        fields = ["name", "kinds", "keywords", "places", "department", "order", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["kinds"] = kind_codes(self.instance.kinds)

    def clean_kinds(self) -> str:
        return ",".join(self.cleaned_data["kinds"])


def kind_codes(stored: str) -> list[str]:
    return [k.strip() for k in stored.split(",") if k.strip()]


def kind_labels(rule: RoutingRule) -> str:
    return (
        "、".join(str(Kind(k).label) for k in kind_codes(rule.kinds) if k in Kind.values) or "全部"
    )
