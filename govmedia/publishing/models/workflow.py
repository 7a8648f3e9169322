"""The review stages of the publishing procedure as Wagtail workflow tasks.

提议 is the editor's submit; 审查 is `ContentCheckTask` (automatic) then
`ReviewTask` (content and confidentiality review); 确定 is `ApprovalTask`.
When the last task approves, Wagtail publishes (公开, now or at the scheduled
time), and the publish handler files the archive record (建档).
"""

from __future__ import annotations

import logging

from django import forms
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from govmedia.orgs.models import Role
from govmedia.orgs.permissions import department_ids

logger = logging.getLogger(__name__)

# Every step's action dialog: Wagtail's, with the item's review notes above the form.
REVIEW_NOTES_DIALOG = "publishing/admin/task_action_modal.html"


def _item(obj):
    obj = getattr(obj, "specific", obj)
    return obj if hasattr(obj, "department_id") else None


class DepartmentRoleTask(Task):
    """A task done by people holding `role` in the item's department, never by its author."""

    role: str = ""

    class Meta:
        abstract = True

    def user_may_act(self, obj, user) -> bool:
        # The rule (the step's role in the item's department, never an author, the
        # administrator no exception) lives in the item's permission tester.
        item = _item(obj)
        if item is None or not user.is_authenticated:
            return False
        return item.permissions_for_user(user).may_act_on_task(self.role)

    def user_can_access_editor(self, obj, user):
        return self.user_may_act(obj, user)

    def locked_for_user(self, obj, user):
        # While under review the text is frozen for everyone but the reviewers,
        # so what is approved is what was reviewed.
        return not self.user_may_act(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_may_act(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = TaskState.objects.filter(task=self.task_ptr, status=TaskState.STATUS_IN_PROGRESS)
        from govmedia.publishing.models.items import ItemPage
        from govmedia.publishing.permissions import authored_item_ids

        # The same rule as `may_act_on_task`, as one query for the queue: workflow
        # states point at their object by a text id, so compare as text.
        item_ids = (
            ItemPage.objects.filter(department_id__in=department_ids(user, self.role))
            .exclude(owner=user)
            .annotate(id_text=Cast("pk", models.CharField()))
            .values("id_text")
        )
        return states.filter(workflow_state__object_id__in=item_ids).exclude(
            workflow_state__object_id__in=authored_item_ids(user)
        )


class OverrideForm(forms.Form):
    comment = forms.CharField(
        label=_("放行理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明为什么这些阻断问题可以放行，将记入审计记录。"),
    )


class ContentCheckTaskState(TaskState):
    blocking_count = models.PositiveIntegerField(_("阻断问题数"), default=0)
    finding_count = models.PositiveIntegerField(_("问题总数"), default=0)
    report = models.JSONField(_("检查结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("内容检查状态")


class ContentCheckTask(DepartmentRoleTask):
    """Runs the content-check engine; blocking findings stop the item."""

    role = Role.REVIEWER

    def get_task_state_class(self):
        return ContentCheckTaskState

    def start(self, workflow_state, user=None):
        from govmedia.publishing.checking import check_item

        task_state = super().start(workflow_state, user=user)
        item = workflow_state.content_object.specific
        revision_item = task_state.revision.as_object() if task_state.revision else item
        report = check_item(revision_item)
        task_state.report = {**report.to_dict(), "text": report.text}
        task_state.finding_count = len(report.findings)
        task_state.blocking_count = sum(1 for f in report.findings if f.severity == "blocking")
        task_state.save(update_fields=["report", "finding_count", "blocking_count"])
        if task_state.blocking_count == 0:
            # Wagtail moves on when `start` returns a state that is no longer in progress.
            task_state.approve(user=None, update=False, comment=_("自动检查通过，未发现阻断问题。"))
        return task_state

    def get_actions(self, obj, user):
        if self.user_may_act(obj, user):
            return [
                ("reject", _("退回修改"), True),
                ("override", _("说明理由后放行"), True),
            ]
        return []

    def get_template_for_action(self, action):
        # The dialog shows what was let through or sent back before (panels.review_notes).
        return REVIEW_NOTES_DIALOG

    def get_form_for_action(self, action):
        if action == "override":
            return OverrideForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "override":
            comment = (kwargs.get("comment") or "").strip()
            if not comment:
                raise forms.ValidationError(_("放行必须填写理由。"))
            task_state.approve(user=user, comment=f"放行理由：{comment}")
            return None
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "自动运行错敏词、隐私和格式检查；有阻断问题时须退回修改，或由审核人说明理由后放行。"
        )

    class Meta:
        verbose_name = _("自动内容检查")
        verbose_name_plural = _("自动内容检查")


class ReviewForm(forms.Form):
    content_ok = forms.BooleanField(label=_("内容审核通过"), required=True)
    secrecy_ok = forms.BooleanField(
        label=_("保密审查通过"),
        required=True,
        help_text=_("确认不含国家秘密、工作秘密和个人隐私。"),
    )
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewTaskState(TaskState):
    content_reviewed_at = models.DateTimeField(_("内容审核时间"), null=True, blank=True)
    secrecy_reviewed_at = models.DateTimeField(_("保密审查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审核状态")


class ReviewTask(DepartmentRoleTask):
    """审查: the reviewer's content review and confidentiality review (保密审查)."""

    role = Role.REVIEWER

    def get_task_state_class(self):
        return ReviewTaskState

    def get_actions(self, obj, user):
        if self.user_may_act(obj, user):
            return [("reject", _("退回修改"), True), ("approve", _("审核通过"), True)]
        return []

    def get_template_for_action(self, action):
        # The dialog shows what was let through or sent back before (panels.review_notes).
        return REVIEW_NOTES_DIALOG

    def get_form_for_action(self, action):
        if action == "approve":
            return ReviewForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            if not (kwargs.get("content_ok") and kwargs.get("secrecy_ok")):
                raise forms.ValidationError(_("内容审核和保密审查都通过后才能提交。"))
            now = timezone.now()
            state = task_state.specific
            state.content_reviewed_at = now
            state.secrecy_reviewed_at = now
            state.save(update_fields=["content_reviewed_at", "secrecy_reviewed_at"])
            return task_state.approve(user=user, comment=kwargs.get("comment", "")) and None
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("本机构审核人进行内容审核和保密审查；作者本人不能审核。")

    class Meta:
        verbose_name = _("内容与保密审查")
        verbose_name_plural = _("内容与保密审查")


class ApprovalTask(DepartmentRoleTask):
    """确定: the approving leader's sign-off."""

    role = Role.APPROVER

    def get_actions(self, obj, user):
        if self.user_may_act(obj, user):
            # With a blocking finding let through, 签发 opens the dialog that shows it
            # again: nobody signs such an item off in one click (also from the dashboard).
            from govmedia.publishing.panels import review_notes

            notes = review_notes(_item(obj))
            if notes and notes.overridden:
                # One 签发, in the dialog (its comment is optional).
                return [("reject", _("退回修改"), True), ("approve", _("签发"), True)]
            return [
                ("reject", _("退回修改"), True),
                ("approve", _("签发"), False),
                ("approve", _("签发并附意见"), True),
            ]
        return []

    def get_template_for_action(self, action):
        # The dialog shows what was let through or sent back before (panels.review_notes).
        return REVIEW_NOTES_DIALOG

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        # Each chosen channel's rendition of the revision to sign off, made now
        # so the approver previews exactly what will be sent.
        from govmedia.publishing.renditions import ensure_renditions

        if task_state.revision is not None:
            ensure_renditions(task_state.revision)
        return task_state

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        from django.db import transaction
        from django.urls import reverse

        from govmedia.publishing.keyring import SealKeyError
        from govmedia.publishing.renditions import sign_off

        try:
            # Sign-off publishes and seals at once; without a usable seal key the
            # whole sign-off rolls back, so the item stays at this step.
            with transaction.atomic():
                # The channel renditions are signed off with the item: their
                # hashes go into the log and the sealed record.
                # The finish action publishes the latest revision (the approver
                # may have edited at this step): that is the one signed off.
                item = _item(task_state.workflow_state.content_object)
                revision = item.get_latest_revision() if item is not None else None
                if revision is not None:
                    sign_off(item, revision, user)
                return super().on_action(task_state, user, action_name, **kwargs)
        except SealKeyError as exc:
            page_id = task_state.workflow_state.object_id
            logger.error("sign-off of item %s refused: cannot seal: %s", page_id, exc)
            return reverse("publishing_sign_off_refused", args=[page_id])

    @classmethod
    def get_description(cls):
        return _("本机构分管领导签发；作者本人不能签发。")

    class Meta:
        verbose_name = _("领导签发")
        verbose_name_plural = _("领导签发")
