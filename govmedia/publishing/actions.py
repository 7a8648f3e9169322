"""Every state change of an item, as one function each.

Views, the admin, commands and tests call these; each checks permission,
runs in one transaction, writes the audit record (Wagtail's log, shown as the
item's history timeline) and enqueues follow-up work on commit.
"""

from __future__ import annotations

import threading

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log

from govmedia.publishing import archive
from govmedia.publishing.models import ArchiveKind, Delivery, ItemPage
from govmedia.publishing.publishers import PUBLISHER_FOR_CHANNEL_KIND
from govmedia.publishing.tasks import enqueue_delivery, scan_published

# Reason given for the unpublish that is under way in this thread, if any.
_withdrawal = threading.local()


def _actor(user) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def do_submit_item(user, item: ItemPage) -> None:
    """提议: the editor submits the latest draft into the review workflow."""
    if not item.permissions_for_user(user).may_submit():
        raise PermissionDenied("只有本机构的编辑可以提交本机构的信息。")
    workflow = item.get_workflow()
    if workflow is None:
        raise ValidationError("没有为该栏目配置发布流程。")
    with transaction.atomic():
        state = item.current_workflow_state
        if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
            # Resubmitting after changes restarts the step that sent it back, check included.
            state.resume(user=user)
            return
        if state is not None:
            raise ValidationError("该信息已在审核流程中。")
        if item.get_latest_revision() is None:
            item.save_revision(user=user)
        workflow.start(item, user)


def do_workflow_action(user, item: ItemPage, action: str, **data) -> None:
    """Take one action (approve, reject, override …) on the item's current review step."""
    item = ItemPage.objects.get(pk=item.pk)
    task = item.current_workflow_task
    state = item.current_workflow_task_state
    if task is None or state is None:
        raise ValidationError("该信息不在审核流程中。")
    allowed = {name for name, _label, _needs_data in task.get_actions(item, user)}
    if action not in allowed:
        raise PermissionDenied("您不能对该信息执行此操作。")
    form_class = task.get_form_for_action(action)
    if data or action in {"override", "reject"}:
        form = form_class(data)
        if not form.is_valid():
            raise ValidationError(form.errors)
        data = form.cleaned_data
    with transaction.atomic():
        task.on_action(state, user, action, **data)


def do_withdraw_item(user, item: ItemPage, reason: str) -> None:
    """撤稿: take a published item off every channel, with a stated reason kept in the archive."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("撤稿必须说明理由。")
    if not item.permissions_for_user(user).may_withdraw():
        raise PermissionDenied("只有本机构分管领导或监管员可以撤稿。")
    if not item.live:
        raise ValidationError("该信息当前未发布，无需撤稿。")
    with transaction.atomic():
        _withdrawal.reason = reason
        try:
            # The permission was checked above: withdrawal is the approver's, not Wagtail's publisher's.
            UnpublishPageAction(item, user=user).execute(skip_permission_checks=True)
        finally:
            _withdrawal.reason = None
        log(instance=item, action="govmedia.withdraw", user=user, data={"reason": reason})


def do_delete_item(user, item: ItemPage) -> None:
    """Delete a draft that was never published; what was public is withdrawn (撤稿), never deleted.

    Wagtail's delete action asks the item's permission tester and writes the
    audit entry (`wagtail.delete`, kept after the page is gone).
    """
    permissions = item.permissions_for_user(user)
    if not permissions.can_delete():
        raise PermissionDenied(permissions.deletion_refusal())
    DeletePageAction(item, user=user).execute(skip_permission_checks=True)


def on_item_published(item: ItemPage, revision, user=None) -> None:
    """公开 → 建档: runs inside Wagtail's publish transaction for every ItemPage publication.

    Also the repair path of `reconcile`: a revision already sealed is left
    alone, so running it twice for one publication adds nothing.
    """
    archive.lock_appends()
    if archive.live_revision_record(item) is not None:
        return
    if item.publish_date is None:
        item.publish_date = timezone.localdate(item.first_published_at or timezone.now())
        ItemPage.objects.filter(pk=item.pk).update(publish_date=item.publish_date)
    kind = archive.kind_for_next_publication(item)
    note = item.correction_note.strip() if kind == ArchiveKind.CORRECTION else ""
    archive.append_record(item, kind, note=note, actor=_actor(user))
    if kind == ArchiveKind.CORRECTION:
        log(instance=item, action="govmedia.correct", user=user, data={"reason": note})
    scheduled_for = getattr(revision, "approved_go_live_at", None)
    _create_deliveries(item, revision)
    # Published content is checked again with its links, in the background,
    # and its findings kept for inspection to count.
    transaction.on_commit(lambda: scan_published.enqueue(item.pk))
    if scheduled_for is not None:
        late = timezone.now() - scheduled_for
        if late.total_seconds() > 300:
            log(
                instance=item,
                action="govmedia.published_late",
                user=None,
                data={
                    "scheduled_for": scheduled_for.isoformat(),
                    "minutes_late": int(late.total_seconds() // 60),
                },
            )


def _create_deliveries(item: ItemPage, revision) -> None:
    revision_id = revision.pk if revision is not None else item.live_revision_id
    targets: list[tuple[str, object | None]] = [("portal", None)]
    for channel in item.channels.all():
        publisher = PUBLISHER_FOR_CHANNEL_KIND.get(channel.kind)
        if publisher:
            targets.append((publisher, channel))
    for publisher, channel in targets:
        key = f"{item.pk}:{revision_id}:{publisher}:{channel.pk if channel else 0}"
        delivery, created = Delivery.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "page": item,
                "revision_id": revision_id,
                "channel": channel,
                "publisher": publisher,
            },
        )
        if created:
            enqueue_delivery(delivery.pk)


def on_item_unpublished(item: ItemPage, user=None) -> None:
    reason = (
        getattr(_withdrawal, "reason", None) or "到期或由管理员下线（未经撤稿操作，未说明理由）"
    )
    archive.append_record(item, ArchiveKind.WITHDRAWAL, note=reason, actor=_actor(user))
