"""Every state change of an item, as one function each.

Views, the admin, commands and tests call these; each checks permission,
runs in one transaction, writes the audit record (Wagtail's log, shown as the
item's history timeline) and enqueues follow-up work on commit.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log

from govmedia.publishing import archive
from govmedia.publishing.models import (
    FORM_CATEGORIES,
    ArchiveKind,
    ArchiveRecord,
    ChannelTodo,
    Delivery,
    DeliveryStatus,
    ItemPage,
    RetractStatus,
    TodoKind,
    TodoStatus,
    Withdrawal,
    WithdrawalCategory,
)
from govmedia.publishing.publishers import (
    PUBLISHER_FOR_CHANNEL_KIND,
    PUBLISHERS,
    ManualExportPublisher,
)
from govmedia.publishing.tasks import enqueue_delivery, enqueue_retraction, scan_published


class AlreadyWithdrawn(ValidationError):
    """The item is not live (any more): a repeated or late withdrawal, answered with a message."""


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


class ItemLocked(ValidationError):
    """The item is locked for this user (by another editor, the workflow or a schedule)."""


def do_fix_item_format(user, item: ItemPage) -> int:
    """一键修正格式问题: the mechanical format corrections applied to the latest draft's body.

    Allowed exactly when the user may edit the item in the admin (the same
    permission tester and lock Wagtail's edit view consults). Only text nodes of
    the body change, never its markup; the result is a new draft revision, as if
    the editor had saved it. Returns how many corrections were made (0: no
    revision is written).
    """
    from govmedia.checks.rules.format import fix_html

    if not item.permissions_for_user(user).can_edit():
        raise PermissionDenied("您没有编辑这条信息的权限。")
    with transaction.atomic():
        item = ItemPage.objects.select_for_update().get(pk=item.pk)
        lock = item.get_lock()
        if lock is not None and lock.for_user(user):
            raise ItemLocked("这条信息已被锁定，暂时不能修改。")
        draft = item.get_latest_revision_as_object()
        body, count = fix_html(str(draft.body or ""))
        if count:
            draft.body = body
            draft.save_revision(
                user=user, log_action=True, previous_revision=item.get_latest_revision()
            )
    return count


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


def do_withdraw_item(
    user, item: ItemPage, reason: str, *, category: str = WithdrawalCategory.OTHER
) -> Withdrawal:
    """撤稿: take a published item off every channel, with a stated reason kept in the archive.

    The withdrawal seals its own archive record with the person who withdrew,
    before Wagtail's unpublish runs, so the unpublish signal finds the
    withdrawal already filed and adds nothing. The item row is locked and its
    state read again inside the transaction: of two submits of the same
    withdrawal, the second is refused with a message and seals nothing.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("撤稿必须说明理由。")
    if category not in dict(FORM_CATEGORIES):
        raise ValidationError("请选择撤稿类别。")
    if not item.permissions_for_user(user).may_withdraw():
        raise PermissionDenied("只有本机构分管领导或监管员可以撤稿。")
    with transaction.atomic():
        item = ItemPage.objects.select_for_update().get(pk=item.pk)
        if not item.live:
            raise AlreadyWithdrawn(_not_live_message(item))
        # Sealed before the unpublish, so the unpublish handler finds it and adds nothing.
        withdrawal = _seal_withdrawal(item, user, category, reason)
        # The permission was checked above: withdrawal is the approver's, not Wagtail's publisher's.
        UnpublishPageAction(item, user=user).execute(skip_permission_checks=True)
    return withdrawal


def _seal_withdrawal(item: ItemPage, user, category: str, reason: str) -> Withdrawal:
    """The withdrawal's archive record, its row, its audit entry and its retraction everywhere."""
    label = WithdrawalCategory(category).label
    record = archive.append_record(
        item, ArchiveKind.WITHDRAWAL, note=f"【{label}】{reason}", actor=_actor(user)
    )
    withdrawal = Withdrawal.objects.create(
        page=item,
        record=record,
        category=category,
        reason=reason,
        withdrawn_by=user,
        withdrawn_at=record.sealed_at,
    )
    log(
        instance=item,
        action="govmedia.withdraw",
        user=user,
        data={"reason": reason, "category": category},
    )
    _retract_everywhere(item, user)
    return withdrawal


def _not_live_message(item: ItemPage) -> str:
    last = Withdrawal.objects.filter(page_id=item.pk).select_related("withdrawn_by").first()
    if last is None:
        return "该信息当前未发布，无需撤稿。"
    when = timezone.localtime(last.withdrawn_at).strftime("%Y-%m-%d %H:%M")
    who = _actor(last.withdrawn_by)
    return f"该信息已于 {when} 由 {who} 撤稿，无需再次撤稿。"


def _retract_everywhere(item: ItemPage, user=None) -> None:
    """After a withdrawal: take the item back from every channel it went to, or ask a person to."""
    now = timezone.now()
    # Not sent yet: never send it now.
    Delivery.objects.filter(
        page_id=item.pk,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.MANUAL],
    ).update(
        status=DeliveryStatus.RETRACTED,
        last_error="信息已撤稿，不再发送。",
        next_attempt_at=None,
        updated_at=now,
    )
    # Sent: each publisher retracts it, as a task of its own. A delivery still
    # being sent is picked up by `retry_due_retractions` once it is sent.
    sent = Delivery.objects.filter(page_id=item.pk, status=DeliveryStatus.SENT, retract_status="")
    ids = list(sent.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(retract_status=RetractStatus.PENDING, updated_at=now)
    for pk in ids:
        enqueue_retraction(pk)
    # Channels posted by hand: a post never made is no longer wanted; a post
    # made must be taken down by hand too.
    # A correction not made by hand yet: the post itself is to be taken down now.
    ChannelTodo.objects.filter(
        page_id=item.pk, kind=TodoKind.CORRECT, status=TodoStatus.OPEN
    ).update(status=TodoStatus.CANCELLED, done_at=now, done_by=user, note="信息已撤稿，无需更正。")
    for todo in ChannelTodo.objects.filter(page_id=item.pk, kind=TodoKind.PUBLISH).exclude(
        status=TodoStatus.CANCELLED
    ):
        if todo.status == TodoStatus.OPEN:
            todo.status = TodoStatus.CANCELLED
            todo.done_at, todo.done_by = now, user
            todo.note = "信息已撤稿，无需再发布。"
            todo.save(update_fields=["status", "done_at", "done_by", "note"])
        elif todo.delivery_id:
            # Posted by hand for a delivery of the manual export publisher: that
            # delivery is sent, and its retraction (which it cannot do) makes the to-do.
            continue
        else:
            ChannelTodo.objects.get_or_create(
                key=f"retract:todo:{todo.pk}",
                defaults={
                    "page_id": item.pk,
                    "channel_id": todo.channel_id,
                    "kind": TodoKind.RETRACT,
                    "revision_id": todo.revision_id,
                    "detail": "本信息曾由人工发布到该渠道，已撤稿，请到该渠道手工删除或隐藏。",
                    "external_url": todo.external_url,
                },
            )


def _may_handle_channels(user, item: ItemPage) -> bool:
    return item.permissions_for_user(user).may_handle_channels()


def do_resend_delivery(user, delivery: Delivery) -> None:
    """重新发送: send a failed delivery again now, audited on its item."""

    def refusal(locked: Delivery) -> str | None:
        if locked.status == DeliveryStatus.FAILED:
            return None
        return (
            f"该渠道的发送状态为“{locked.get_status_display()}”，只有发送失败的记录可以重新发送。"
        )

    _resend(
        user,
        delivery,
        refusal=refusal,
        due_field="next_attempt_at",
        action="govmedia.delivery_resend",
        attempts_field="attempts",
        error_field="last_error",
        enqueue=enqueue_delivery,
    )


def do_resend_retraction(user, delivery: Delivery) -> None:
    """重新撤回: retract a delivery whose retraction failed again now, audited on its item."""

    def refusal(locked: Delivery) -> str | None:
        if locked.retract_status == RetractStatus.FAILED:
            return None
        return "只有撤回失败的记录可以重新撤回。"

    _resend(
        user,
        delivery,
        refusal=refusal,
        due_field="retract_next_attempt_at",
        action="govmedia.retract_resend",
        attempts_field="retract_attempts",
        error_field="retract_error",
        enqueue=enqueue_retraction,
    )


def _resend(
    user,
    delivery: Delivery,
    *,
    refusal,
    due_field: str,
    action: str,
    attempts_field: str,
    error_field: str,
    enqueue,
) -> None:
    """Make a failed delivery or retraction due now under a row lock, audit it, queue it."""
    item = delivery.page.specific
    if not _may_handle_channels(user, item):
        raise PermissionDenied("您不能处理该信息的渠道发布。")
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        message = refusal(delivery)
        if message is not None:
            raise ValidationError(message)
        Delivery.objects.filter(pk=delivery.pk).update(**{due_field: timezone.now()})
        log(
            instance=item,
            action=action,
            user=user,
            data={
                "delivery": delivery.pk,
                "channel": _channel_label(delivery),
                "attempts": getattr(delivery, attempts_field),
                "last_error": getattr(delivery, error_field),
            },
        )
        enqueue(delivery.pk)


def do_complete_channel_todo(
    user, todo: ChannelTodo, *, external_url: str = "", note: str = ""
) -> None:
    """Mark a channel's manual posting or removal done: who and when are kept and audited.

    A manual posting needs the post's address, so anyone can find what went out.
    """
    item = todo.page.specific
    if not _may_handle_channels(user, item):
        raise PermissionDenied("您不能处理该信息的渠道发布。")
    external_url = external_url.strip()
    if todo.kind == TodoKind.PUBLISH and not external_url:
        raise ValidationError("请填写人工发布后本信息在该渠道的地址。")
    if todo.kind in (TodoKind.PUBLISH, TodoKind.CORRECT) and external_url:
        try:
            URLValidator(schemes=["http", "https"])(external_url)
        except ValidationError as exc:
            raise ValidationError("渠道内地址应为以 http:// 或 https:// 开头的网址。") from exc
    with transaction.atomic():
        todo = ChannelTodo.objects.select_for_update().select_related("channel").get(pk=todo.pk)
        if todo.status != TodoStatus.OPEN:
            when = timezone.localtime(todo.done_at).strftime("%Y-%m-%d %H:%M")
            raise ValidationError(
                f"该事项已于 {when} 由 {_actor(todo.done_by)} 处理（{todo.get_status_display()}）。"
            )
        todo.status = TodoStatus.DONE
        todo.done_at, todo.done_by = timezone.now(), user
        todo.note = note.strip()
        if todo.kind == TodoKind.PUBLISH or (todo.kind == TodoKind.CORRECT and external_url):
            # Publish: the post made by hand; correct: the corrected post, when it has its own.
            todo.external_url = external_url
        todo.save(update_fields=["status", "done_at", "done_by", "note", "external_url"])
        if todo.kind == TodoKind.RETRACT and todo.delivery_id:
            Delivery.objects.filter(pk=todo.delivery_id).update(
                retract_status=RetractStatus.DONE, retracted_at=todo.done_at
            )
        if todo.kind == TodoKind.PUBLISH and todo.delivery_id:
            # The manual export publisher's delivery is out now, at the address given.
            Delivery.objects.filter(pk=todo.delivery_id, status=DeliveryStatus.MANUAL).update(
                status=DeliveryStatus.SENT,
                sent_at=todo.done_at,
                external_url=external_url,
                last_error="",
                updated_at=todo.done_at,
            )
        log(
            instance=item,
            action="govmedia.channel_todo_done",
            user=user,
            data={
                "todo": todo.pk,
                "kind": todo.kind,
                "channel": str(todo.channel),
                "url": todo.external_url,
                "note": todo.note,
            },
        )


def _channel_label(delivery: Delivery) -> str:
    return str(delivery.channel) if delivery.channel_id else "门户网站"


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
    """One delivery per channel for the published revision, or a person's to-do where needed.

    A correction (the item was sent to the channel before) goes to a channel
    only when its publisher can correct (`can_correct`); any other channel
    where the earlier version is out gets a 需人工更正 to-do with the post's
    address. A channel served by the manual export publisher gets a delivery
    that waits (待人工发布) with a 需人工发布 to-do.
    """
    revision_id = revision.pk if revision is not None else item.live_revision_id
    targets: list[tuple[str, object | None]] = [("portal", None)]
    manual = []
    for channel in item.channels.all():
        publisher = PUBLISHER_FOR_CHANNEL_KIND.get(channel.kind)
        if publisher not in PUBLISHERS:
            manual.append(channel)
            continue
        earlier = _earlier_post(item, channel, revision_id)
        if earlier is not None and not PUBLISHERS[publisher].can_correct:
            _create_correction_todo(item, revision_id, channel, earlier)
            continue
        targets.append((publisher, channel))
    for publisher, channel in targets:
        key = f"{item.pk}:{revision_id}:{publisher}:{channel.pk if channel else 0}"
        by_hand = publisher == ManualExportPublisher.name
        delivery, created = Delivery.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "page": item,
                "revision_id": revision_id,
                "channel": channel,
                "publisher": publisher,
                "status": DeliveryStatus.MANUAL if by_hand else DeliveryStatus.PENDING,
            },
        )
        if not created:
            continue
        if channel is not None:
            _overtake_unsent(item, channel, revision_id)
        if by_hand:
            _create_manual_postings(item, revision_id, [channel], delivery=delivery)
        else:
            enqueue_delivery(delivery.pk)
    _create_manual_postings(item, revision_id, manual)


