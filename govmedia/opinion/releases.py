"""The texts of an incident's releases, drafted in one step from the incident's facts.

The three templates follow the practitioners' order 快报事实、慎报原因，重报态度、
准报措施，再报进展、后报结果: the first release states the verified facts
and the government's stance and measures at once and leaves causes to the
investigation; a progress release adds what changed; the result release
states the findings. The safety and first-aid notes per kind of incident
are written by us from public knowledge (fire services', Red Cross and
emergency management bureaus' public guidance), plain and short.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

SAFETY: dict[str, list[str]] = {
    "traffic": [
        "途经事故路段请听从现场民警指挥，提前绕行，不围观、不停车拍摄。",
        "发生事故后先开启危险报警闪光灯，在来车方向 150 米外放置警告标志，人员撤至护栏外。",
        "伤者不要随意搬动，怀疑颈椎受伤时保持头颈固定，立即拨打 120 和 122。",
    ],
    "fire": [
        "发现火情立即拨打 119，说清地址、起火物和有无人员被困。",
        "撤离时用湿毛巾捂住口鼻、低姿前进，不乘电梯，不返回取物。",
        "身上着火时不要奔跑，就地打滚压灭火苗；烧烫伤用流动凉水冲洗 15 至 20 分钟。",
    ],
    "flood": [
        "暴雨期间远离低洼地带、地下通道、河道和涵洞，不涉水通行。",
        "车辆涉水熄火后不要再次启动，水位上涨时及时弃车向高处转移。",
        "远离倒伏的电线杆和积水中的电线，防止触电。",
    ],
    "food": [
        "出现呕吐、腹泻、腹痛等症状请及时就医，并保留剩余食物和就餐凭证。",
        "不购买、不食用来历不明的食品，发现问题食品可拨打 12315 举报。",
    ],
    "gas": [
        "闻到燃气味立即关闭燃气阀门，打开门窗通风，不开关电器、不使用明火和手机。",
        "撤离到室外安全地点后拨打燃气公司抢修电话或 119。",
    ],
    "other": [
        "请以政府部门发布的权威信息为准，不信谣、不传谣。",
        "如需帮助请拨打 12345 政务服务便民热线。",
    ],
}


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def draft(
    kind: str, incident, *, now: datetime, department_name: str, place: str = ""
) -> tuple[str, str]:
    """(title, HTML body) of a release of `kind` ("first", "progress", "result") for `incident`."""
    when = f"{now:%Y年%m月%d日%H时%M分}".replace("年0", "年").replace("月0", "月")
    started = f"{incident.started_at:%m月%d日%H时%M分}".lstrip("0")
    where = incident.place or place
    facts = incident.facts.strip() or f"{started}许，{where}发生{incident.title}。"
    measures = incident.measures.strip() or "有关部门已第一时间赶赴现场开展处置工作。"
    if kind == "first":
        title = f"关于{incident.title}的情况通报"
        paragraphs = [
            f"{facts}",
            f"事件发生后，{department_name}高度重视，立即启动应急预案。{measures}",
            "事件原因正在调查中，调查结果将及时向社会公布。",
            "请广大市民以官方发布的信息为准，不信谣、不传谣。",
        ]
    elif kind == "progress":
        title = f"关于{incident.title}的进展通报"
        paragraphs = [
            f"截至{when}，{facts}",
            f"{measures}",
            "后续进展将继续及时发布。",
        ]
    else:
        title = f"关于{incident.title}的调查处理结果通报"
        paragraphs = [
            f"{facts}",
            f"经调查，{measures}",
            f"{department_name}将举一反三，切实做好相关工作。感谢社会各界的关注和监督。",
        ]
    body = "".join(_p(text) for text in paragraphs)
    tips = SAFETY.get(incident.kind) or SAFETY["other"]
    body += "<h3>安全提示</h3>" + "".join(_p(f"{i}. {tip}") for i, tip in enumerate(tips, 1))
    body += _p(f"{department_name}") + _p(when)
    return title, body
