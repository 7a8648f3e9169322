from __future__ import annotations

from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from govmedia.publishing import admin_views
from govmedia.publishing.bulk_actions import DeleteDraftsBulkAction, WithdrawItemsBulkAction
from govmedia.publishing.models import ItemPage, WithdrawalCategory


def _resend_message(verb: str, data: dict, *, then: str = "") -> str:
    attempts = data.get("attempts", "?")
    error = data.get("last_error") or "无"
    return f"{verb}{data.get('channel', '')}{then}（此前尝试 {attempts} 次，最近错误：{error}）"


@hooks.register("register_log_actions")
def register_log_actions(actions):
    @actions.register_action("govmedia.withdraw")
    class Withdraw(LogFormatter):
        label = "撤稿"

        def format_message(self, log_entry):
            category = log_entry.data.get("category")
            label = WithdrawalCategory(category).label if category else ""
            prefix = f"撤稿（{label}）" if label else "撤稿"
            return f"{prefix}，理由：{log_entry.data.get('reason', '')}"

    @actions.register_action("govmedia.delivery_resend")
    class DeliveryResend(LogFormatter):
        label = "渠道重新发送"

        def format_message(self, log_entry):
            return _resend_message("重新发送到", log_entry.data)

    @actions.register_action("govmedia.retract_resend")
    class RetractResend(LogFormatter):
        label = "渠道重新撤回"

        def format_message(self, log_entry):
            return _resend_message("重新从", log_entry.data, then="撤回")

    @actions.register_action("govmedia.channel_todo_done")
    class ChannelTodoDone(LogFormatter):
        label = "渠道人工处理"

        def format_message(self, log_entry):
            data = log_entry.data
            what = {"publish": "已人工发布", "correct": "已人工更正"}.get(
                data.get("kind"), "已人工撤回"
            )
            url = f"，地址：{data['url']}" if data.get("url") else ""
            note = f"，说明：{data['note']}" if data.get("note") else ""
            return f"{data.get('channel', '')}{what}{url}{note}"

    @actions.register_action("govmedia.renditions_signed_off")
    class RenditionsSignedOff(LogFormatter):
        label = "签发渠道稿件"

        def format_message(self, log_entry):
            rows = log_entry.data.get("renditions", [])
            parts = [f"{r.get('channel', '')}（指纹 {r.get('sha256', '')[:12]}）" for r in rows]
            return "随信息签发渠道稿件：" + "、".join(parts)

    @actions.register_action("govmedia.channel_credentials")
    class ChannelCredentialsChanged(LogFormatter):
        label = "修改渠道接口凭据"

        def format_message(self, log_entry):
            fields = "、".join(log_entry.data.get("fields", [])) or "无"
            return f"修改了渠道接口凭据（字段：{fields}；不记录取值）"

    @actions.register_action("govmedia.correct")
    class Correct(LogFormatter):
        label = "更正"

        def format_message(self, log_entry):
            return f"更正发布，说明：{log_entry.data.get('reason', '')}"

    @actions.register_action("govmedia.seal_key.create")
    class SealKeyCreated(LogFormatter):
        label = "生成印章密钥"

        def format_message(self, log_entry):
            return f"登记电子印章密钥 {log_entry.data.get('key_id', '')}（操作人：{log_entry.data.get('by', '')}）"

    @actions.register_action("govmedia.seal_key.rotate")
    class SealKeyRotated(LogFormatter):
        label = "更换印章密钥"

        def format_message(self, log_entry):
            data = log_entry.data
            return (
                f"电子印章密钥由 {data.get('retired') or '—'} 更换为 {data.get('key_id', '')}，"
                f"理由：{data.get('reason', '')}（操作人：{data.get('by', '')}）"
            )

    @actions.register_action("govmedia.reconcile")
    class Reconcile(LogFormatter):
        label = "建档补记"

        def format_message(self, log_entry):
            if log_entry.data.get("repaired") == "withdrawal":
                return "后台核对发现下线未建档，已补记撤稿档案"
            return "后台核对发现已发布未建档，已补记档案、渠道发布和检索"

    @actions.register_action("govmedia.published_late")
    class PublishedLate(LogFormatter):
        label = "逾期发布"

        def format_message(self, log_entry):
            return f"晚于预定时间 {log_entry.data.get('minutes_late', '?')} 分钟发布（后台任务可能曾停止运行）"


