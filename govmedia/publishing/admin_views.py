"""Admin views of the publishing module that Wagtail does not have: withdrawal with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from govmedia.publishing import actions
from govmedia.publishing.keyring import SealKeyError
from govmedia.publishing.models import (
    FORM_CATEGORIES,
    ArchiveRecord,
    ChannelTodo,
    Delivery,
    ItemPage,
    TodoStatus,
)


def forbidden(request, message: str) -> TemplateResponse:
    # A plain 403 that names nothing of the item. (Raising PermissionDenied in the
    # admin would redirect home with Wagtail's generic message instead.)
    return TemplateResponse(
        request, "publishing/admin/forbidden.html", {"message": message}, status=403
    )


class WithdrawForm(forms.Form):
    category = forms.ChoiceField(
        label="撤稿类别",
        choices=FORM_CATEGORIES,
        widget=forms.RadioSelect,
        help_text="类别会显示在本信息原网址的撤稿说明页上，供公众了解撤稿原因。",
        error_messages={"required": "请选择撤稿类别。"},
    )
    reason = forms.CharField(
        label="撤稿理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="理由将存入档案并在审计记录中保留，不在公开页面显示；撤稿后公众不能再访问本信息。",
    )


def withdraw(request, page_id: int):
    item = get_object_or_404(ItemPage, pk=page_id)
    # Refused before anything of the item (its title) is shown.
    if not item.permissions_for_user(request.user).may_withdraw():
        return forbidden(request, "撤稿由本机构分管领导或监管员进行，您没有撤下这条信息的权限。")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_withdraw_item(
                request.user,
                item,
                form.cleaned_data["reason"],
                category=form.cleaned_data["category"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您没有撤稿权限。")
        except actions.AlreadyWithdrawn as exc:
            # A second submit of the same withdrawal: say what happened, show the record.
            messages.warning(request, exc.messages[0])
            return redirect("publishing_item_record", item.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        except SealKeyError as exc:
            # The withdrawal record cannot be sealed: nothing was withdrawn.
            form.add_error(None, f"未能撤稿：{exc.user_message}")
        else:
            messages.success(
                request,
                f"“{item.title}”已撤稿，撤稿记录已存档；各渠道的撤回进度见“发布与档案”。",
            )
            return redirect("publishing_item_record", item.pk)
    return TemplateResponse(request, "publishing/admin/withdraw.html", {"item": item, "form": form})


def fix_format(request, page_id: int):
    """一键修正格式问题, the button of the check panel on the item's edit page (POST only)."""
    item = get_object_or_404(ItemPage, pk=page_id)
    if request.method != "POST":
        return redirect("wagtailadmin_pages:edit", item.pk)
    try:
        count = actions.do_fix_item_format(request.user, item)
    except PermissionDenied as exc:
        return forbidden(request, str(exc) or "您没有编辑这条信息的权限。")
    except actions.ItemLocked as exc:
        messages.error(request, exc.messages[0])
    else:
        if count:
            messages.success(
                request,
                f"已修正 {count} 处格式问题（半角标点、重复标点、括号宽度），"
                "结果已保存为新的草稿版本，请核对正文后再提交。",
            )
        else:
            messages.info(request, "正文中没有可以自动修正的格式问题。")
    return redirect("wagtailadmin_pages:edit", item.pk)


def preview(request, page_id: int):
    """The latest text as the public would see it, for whoever may see the item in the admin.

    Wagtail's own previews ask for the right to edit (or to act on the review
    step); a supervisor, who inspects but never edits, previews here.
    """
    item = get_object_or_404(ItemPage, pk=page_id)
    if not item.permissions_for_user(request.user).can_preview():
        return forbidden(request, "您没有查看这条信息的权限。")
    draft = item.get_latest_revision_as_object()
    return draft.make_preview_request(request, draft.default_preview_mode)


def _item_for_channel_work(request, page_id: int):
    """The item, or a 403 page naming nothing of it for whoever may not see it."""
    item = get_object_or_404(ItemPage, pk=page_id)
    if not item.permissions_for_user(request.user).can_view():
        return None, forbidden(request, "您没有查看这条信息的权限。")
    return item, None


