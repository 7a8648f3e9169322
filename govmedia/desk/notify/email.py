"""Notices by e-mail, through Django's mail (GOVMEDIA_EMAIL_* settings)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from govmedia.desk.models import Message
from govmedia.desk.notify.base import NotifyError


class EmailNotifier:
    via = "email"
    label = "电子邮件"

    def address(self, message: Message) -> str:
        return message.email

    def send(self, message: Message, event_text: str, *, out_id: str = "") -> str:
        if not message.email:
            raise NotifyError("没有电子邮箱")
        subject = f"【{settings.WAGTAIL_SITE_NAME}】您的留言（受理编号 {message.number}）有新进展"
        body = (
            f"{message.name}，您好：\n\n"
            f"您于 {message.received_on:%Y年%m月%d日} 提交的“{message.title}”"
            f"（受理编号 {message.number}）：\n{event_text}\n\n"
            f"请凭受理编号和查询码到 {settings.SITE_URL}/hudong/chaxun/ 查看。\n"
            "本邮件由系统发送，请勿直接回复。\n"
        )
        try:
            sent = send_mail(subject, body, None, [message.email], fail_silently=False)
        except Exception as error:  # SMTP errors of every kind, connection refused
            raise NotifyError(f"邮件发送失败：{error}") from error
        if not sent:
            raise NotifyError("邮件服务器未接受该邮件")
        return ""
