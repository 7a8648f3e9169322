"""The 示例市 demo's public opinion: a generated stream of posts, run through the pipeline.

A developing incident (a bus collides with a lorry on 示例大桥 this morning:
first posts, reposts with small edits, a burst, anger at the slow answer), a
rumour that matches the 辟谣库 (the bridge is said to have cracked), and
background chatter. Everything is written by us for the fictional city;
seeded, so each load is the same; a few hundred posts, so the demo stays fast.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from govmedia.opinion import processing
from govmedia.opinion.ingest import store
from govmedia.opinion.models import Claim, MonitoringPlan, Origin, PostRecord, Vendor, Verdict

INCIDENT = [
    "示例大桥上一辆公交车和货车相撞，桥上堵死了，有人受伤",
    "刚路过示例大桥，公交车和大货车撞了，救护车来了好几辆",
    "示例大桥车祸现场，公交车车头都变形了，希望乘客平安",
    "示例大桥发生交通事故，公交车与货车相撞，目前双向交通中断",
    "有没有人知道示例大桥车祸伤亡情况？官方怎么还没消息",
    "示例大桥事故已经两个小时了，交通局一点消息都没有，太慢了",
]
RUMOUR = [
    "听说示例大桥桥面开裂了，这次车祸就是桥塌了引起的，大家别走示例大桥",
    "示例大桥出现裂缝要塌了！转给家人，千万别上桥",
]
CHATTER = [
    "示例市今天天气不错，去湿地公园走了走",
    "示例市图书馆新开的自习室环境很好",
    "周末带孩子去示例市科技馆，人有点多",
    "示例市地铁三号线什么时候通车啊",
    "示例市的早餐店推荐一下，想吃豆浆油条",
    "今天在示例市政务服务中心办证，半小时就办好了，点赞",
]
EDITS = ["", "！", "。转", "，扩散", " #示例大桥#", "，太可怕了"]


def load(departments: dict, users: dict, *, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    # The small demo has fewer departments and people: the city answers then.
    transport = departments.get("transport") or departments["city"]
    analyst = users.get("jt_bianji") or users.get("admin")
    analyse = Permission.objects.get(codename="analyse", content_type__app_label="opinion")
    for user in (analyst, users.get("jy_bianji")):
        if user is not None:
            user.user_permissions.add(analyse)
    MonitoringPlan.objects.get_or_create(
        name="交通安全舆情",
        department=transport,
        defaults={
            "expression": "(大桥 OR 公交 OR 地铁) AND (车祸 OR 事故 OR 相撞 OR 塌 OR 裂缝)",
            "analyst": analyst,
        },
    )
    if "edu" in departments:
        MonitoringPlan.objects.get_or_create(
            name="教育舆情",
            department=departments["edu"],
            defaults={
                "expression": "(学校 OR 中学 OR 小学) AND (食堂 OR 中毒 OR 欺凌)",
                "analyst": users.get("jy_bianji"),
            },
        )
    Claim.objects.get_or_create(
        text="示例大桥桥面开裂、即将坍塌",
        defaults={
            "verdict": Verdict.FALSE,
            "rebuttal": "经检测，示例大桥结构安全，桥面无裂缝；事故系车辆相撞，与桥梁无关。",
            "rebuttal_url": "https://www.example.gov.cn/jtj/py/2026-001.html",
            "department": transport,
        },
    )
    vendor, _created = Vendor.objects.get_or_create(
        name="演示数据服务", defaults={"token_hash": "-", "token_prefix": "-"}
    )
    now = timezone.now()
    start = now - timedelta(hours=3)
    posts: list[PostRecord] = []

    def post(key: str, text: str, at, parent: str = "", engagement: int = 0) -> None:
        posts.append(
            PostRecord(
                channel=f"vendor:{vendor.pk}",
                key=key,
                origin=Origin.PUSH,
                vendor=vendor,
                author=f"网友{rng.randint(1000, 9999)}",
                text=text,
                at=at,
                parent_key=parent,
                engagement=engagement,
                platform=rng.choice(["微博", "论坛", "短视频评论"]),
            )
        )

    for i in range(120):  # background chatter over the last day
        post(
            f"c{i}",
            rng.choice(CHATTER) + rng.choice(EDITS),
            now - timedelta(minutes=rng.randint(0, 24 * 60)),
        )
    for i in range(160):  # the incident: slow at first, then a burst, reposts of the first posts
        minutes = 180 * (i / 160) ** 2
        at = start + timedelta(minutes=minutes)
        if i > 20 and rng.random() < 0.5:
            parent = f"i{rng.randint(0, 20)}"
            post(
                f"i{i}",
                INCIDENT[int(parent[1:]) % len(INCIDENT)] + rng.choice(EDITS),
                at,
                parent,
                rng.randint(0, 50),
            )
        else:
            post(
                f"i{i}",
                INCIDENT[min(i // 30, len(INCIDENT) - 1)] + rng.choice(EDITS),
                at,
                "",
                rng.randint(0, 300),
            )
    for i in range(25):  # the rumour, an hour in
        post(
            f"r{i}",
            RUMOUR[i % 2] + rng.choice(EDITS),
            start + timedelta(minutes=60 + 3 * i),
            "",
            rng.randint(0, 80),
        )
    stored, _duplicates = store(posts)
    processing.reset()
    counts = processing.process_pending()
    alerts = processing.raise_alerts()
    return {"posts": stored, "events": counts["events"], "alerts": len(alerts)}
