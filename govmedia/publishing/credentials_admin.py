"""The channel's API credentials, a section of the channel's edit form in 机构与渠道 → 渠道.

Registered through orgs' `orgs_channel_form_sections` hook, so it shows where
the channel is edited and to exactly those who may edit it (the channel
admin's rule: administrators, and editors for their own departments' channels).
Every input is a password input that is never filled back: a field that holds
a value says 已设置（留空则不修改）, and leaving it empty keeps the value.
Values go straight to `credentials.set_credentials` (encrypted at rest); the
audit entry (`govmedia.channel_credentials`, in the channel's history) names
the fields changed, never their values.
"""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from wagtail.log_actions import log

from govmedia.publishing import credentials
from govmedia.publishing.models import ChannelCredentials

SET_PLACEHOLDER = "已设置（留空则不修改）"


def _field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        strip=True,
        help_text=help_text,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


def _wechat_fields() -> dict[str, forms.Field]:
    return {
        "appid": _field("AppID", "公众号后台“设置与开发 → 基本配置”中的开发者 ID。"),
        "secret": _field("AppSecret", "开发者密码；重置后须在此同时更新。"),
        "api_base": _field(
            "接口地址", "留空使用 https://api.weixin.qq.com；测试时可填本地模拟服务地址。"
        ),
    }


def _weibo_fields() -> dict[str, forms.Field]:
    return {
        "access_token": _field("Access Token", "微博开放平台授权后取得的访问令牌。"),
        "uid": _field("UID", "发布账号的微博用户 ID。"),
        "api_base": _field("接口地址", "留空使用 https://api.weibo.com。"),
    }


def _webhook_fields() -> dict[str, forms.Field]:
    return {
        "url": _field("推送地址", "接收推送的 https 地址（政务客户端、头条号或省级平台提供）。"),
        "secret": _field("签名密钥", "用于 HMAC-SHA256 签名，对方平台用同一密钥验签。"),
    }


# The credentials each channel kind's publisher reads (docs/channels.md).
FIELDS_FOR_KIND = {
    "wechat": _wechat_fields,
    "weibo": _weibo_fields,
    "app": _webhook_fields,
    "toutiao": _webhook_fields,
}


class CredentialsForm(forms.Form):
    prefix = "credentials"

    def __init__(self, *args, kind: str, set_fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in FIELDS_FOR_KIND[kind]().items():
            if name in set_fields:
                field.widget.attrs["placeholder"] = SET_PLACEHOLDER
            self.fields[name] = field


class CredentialsSection:
    template_name = "publishing/admin/channel_credentials.html"

    def __init__(self, channel, data, kind: str):
        row = ChannelCredentials.objects.filter(channel=channel).only("field_names").first()
        self.set_fields = list(row.field_names) if row else []
        self.kind = kind
        self.form = CredentialsForm(data, kind=kind, set_fields=self.set_fields)

    def is_valid(self) -> bool:
        return self.form.is_valid()

    def save(self, user, channel) -> None:
        values = {name: value for name, value in self.form.cleaned_data.items() if value}
        if not values:
            return
        credentials.set_credentials(channel, values, user=user)
        log(
            instance=channel,
            action="govmedia.channel_credentials",
            user=user,
            data={"fields": sorted(values)},
        )

    def render(self) -> str:
        rows = [
            {"field": self.form[name], "is_set": name in self.set_fields}
            for name in self.form.fields
        ]
        return render_to_string(self.template_name, {"section": self, "rows": rows})


def channel_credentials_section(request, channel, data):
    """The hook: a section for channels whose kind takes credentials, else None."""
    # The kind as stored: a kind changed in this very form takes its credentials after saving.
    kind = type(channel).objects.filter(pk=channel.pk).values_list("kind", flat=True).first()
    if kind not in FIELDS_FOR_KIND:
        return None
    return CredentialsSection(channel, data, kind)
