"""`govmedia channels rekey | test`: run as an operator runs them."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing import publishers
from govmedia.publishing.credentials import get_credentials, set_credentials
from govmedia.publishing.models import ChannelCredentials
from govmedia.publishing.publishers.base import Publisher, PublishError

pytestmark = pytest.mark.django_db

SECRET = "wb-token-5c1d9e"


class CheckingWeibo(Publisher):
    name = "weibo"
    label = "微博（测试）"

    def check(self, channel) -> str:
        token = get_credentials(channel).get("access_token")
        if token != SECRET:
            raise PublishError("微博接口返回错误 21332：access_token 无效")
        return "凭据有效：已读取账号信息。"


@pytest.fixture
def weibo(people, monkeypatch):
    monkeypatch.setitem(publishers.PUBLISHERS, CheckingWeibo.name, CheckingWeibo)
    monkeypatch.setitem(publishers.PUBLISHER_FOR_CHANNEL_KIND, ChannelKind.WEIBO, "weibo")
    return Channel.objects.create(
        department=people.education, kind=ChannelKind.WEIBO, name="示例教育微博", account_id="wb"
    )


def test_it_reencrypts_every_channel_under_the_new_first_key(weibo, settings, capsys):
    old = Fernet.generate_key().decode()
    settings.GOVMEDIA_CREDENTIALS_KEY = old
    set_credentials(weibo, {"access_token": SECRET})
    before = ChannelCredentials.objects.get(channel=weibo).ciphertext
    new = Fernet.generate_key().decode()
    settings.GOVMEDIA_CREDENTIALS_KEY = f"{new},{old}"

    call_command("channels", "rekey")

    assert "1 channel(s)" in capsys.readouterr().out
    after = ChannelCredentials.objects.get(channel=weibo).ciphertext
    assert after != before and SECRET not in after
    settings.GOVMEDIA_CREDENTIALS_KEY = new  # the old key is no longer needed
    assert get_credentials(weibo) == {"access_token": SECRET}


def test_it_asks_the_publisher_to_check_the_credentials(weibo, capsys):
    set_credentials(weibo, {"access_token": SECRET})

    call_command("channels", "test", str(weibo.pk))

    out = capsys.readouterr().out
    assert "凭据有效" in out and SECRET not in out
    set_credentials(weibo, {"access_token": "expired"})
    with pytest.raises(CommandError, match="21332"):
        call_command("channels", "test", str(weibo.pk))


def test_it_says_when_a_channel_cannot_be_checked(people):
    douyin = Channel.objects.create(
        department=people.education, kind=ChannelKind.DOUYIN, name="示例抖音", account_id="dy"
    )
    with pytest.raises(CommandError, match="不提供接口检查"):
        call_command("channels", "test", str(douyin.pk))
    with pytest.raises(CommandError, match="no channel"):
        call_command("channels", "test", "999999")


def test_it_explains_itself_in_help(capsys):
    from govmedia.cli import USAGE
    from govmedia.publishing.management.commands.channels import Command

    parser = Command().create_parser("govmedia", "channels")
    text = parser.format_help()
    assert "rekey" in text and "test" in text and "GOVMEDIA_CREDENTIALS_KEY" in text
    assert "channels rekey | test CHANNEL_ID" in USAGE