def _earlier_post(item: ItemPage, channel, revision_id) -> Delivery | None:
    """The post of an earlier version of the item on `channel` that is out there now, if any."""
    return (
        Delivery.objects.filter(
            page_id=item.pk, channel=channel, status=DeliveryStatus.SENT, retract_status=""
        )
        .exclude(revision_id=revision_id)
        .order_by("-created_at")
        .first()
    )


def _overtake_unsent(item: ItemPage, channel, revision_id) -> None:
    """An earlier version not sent (or not posted by hand) yet is overtaken: never send it."""
    now = timezone.now()
    overtaken = Delivery.objects.filter(
        page_id=item.pk,
        channel=channel,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.MANUAL],
    ).exclude(revision_id=revision_id)
    ids = list(overtaken.values_list("pk", flat=True))
    if not ids:
        return
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.RETRACTED,
        last_error="该版本已被更正后的版本取代，不再发送。",
        next_attempt_at=None,
        updated_at=now,
    )
    ChannelTodo.objects.filter(delivery_id__in=ids, status=TodoStatus.OPEN).update(
        status=TodoStatus.CANCELLED, done_at=now, note="已被更正后的版本取代。"
    )


def _create_correction_todo(item: ItemPage, revision_id, channel, earlier: Delivery) -> None:
    """需人工更正: the channel cannot correct a post by itself; a person corrects the post named."""
    ChannelTodo.objects.get_or_create(
        key=f"correct:{item.pk}:{revision_id}:{channel.pk}",
        defaults={
            "page_id": item.pk,
            "channel": channel,
            "kind": TodoKind.CORRECT,
            "revision_id": revision_id,
            "delivery": earlier,
            "detail": "本信息已更正，该渠道不能自动更正已发出的内容：请到该渠道按更正后的内容"
            "修改原发内容或发布更正说明（原发地址见右），完成后标记已人工更正。",
            "external_url": earlier.external_url,
        },
    )


