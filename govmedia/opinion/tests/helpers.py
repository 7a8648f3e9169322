"""Building opinion objects inline in tests."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from govmedia.opinion import processing
from govmedia.opinion.models import MonitoringPlan, Vendor


def vendor(name: str = "示例舆情数据公司") -> tuple[Vendor, str]:
    v = Vendor(name=name)
    token = v.issue_token()
    v.save()
    return v, token


def make_analyst(user) -> None:
    user.user_permissions.add(
        Permission.objects.get(codename="analyse", content_type__app_label="opinion")
    )


def plan(department, analyst=None, expression: str = "食堂 OR 中毒") -> MonitoringPlan:
    processing.reset()
    return MonitoringPlan.objects.create(
        name=f"{department.name}舆情", department=department, expression=expression, analyst=analyst
    )


def posts(
    n: int,
    *,
    start=None,
    text="示例市第一中学食堂多名学生午饭后呕吐腹痛，疑似食物中毒，已送医院",
    prefix="p",
):
    start = start or timezone.now() - timedelta(minutes=30)
    return [
        {
            "key": f"{prefix}{i}",
            "text": f"{text}，第{i}位网友转述" if i else text,
            "at": (start + timedelta(seconds=30 * i)).isoformat(),
            "author": f"网友{i}",
            "parent_key": f"{prefix}0" if i else "",
            "engagement": 5 * i,
            "platform": "微博",
        }
        for i in range(n)
    ]


def push(client, token: str, batch) -> object:
    return client.post(
        "/api/v1/opinion/push",
        {"posts": batch},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
