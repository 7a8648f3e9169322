"""Wagtail's bulk unpublish and delete in the page listing, through the item actions.

Wagtail's own bulk unpublish records no reason and its bulk delete calls
`Page.delete` directly; these replacements (same action types, registered
after Wagtail's) ask the withdrawal reason once and then take each item
through `actions.do_withdraw_item` or `actions.do_delete_item`, one at a
time, so every item gets its own permission check, archive record and
audit entry. Pages that are not items keep Wagtail's behaviour.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.admin import messages
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction

from govmedia.publishing import actions
from govmedia.publishing.models import ItemPage
from govmedia.publishing.permissions import DELETE_PUBLISHED_REFUSAL


class WithdrawReasonForm(forms.Form):
    reason = forms.CharField(
        label="撤稿理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="同一理由将分别存入每条信息的档案和审计记录，撤稿后公众不能再访问这些信息。",
    )


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "没有权限。"


class _PerItem:
    """Failures of single items are reported, the others still done (each in its own savepoint)."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        # Wagtail lists every refused page by title; another department's items stay unnamed.
        visible = []
        for entry in context["items_with_no_access"]:
            page = entry["item"]
            if isinstance(page.specific_deferred, ItemPage) and not (
                page.permissions_for_user(self.request.user).can_view()
            ):
                continue
            visible.append(entry)
        context["items_with_no_access"] = visible
        return context

    def get_execution_context(self) -> dict:
        self.failures: list[str] = []
        return {**super().get_execution_context(), "failures": self.failures}

    def report_failures(self) -> None:
        for failure in self.failures:
            messages.error(self.request, failure)


class WithdrawItemsBulkAction(_PerItem, UnpublishBulkAction):
    display_name = "撤稿"
    aria_label = "撤下所选信息"
    form_class = WithdrawReasonForm
    template_name = "publishing/admin/bulk_withdraw.html"

    def get_execution_context(self) -> dict:
        # Not Wagtail's unpublish context: an item has no descendants to include.
        self.failures = []
        return {
            "user": self.request.user,
            "failures": self.failures,
            "reason": self.cleaned_form.cleaned_data["reason"],
        }

    @classmethod
    def execute_action(
        cls, objects, user=None, reason: str = "", failures: list | None = None, **kwargs
    ):
        done = 0
        for page in objects:
            item = page.specific
            try:
                if isinstance(item, ItemPage):
                    actions.do_withdraw_item(user, item, reason)
                else:
                    page.unpublish(user=user)
            except (PermissionDenied, ValidationError) as exc:
                if failures is not None:
                    failures.append(f"“{item.title}”未撤稿：{_error_text(exc)}")
                continue
            done += 1
        return done, 0

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        self.report_failures()
        return f"已撤稿 {num_parent_objects} 条信息，撤稿理由已分别存档。"


class DeleteDraftsBulkAction(_PerItem, DeleteBulkAction):
    template_name = "publishing/admin/bulk_delete.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["published_refusal"] = (
            DELETE_PUBLISHED_REFUSAL
            if any(
                entry["item"].permissions_for_user(self.request.user).was_ever_published
                for entry in context["items_with_no_access"]
                if isinstance(entry["item"].specific_deferred, ItemPage)
            )
            else ""
        )
        return context

    @classmethod
    def execute_action(cls, objects, user=None, failures: list | None = None, **kwargs):
        done = children = 0
        for page in objects:
            item = page.specific
            try:
                if isinstance(item, ItemPage):
                    actions.do_delete_item(user, item)
                else:
                    children += page.get_descendant_count()
                    page.delete(user=user)
            except PermissionDenied as exc:
                if failures is not None:
                    failures.append(f"“{item.title}”未删除：{_error_text(exc)}")
                continue
            done += 1
        return done, children

    def get_success_message(self, num_parent_objects: int, num_child_objects: int) -> str:
        self.report_failures()
        return super().get_success_message(num_parent_objects, num_child_objects)
