"""The channel's API credentials in its edit form, used through HTTP: set, never shown, audited."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing.credentials import get_credentials
from govmedia.publishing.tests.adminforms import form_data

pytestmark = pytest.mark.django_db

SECRET = "wx-app-secret-9f3b7c21"
APPID = "wx8f00d1e2c3b4a596"


@pytest.fixture
def wechat(people):
    return Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育", account_id="sl-jy"
    )


def _edit(client, channel):
    return client.get(reverse("orgs_channels:edit", args=[channel.pk]))


def _post(client, channel, **credentials):
    page = _edit(client, channel)
    data = form_data(page.content.decode(), form_id="w-editor-form")
    for name, value in credentials.items():
        data[f"credentials-{name}"] = [value]
    return client.post(reverse("orgs_channels:edit", args=[channel.pk]), data, follow=True)


def test_it_keeps_the_secret_it_was_given_and_never_shows_or_logs_it(
    people, client, wechat, caplog
):
    caplog.set_level(logging.DEBUG)
    client.force_login(people.editor)
    page = _edit(client, wechat).text
    assert "接口凭据" in page and "AppSecret" in page and "未设置" in page

    response = _post(client, wechat, appid=APPID, secret=SECRET)

    assert response.status_code == 200
    assert get_credentials(wechat) == {"appid": APPID, "secret": SECRET}
    page = _edit(client, wechat).text
    assert "已设置（留空则不修改）" in page
    history = client.get(reverse("orgs_channels:history", args=[wechat.pk])).text
    assert "修改渠道接口凭据" in history
    for body in (response.text, page, history):
        assert SECRET not in body and APPID not in body
    assert not any(SECRET in r.getMessage() or APPID in r.getMessage() for r in caplog.records)
    entry = ModelLogEntry.objects.get(action="govmedia.channel_credentials")
    assert entry.user == people.editor and entry.data == {"fields": ["appid", "secret"]}
    assert SECRET not in str(entry.data) and SECRET not in entry.message

    # Saving the channel again with the fields left empty keeps the values.
    _post(client, wechat, api_base="http://127.0.0.1:8701")
    assert get_credentials(wechat) == {
        "appid": APPID,
        "secret": SECRET,
        "api_base": "http://127.0.0.1:8701",
    }
    assert ModelLogEntry.objects.filter(action="govmedia.channel_credentials").count() == 2


def test_it_offers_each_kind_its_own_credentials(people, client):
    weibo = Channel.objects.create(
        department=people.education, kind=ChannelKind.WEIBO, name="示例教育微博", account_id="wb"
    )
    app = Channel.objects.create(
        department=people.education, kind=ChannelKind.APP, name="示例政务客户端", account_id="app"
    )
    column = Channel.objects.create(
        department=people.education,
        kind=ChannelKind.WEBSITE_COLUMN,
        name="教育动态",
        url="https://jyj.shili.gov.cn/jydt/",
    )
    client.force_login(people.editor)

    assert "Access Token" in _edit(client, weibo).text
    assert "签名密钥" in _edit(client, app).text
    assert "接口凭据" not in _edit(client, column).text


def test_it_lets_only_who_may_edit_the_channel_set_its_credentials(people, client):
    other = Channel.objects.create(
        department=people.transport, kind=ChannelKind.WECHAT, name="示例交通", account_id="jt"
    )
    client.force_login(people.editor)

    response = client.post(
        reverse("orgs_channels:edit", args=[other.pk]),
        {"credentials-secret": SECRET},
    )

    assert response.status_code in (302, 403, 404)
    assert get_credentials(other) == {}
    client.force_login(people.supervisor)
    response = client.post(
        reverse("orgs_channels:edit", args=[other.pk]), {"credentials-secret": SECRET}
    )
    assert get_credentials(other) == {}
