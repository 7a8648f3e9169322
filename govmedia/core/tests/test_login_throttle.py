"""Failed log-ins to the admin are throttled per account and per address, audited and logged."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import ModelLogEntry

from govmedia.core import logins

PASSWORD = "right-pass-2026"
LOCKED = "登录已暂时锁定"


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    # Each log-in attempt hashes a password; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def accounts(db):
    users = get_user_model()
    return (
        users.objects.create_superuser("wang", "wang@example.gov.cn", PASSWORD),
        users.objects.create_superuser("li", "li@example.gov.cn", PASSWORD),
    )


def _log_in(client, username: str, password: str, address: str = "10.1.1.1", **headers):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _fail(client, username: str, times: int, address: str = "10.1.1.1", **headers) -> list:
    return [_log_in(client, username, "wrong-password", address, **headers) for _ in range(times)]


def _logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_five_failures_lock_the_account_even_against_the_right_password(accounts, client):
    failures = _fail(client, "wang", 5)
    # Four times the log-in form again with its error; the fifth says it is locked.
    assert [r.status_code for r in failures] == [200, 200, 200, 200, 429]
    response = _log_in(client, "wang", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in page and "连续 5 次登录失败" in page and "15 分钟" in page
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_and_a_success_clears_them(accounts, client):
    _fail(client, "wang", 4)
    assert _logged_in(_log_in(client, "wang", PASSWORD))
    client.logout()
    _fail(client, "wang", 4)
    assert _logged_in(_log_in(client, "wang", PASSWORD))


def test_a_locked_account_is_refused_from_every_address(accounts, client):
    _fail(client, "wang", 5, address="10.1.1.1")
    response = _log_in(client, "wang", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_an_address_that_tried_many_accounts_is_locked_for_every_account(accounts, client):
    # One guessed password tried on many names from one machine.
    for name in ("zhang", "zhao", "qian", "sun", "zhou"):
        _fail(client, name, 1, address="10.2.2.2")
    refused = _log_in(client, "li", PASSWORD, address="10.2.2.2")
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    # The account itself is not locked: from another address it logs in.
    assert _logged_in(_log_in(client, "li", PASSWORD, address="10.3.3.3"))


def test_another_account_from_another_address_is_not_affected(accounts, client):
    _fail(client, "wang", 5, address="10.1.1.1")
    assert _logged_in(_log_in(client, "li", PASSWORD, address="10.4.4.4"))


def test_the_lock_ends_after_the_cool_off(accounts, client, settings):
    settings.AXES_COOLOFF_TIME = __import__("datetime").timedelta(seconds=0)
    _fail(client, "wang", 5)
    assert _logged_in(_log_in(client, "wang", PASSWORD))


def test_each_failure_and_the_lock_out_are_audited_on_the_account(accounts, client):
    wang, _ = accounts
    _fail(client, "wang", 5, address="10.5.5.5")
    _log_in(client, "wang", PASSWORD, address="10.5.5.5")
    entries = ModelLogEntry.objects.filter(object_id=str(wang.pk)).order_by("timestamp", "id")
    actions = [e.action for e in entries]
    assert actions.count(logins.ACTION_LOGIN_FAILED) == 6  # five wrong passwords, one refused
    assert actions.count(logins.ACTION_LOCKED_OUT) == 1
    locked = entries.get(action=logins.ACTION_LOCKED_OUT)
    assert locked.data == {"address": "10.5.5.5", "failures": 5, "minutes": 15}
    assert entries.last().data == {"address": "10.5.5.5", "refused": True}
    # Shown in Chinese in the site history (报告 → 站点历史).
    assert locked.message == "连续 5 次登录失败，登录锁定 15 分钟（来自 10.5.5.5）"


def test_failures_and_the_lock_out_are_logged_in_english(accounts, client, caplog):
    with caplog.at_level(logging.WARNING, logger="govmedia.core.logins"):
        _fail(client, "nobody", 5, address="10.6.6.6")
    lines = [r.getMessage() for r in caplog.records if r.name == "govmedia.core.logins"]
    assert lines.count("failed log-in for account 'nobody' from 10.6.6.6") == 5
    assert (
        "locked out log-ins for account 'nobody' and address 10.6.6.6 for 15 minutes "
        "after 5 failed log-ins"
    ) in lines


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(accounts, client):
    # Without GOVMEDIA_BEHIND_PROXY the header is the client's word, not the address.
    _fail(client, "nobody", 5, address="10.7.7.7", HTTP_X_FORWARDED_FOR="1.1.1.1")
    response = _log_in(client, "li", PASSWORD, address="10.7.7.7", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert response.status_code == 429


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(accounts, client, settings):
    settings.GOVMEDIA_BEHIND_PROXY = True
    proxy = "127.0.0.1"
    # The client's own "1.1.1.1" is ignored; the proxy appended the real 10.8.8.8.
    _fail(client, "nobody", 5, address=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 10.8.8.8")
    locked = _log_in(client, "li", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="10.8.8.8")
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out by 10.8.8.8's failures.
    assert _logged_in(
        _log_in(client, "li", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="10.9.9.1")
    )
