"""Channel credentials are stored encrypted, readable only with the key, and never shown."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from govmedia.orgs.models import Channel, ChannelKind
from govmedia.publishing.credentials import (
    CredentialsError,
    get_credentials,
    rekey,
    set_credentials,
)
from govmedia.publishing.models import ChannelCredentials

pytestmark = pytest.mark.django_db

SECRET = "wx-app-secret-9f3b"


@pytest.fixture
def channel(people):
    return Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育", account_id="sl-jy"
    )


def test_it_stores_only_ciphertext_and_reads_it_back(channel):
    set_credentials(channel, {"appid": "wx123", "secret": SECRET})

    row = ChannelCredentials.objects.get(channel=channel)
    assert SECRET not in row.ciphertext and "wx123" not in row.ciphertext
    assert SECRET not in repr(row) and SECRET not in str(row)
    assert row.field_names == ["appid", "secret"]
    assert get_credentials(channel) == {"appid": "wx123", "secret": SECRET}


def test_an_empty_value_keeps_the_stored_secret(channel):
    set_credentials(channel, {"appid": "wx123", "secret": SECRET})
    set_credentials(channel, {"appid": "wx456", "secret": ""})

    assert get_credentials(channel) == {"appid": "wx456", "secret": SECRET}


def test_another_key_cannot_read_them_and_rekey_moves_them_to_a_new_key(channel, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.GOVMEDIA_CREDENTIALS_KEY = old
    set_credentials(channel, {"secret": SECRET})

    settings.GOVMEDIA_CREDENTIALS_KEY = new
    with pytest.raises(CredentialsError):
        get_credentials(channel)

    settings.GOVMEDIA_CREDENTIALS_KEY = f"{new},{old}"
    assert rekey() == 1
    settings.GOVMEDIA_CREDENTIALS_KEY = new
    assert get_credentials(channel) == {"secret": SECRET}