@hooks.register("register_admin_urls")
def urls():
    return [
        path("items/<int:page_id>/withdraw/", admin_views.withdraw, name="publishing_withdraw"),
        path("items/<int:page_id>/record/", admin_views.item_record, name="publishing_item_record"),
        path(
            "items/<int:page_id>/sign-off-refused/",
            admin_views.sign_off_refused,
            name="publishing_sign_off_refused",
        ),
        path("items/<int:page_id>/preview/", admin_views.preview, name="publishing_preview"),
        path(
            "items/<int:page_id>/renditions/<int:rendition_id>/",
            admin_views.rendition,
            name="publishing_rendition",
        ),
        path(
            "items/<int:page_id>/manual-export/<int:todo_id>/",
            admin_views.manual_export,
            name="publishing_manual_export",
        ),
        path(
            "items/<int:page_id>/manual-export/<int:todo_id>.zip",
            admin_views.manual_export_zip,
            name="publishing_manual_export_zip",
        ),
        path(
            "items/<int:page_id>/fix-format/",
            admin_views.fix_format,
            name="publishing_fix_format",
        ),
    ]


# Registered after Wagtail's own (order 0), under the same action types, so that
# these replace its bulk unpublish and delete in the page listing.
hooks.register("register_bulk_action", WithdrawItemsBulkAction, order=100)
hooks.register("register_bulk_action", DeleteDraftsBulkAction, order=100)


@hooks.register("before_unpublish_page")
def withdraw_items_with_a_reason(request, page):
    # An item leaves the public only through 撤稿, which asks for the reason the archive keeps.
    if isinstance(page.specific, ItemPage):
        return redirect("publishing_withdraw", page.pk)
    return None


def _item_buttons(page, user, next_url=None):
    if page.specific_class is not ItemPage:
        return
    permissions = page.permissions_for_user(user)
    if permissions.can_preview():
        yield Button(
            "预览",
            reverse("publishing_preview", args=[page.pk]),
            priority=44,
            icon_name="view",
        )
    yield Button(
        "发布与档案",
        reverse("publishing_item_record", args=[page.pk]),
        priority=45,
        icon_name="doc-full",
    )
    if permissions.can_withdraw():
        yield Button(
            "撤稿", reverse("publishing_withdraw", args=[page.pk]), priority=46, icon_name="cross"
        )


@hooks.register("register_page_listing_more_buttons")
def listing_buttons(page, user, next_url=None):
    yield from _item_buttons(page, user, next_url)


@hooks.register("register_page_header_buttons")
def header_buttons(page, user, view_name, next_url=None):
    yield from _item_buttons(page, user, next_url)


@hooks.register("orgs_channel_form_sections")
def channel_credentials_section(request, channel, data):
    # The channel's API credentials, in the channel's edit form (publishing/credentials_admin.py).
    from govmedia.publishing.credentials_admin import channel_credentials_section

    return channel_credentials_section(request, channel, data)


@hooks.register("construct_homepage_panels")
def attention_panel(request, panels):
    from govmedia.publishing.dashboard import PublishingAttentionPanel

    panels.insert(0, PublishingAttentionPanel())


@hooks.register("before_move_page")
def items_stay_in_their_department(request, page, destination):
    # An item's 索引号 and permanent address carry its department's code.
    if isinstance(page.specific, ItemPage) and destination.pk != page.get_parent().pk:
        from django.contrib import messages

        messages.error(
            request,
            "政府信息的索引号和网址包含所属机构的代码，不能移动到其他机构。如确属其他机构的信息，请由该机构重新发布，并将本条撤稿。",
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


# ---------------------------------------------------------------- attachments (documents)
# Download rule and sealed files: see publishing/attachments.py.


@hooks.register("before_serve_document")
def serve_attachments_by_the_items_rule(document, request):
    from govmedia.publishing.attachments import refuse_download

    return refuse_download(request, document)


@hooks.register("insert_editor_js")
def preview_mode_menu_js():
    """Make a preview mode chosen while the preview panel is updating take effect (Wagtail drops it)."""
    return format_html('<script src="{}"></script>', static("publishing/js/preview-mode.js"))