def item_record(request, page_id: int):
    """The publication record of one item: archive entries, channel deliveries and manual to-dos."""
    item, refusal = _item_for_channel_work(request, page_id)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        _handle_channel_post(request, item)
        return redirect("publishing_item_record", item.pk)
    from govmedia.publishing.models import ChannelRendition

    deliveries = list(
        Delivery.objects.filter(page_id=item.pk).select_related("channel").order_by("-created_at")
    )
    renditions = {
        (r.revision_id, r.channel_id): r
        for r in ChannelRendition.objects.filter(page_id=item.pk).only(
            "pk", "page_id", "revision_id", "channel_id", "sha256", "signed_off_at"
        )
    }
    for delivery in deliveries:
        # The rendition sent (or to be sent) on this channel, linked from its row.
        delivery.rendition = renditions.get((delivery.revision_id, delivery.channel_id))
    return TemplateResponse(
        request,
        "publishing/admin/item_record.html",
        {
            "item": item,
            "records": ArchiveRecord.objects.filter(page_id=item.pk).order_by("seq"),
            "deliveries": deliveries,
            # Open to-dos first: they are what the page is opened for.
            "todos": sorted(
                ChannelTodo.objects.filter(page_id=item.pk)
                .select_related("channel", "done_by")
                .order_by("-created_at"),
                key=lambda todo: todo.status != TodoStatus.OPEN,
            ),
            "open_status": TodoStatus.OPEN,
            "withdrawal": item.withdrawals.select_related("withdrawn_by").first(),
        },
    )


def sign_off_refused(request, page_id: int):
    """Where a refused 签发 lands: why the item could not be published, in the approver's words."""
    from govmedia.publishing.keyring import check_sealing_possible

    item = get_object_or_404(ItemPage, pk=page_id)
    try:
        check_sealing_possible()
    except SealKeyError as exc:
        messages.error(request, f"未能签发：{exc.user_message}信息未发布，仍停留在领导签发步骤。")
    else:
        messages.warning(request, "刚才的签发未能完成，电子印章现已可用，请重新签发。")
    return redirect("wagtailadmin_pages:edit", item.pk)


def _handle_channel_post(request, item: ItemPage) -> None:
    """One of the record page's buttons: resend, retract again, or close a manual to-do."""
    post = request.POST
    try:
        if post.get("retry"):
            delivery = get_object_or_404(Delivery, pk=post["retry"], page_id=item.pk)
            actions.do_resend_delivery(request.user, delivery)
            messages.info(request, "已安排重新发送。")
        elif post.get("retract"):
            delivery = get_object_or_404(Delivery, pk=post["retract"], page_id=item.pk)
            actions.do_resend_retraction(request.user, delivery)
            messages.info(request, "已安排重新撤回。")
        elif post.get("todo"):
            todo = get_object_or_404(ChannelTodo, pk=post["todo"], page_id=item.pk)
            actions.do_complete_channel_todo(
                request.user,
                todo,
                external_url=post.get("external_url", ""),
                note=post.get("note", ""),
            )
            messages.success(
                request, f"已记录：{todo.channel}的“{todo.get_kind_display()}”事项已完成。"
            )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "您不能处理该信息的渠道发布。")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


def rendition(request, page_id: int, rendition_id: int):
    """One stored channel rendition, shown as its channel would (the approver's links)."""
    from govmedia.publishing.models import ChannelRendition
    from govmedia.publishing.renditions import rendition_response

    item = get_object_or_404(ItemPage, pk=page_id)
    if not item.permissions_for_user(request.user).can_preview():
        return forbidden(request, "您没有查看这条信息的权限。")
    row = get_object_or_404(
        ChannelRendition.objects.select_related("channel", "signed_off_by"),
        pk=rendition_id,
        page_id=item.pk,
    )
    return rendition_response(request, item, row.publisher, stored=[row])


def _export_for(request, page_id: int, todo_id: int):
    from govmedia.publishing.export import manual_export

    item, refusal = _item_for_channel_work(request, page_id)
    if refusal is not None:
        return None, None, refusal
    todo = get_object_or_404(
        ChannelTodo.objects.select_related("channel", "delivery", "revision"),
        pk=todo_id,
        page_id=item.pk,
    )
    return todo, manual_export(todo), None


def manual_export(request, page_id: int, todo_id: int):
    """The export of a manual posting as a page: text and title with copy buttons, images, checklist."""
    from django.urls import reverse

    from govmedia.publishing.publishers import ManualExportPublisher
    from govmedia.publishing.renditions import preview_for, shown_rendition

    todo, export, refusal = _export_for(request, page_id, todo_id)
    if refusal is not None:
        return refusal
    return TemplateResponse(
        request,
        "publishing/renditions/manual.html",
        {
            "item": todo.page.specific,
            "preview": preview_for(ManualExportPublisher()),
            "renditions": [
                shown_rendition(todo.page.specific, todo.channel, export.content, "", None)
            ],
            "stored": True,
            "export_url": reverse("publishing_manual_export_zip", args=[page_id, todo.pk]),
        },
    )


def manual_export_zip(request, page_id: int, todo_id: int):
    """The export of a manual posting as a .zip: 正文.txt, 核对清单.txt and the images."""
    from django.http import HttpResponse

    todo, export, refusal = _export_for(request, page_id, todo_id)
    if refusal is not None:
        return refusal
    response = HttpResponse(export.zip_bytes(), content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{export.filename}"
    return response
