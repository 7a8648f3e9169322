"""The demo's reach statistics: 60 days for every account, the same numbers every time."""

from __future__ import annotations

from datetime import date

import pytest

from govmedia.devtools import demo_reach
from govmedia.orgs.models import Channel, ChannelKind
from govmedia.reach.models import AccountDay, IndexScore, Post

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


def test_every_account_gets_sixty_days_and_a_second_load_changes_nothing(people):
    wechat = Channel.objects.create(
        department=people.education, kind=ChannelKind.WECHAT, name="示例教育发布", account_id="gh"
    )
    weibo = Channel.objects.create(
        department=people.city, kind=ChannelKind.WEIBO, name="示例发布", account_id="wb"
    )
    made = demo_reach.load(TODAY)
    assert made == Post.objects.count() > 60
    for channel in (wechat, weibo):
        assert AccountDay.objects.filter(channel=channel).count() == 60
        assert Post.objects.filter(channel=channel).exists()
    assert {s.version for s in IndexScore.objects.filter(channel=wechat)} == {"WCI V14.2"}
    assert {s.version for s in IndexScore.objects.filter(channel=weibo)} == {"BCI（四项版）"}
    categories = set(Post.objects.values_list("category", flat=True))
    assert {"news", "policy", "service", "emergency"} <= categories
    figures = list(
        Post.objects.order_by("channel", "external_id").values_list("external_id", "reads")
    )
    assert demo_reach.load(TODAY) == 0
    assert (
        list(Post.objects.order_by("channel", "external_id").values_list("external_id", "reads"))
        == figures
    )
