"""The demo city's WeChat and Weibo accounts, on the bundled fake platforms.

`govmedia setup --demo` gives every demo WeChat channel and Weibo channel
credentials whose API address is a loopback port (DEMO_WECHAT_URL,
DEMO_WEIBO_URL), and `govmedia run` starts the two fakes there
(`start_fakes`) when the installation holds the demo: a new user who signs
off an item with those channels sees it fanned out, with the remote ids on
the item's 发布与档案 page. The fakes keep their posts in memory; they are
gone when `run` stops (a delivery's record stays).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

logger = logging.getLogger(__name__)

WECHAT_PORT = int(os.environ.get("GOVMEDIA_DEMO_WECHAT_PORT", "8701"))
WEIBO_PORT = int(os.environ.get("GOVMEDIA_DEMO_WEIBO_PORT", "8702"))
DEMO_WECHAT_URL = f"http://127.0.0.1:{WECHAT_PORT}"
DEMO_WEIBO_URL = f"http://127.0.0.1:{WEIBO_PORT}"
WECHAT_APPID = "wxdemo00000000001"
WECHAT_SECRET = "demo-wechat-secret"
WEIBO_TOKEN = "demo-weibo-token"
WEIBO_UID = "5100000001"


def configure(channels) -> int:
    """Credentials pointing at the fakes for the demo's WeChat and Weibo channels."""
    from govmedia.orgs.models import ChannelKind
    from govmedia.publishing.credentials import set_credentials

    count = 0
    for channel in channels:
        if channel.kind == ChannelKind.WECHAT:
            values = {"appid": WECHAT_APPID, "secret": WECHAT_SECRET, "api_base": DEMO_WECHAT_URL}
        elif channel.kind == ChannelKind.WEIBO:
            values = {"access_token": WEIBO_TOKEN, "uid": WEIBO_UID, "api_base": DEMO_WEIBO_URL}
        else:
            continue
        set_credentials(channel, values)
        count += 1
    return count


def uses_fakes() -> bool:
    """Whether any channel's credentials point at the demo fakes."""
    from govmedia.orgs.models import Channel
    from govmedia.publishing.credentials import CredentialsError, get_credentials

    for channel in Channel.objects.filter(credentials__isnull=False):
        try:
            base = get_credentials(channel).get("api_base", "")
        except CredentialsError:
            continue
        if base in (DEMO_WECHAT_URL, DEMO_WEIBO_URL):
            return True
    return False


def start_fakes() -> tuple[list[str], Callable[[], None]]:
    """Start the fake WeChat and Weibo platforms in this process; their addresses, and a stop."""
    from govmedia.publishing.clients.fake_wechat import FakeWeChat
    from govmedia.publishing.clients.fake_weibo import FakeWeibo
    from govmedia.publishing.clients.fakeserver import FakeServer

    started: list[tuple[str, Callable[[], None]]] = []
    wechat = FakeWeChat(WECHAT_APPID, WECHAT_SECRET, port=WECHAT_PORT)
    weibo = FakeWeibo(access_token=WEIBO_TOKEN, uid=WEIBO_UID, server=FakeServer(port=WEIBO_PORT))
    for name, start, stop_fake in (
        ("微信公众平台（模拟）", wechat.start, wechat.stop),
        ("微博开放平台（模拟）", weibo.server.start, weibo.server.stop),
    ):
        try:
            url = start()
        except OSError as exc:
            logger.warning("demo: the fake %s could not start (%s)", name, exc)
            continue
        started.append((f"{name} {url}", stop_fake))

    def stop() -> None:
        for _, stop_one in started:
            stop_one()

    return [label for label, _ in started], stop