def _create_manual_postings(item: ItemPage, revision_id, channels, *, delivery=None) -> None:
    """A chosen channel posted by hand is a person's to-do, never silently skipped.

    `delivery`: the waiting delivery of the manual export publisher the to-do
    belongs to (closing the to-do makes it 已发布).
    """
    if not channels:
        return
    # A version not yet posted by hand is overtaken by this one: post this one instead.
    ChannelTodo.objects.filter(
        page_id=item.pk, kind=TodoKind.PUBLISH, status=TodoStatus.OPEN
    ).exclude(revision_id=revision_id).update(
        status=TodoStatus.CANCELLED, done_at=timezone.now(), note="已被更正后的版本取代。"
    )
    correction = ArchiveRecord.objects.filter(page_id=item.pk, kind=ArchiveKind.CORRECTION).exists()
    detail = (
        "本信息已更正：该渠道没有自动发布接口，请在该渠道人工发布更正后的内容，并填写发布地址。"
        if correction
        else "该渠道没有自动发布接口，请在该渠道人工发布本信息，并填写发布地址。"
    )
    for channel in channels:
        ChannelTodo.objects.get_or_create(
            key=f"publish:{item.pk}:{revision_id}:{channel.pk}",
            defaults={
                "page_id": item.pk,
                "channel": channel,
                "kind": TodoKind.PUBLISH,
                "revision_id": revision_id,
                "delivery": delivery,
                "detail": detail,
            },
        )


def on_item_unpublished(item: ItemPage) -> None:
    """Every other way off the public (expiry, Wagtail's own unpublish) still files a withdrawal.

    Runs on Wagtail's page_unpublished signal. A withdrawal through
    `do_withdraw_item` has sealed its record already; anything else gets one
    with an honest system reason, and the channels are retracted all the same.
    """
    with transaction.atomic():
        item = ItemPage.objects.select_for_update().get(pk=item.pk)
        last = ArchiveRecord.objects.filter(page_id=item.pk).order_by("-seq").first()
        if last is None or last.kind == ArchiveKind.WITHDRAWAL:
            # Never published, or already filed as withdrawn.
            return
        if item.expired:
            category = WithdrawalCategory.EXPIRED
            until = item.expire_at and timezone.localtime(item.expire_at).strftime("%Y-%m-%d %H:%M")
            reason = f"到期自动下线（公开期限至 {until}），未经撤稿操作。"
        else:
            category = WithdrawalCategory.SYSTEM
            reason = "未经撤稿操作而下线，无人说明理由。"
        _seal_withdrawal(item, None, category, reason)
