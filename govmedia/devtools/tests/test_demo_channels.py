"""The demo city's WeChat and Weibo accounts post to the bundled fake platforms."""

from __future__ import annotations

import socket

import pytest

from govmedia.devtools import demo_channels
from govmedia.devtools.demo import load_demo
from govmedia.publishing.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def fakes(monkeypatch):
    wechat, weibo = free_port(), free_port()
    monkeypatch.setattr(demo_channels, "WECHAT_PORT", wechat)
    monkeypatch.setattr(demo_channels, "WEIBO_PORT", weibo)
    monkeypatch.setattr(demo_channels, "DEMO_WECHAT_URL", f"http://127.0.0.1:{wechat}")
    monkeypatch.setattr(demo_channels, "DEMO_WEIBO_URL", f"http://127.0.0.1:{weibo}")
    labels, stop = demo_channels.start_fakes()
    yield labels
    stop()


def test_the_demo_fans_items_out_to_its_fake_wechat_and_weibo(
    fakes, django_capture_on_commit_callbacks
):
    from govmedia.publishing.keyring import ensure_first_key

    assert len(fakes) == 2
    ensure_first_key(actor="test")  # as `govmedia setup` does before loading the demo
    with django_capture_on_commit_callbacks(execute=True):
        load_demo(size="small")
    assert demo_channels.uses_fakes()
    sent = Delivery.objects.filter(channel__isnull=False)
    kinds = set(sent.values_list("channel__kind", flat=True))
    assert kinds == {"wechat", "weibo"}
    for delivery in sent:
        assert delivery.status == DeliveryStatus.SENT, (delivery.publisher, delivery.last_error)
        assert delivery.external_id
