"""A channel that cannot be reached is explained in Chinese on the item's page.

Every client turns a refused connection into its "unreachable" error with a
Chinese reason; the English detail (errno, address) goes to the log only.
"""

from __future__ import annotations

import logging
import re
import socket

import pytest

from govmedia.publishing.clients.webhook import WebhookClient, WebhookUnavailable
from govmedia.publishing.clients.wechat import WeChatClient, WeChatUnreachable
from govmedia.publishing.clients.weibo import WeiboClient, WeiboUnavailable

REFUSED = "无法连接到接口地址"


@pytest.fixture
def dead_address() -> str:
    """An address on loopback where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        host, port = probe.getsockname()
    return f"http://{host}:{port}"


def _no_latin_words(text: str) -> bool:
    # Paths like /2/statuses/share.json name the call; no English words besides.
    return not re.findall(r"(?<![/\w.])[A-Za-z]{3,}(?![\w.])", re.sub(r"/\S*", "", text))


def test_weibo_says_in_chinese_that_it_could_not_connect(dead_address, caplog):
    client = WeiboClient("token", api_base=dead_address, sleep=lambda _: None)

    with caplog.at_level(logging.WARNING), pytest.raises(WeiboUnavailable) as raised:
        client.share("关于开展秋季校园安全检查的通知 https://www.shili.gov.cn/")

    assert REFUSED in raised.value.error and _no_latin_words(raised.value.error)
    assert "ConnectError" in caplog.text  # the detail stays in the log


def test_the_webhook_says_in_chinese_that_it_could_not_connect(dead_address, caplog):
    client = WebhookClient(f"{dead_address}/push", "secret", retries=1, sleep=lambda _: None)

    with caplog.at_level(logging.WARNING), pytest.raises(WebhookUnavailable) as raised:
        client.send("published", {"title": "通知"}, idempotency_key="k1")

    assert REFUSED in str(raised.value) and "ConnectError" in caplog.text


def test_wechat_says_in_chinese_that_it_could_not_connect(dead_address, caplog):
    client = WeChatClient("wxappid", "secret", api_base=dead_address, sleep=lambda _: None)

    with caplog.at_level(logging.WARNING), pytest.raises(WeChatUnreachable) as raised:
        client.access_token()

    assert REFUSED in str(raised.value) and "ConnectError" in caplog.text
