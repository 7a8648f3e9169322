"""Judging channels against 《政府网站与政务新媒体检查指标》 (国办秘函〔2019〕19号).

Plain data in, problems out. The round (service.py) gathers, per watched
channel, what the database says in a few aggregate queries (the latest
publication date, the number of entries and of undated ones, probe failures,
open messages, content findings) into a ``ChannelFacts``; ``judge_channel``
turns one into problems, ``judge_department`` adds the problems that exist
only for a website as a whole (five stale columns, ten not updated, five
blank), and scoring.py turns problems into scores. No Django, so the tests,
the command and the benchmark call the same code.

Every threshold comes from ``Rules`` (the admin's rule table, national values
by default, see docs/inspection.md). Content without a publication date
counts as not updated, as the indicators say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

# Column types (栏目类型) of a watched channel.
HOME = "home"  # 首页
NEWS = "news"  # 动态要闻
NOTICE = "notice"  # 通知公告
POLICY = "policy"  # 政策文件
INTERACTION = "interaction"  # 互动交流
OTHER = "other"  # 其他
NEW_MEDIA = "new_media"  # 新媒体账号

# Problem codes, stable: notices, alerts and the report group by them.
HOME_STALE = "home_stale"
COLUMN_STALE = "column_stale"  # a 动态/要闻/通知公告/政策文件 column past its limit
NOT_UPDATED = "not_updated"  # any other column that should be updated and is not
BLANK = "blank_column"
STALE_COLUMNS_VETO = "stale_columns_veto"
NOT_UPDATED_VETO = "not_updated_veto"
BLANK_VETO = "blank_columns_veto"
UNAVAILABLE = "unavailable"
UNAVAILABLE_SOME = "unavailable_some"
UNANSWERED = "unanswered"
NEW_MEDIA_STALE = "new_media_stale"
NEW_MEDIA_WARN = "new_media_warn"
SERIOUS_FINDING = "serious_finding"
MINOR_FINDING = "minor_finding"
READ_ERROR = "read_error"

LABELS: dict[str, str] = {
    HOME_STALE: "首页长期未更新",
    COLUMN_STALE: "栏目更新不及时",
    NOT_UPDATED: "应更新栏目未更新",
    BLANK: "空白栏目",
    STALE_COLUMNS_VETO: "动态、要闻、通知公告、政策文件类栏目不更新达到否决数量",
    NOT_UPDATED_VETO: "应更新未更新栏目达到否决数量",
    BLANK_VETO: "空白栏目达到否决数量",
    UNAVAILABLE: "网站不可用",
    UNAVAILABLE_SOME: "网站偶有不可用",
    UNANSWERED: "留言超过三个月未答复",
    NEW_MEDIA_STALE: "新媒体账号超过两周未更新",
    NEW_MEDIA_WARN: "新媒体账号超过一周未更新",
    SERIOUS_FINDING: "已发布内容存在严重表述错误或泄露隐私",
    MINOR_FINDING: "已发布内容存在一般性错误",
    READ_ERROR: "栏目无法读取",
}

# Sections of the 100 points; the 25 of 互动/服务 are left out for departments
# without external services (scored out of 75, then scaled by 4/3).
SECTION_PUBLISHING = "publishing"
SECTION_SERVICE = "service"


@dataclass(frozen=True)
class Rules:
    """The rule table's values by code (see migrations/0002 and docs/inspection.md)."""

    values: Mapping[str, float]

    def __getitem__(self, code: str) -> float:
        return self.values[code]

    def days(self, code: str) -> int:
        return int(self.values[code])


# The national defaults, also the data migration's seed values.
DEFAULTS: dict[str, float] = {
    "home_stale_days": 14,
    "news_stale_days": 14,
    "notice_stale_days": 180,
    "stale_columns_veto_count": 5,
    "not_updated_veto_count": 10,
    "blank_columns_veto_count": 5,
    "unavailable_share": 0.05,
    "probe_window_days": 7,
    "unanswered_days": 90,
    "new_media_stale_days": 14,
    "new_media_warn_days": 7,
    "stale_column_deduction": 5,
    "blank_column_deduction": 5,
    "not_updated_deduction": 2,
    "unavailable_some_deduction": 5,
    "new_media_warn_deduction": 5,
    "minor_finding_deduction": 1,
    "minor_finding_max": 10,
    "pass_score": 60,
    "alert_day": 10,
    "notice_workdays": 5,
}


def default_rules() -> Rules:
    return Rules(dict(DEFAULTS))


@dataclass
class Problem:
    code: str
    veto: bool = False
    deduction: float = 0.0
    warning: bool = False  # nearing a veto, or worth a look, without a deduction
    section: str = SECTION_PUBLISHING
    channel_id: int | None = None
    channel: str = ""
    detail: str = ""  # one Chinese sentence with the figures
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS.get(self.code, self.code)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["label"] = self.label
        return data


@dataclass
class ChannelFacts:
    """What the round knows of one watched channel at the end of the period."""

    channel_id: int
    name: str
    column_type: str
    should_update: bool = True
    update_every_days: int = 14
    has_source: bool = True
    entries: int = 0
    dated_entries: int = 0
    latest_published: datetime | None = None  # aware, in the inspecting government's zone
    latest_evidence: list[dict[str, Any]] = field(default_factory=list)  # title, url, date
    probes: int = 0
    probes_failed: int = 0
    probe_evidence: list[dict[str, Any]] = field(default_factory=list)  # at, error
    open_message_days: list[tuple[str, int]] = field(default_factory=list)  # (label, age in days)
    read_error: str = ""  # the source's last error, in Chinese


def days_since(moment: datetime | date | None, today: date) -> int | None:
    if moment is None:
        return None
    day = moment.date() if isinstance(moment, datetime) else moment
    return (today - day).days


def _stale_detail(facts: ChannelFacts, age: int | None, limit: int) -> str:
    if facts.entries == 0:
        return "栏目内无任何信息。"
    if age is None:
        return f"栏目有 {facts.entries} 条信息，均无发布日期，按未更新计。"
    return f"最近一次更新在 {age} 天前，超过 {limit} 天的要求。"


def stale_limit(facts: ChannelFacts, rules: Rules) -> int:
    if facts.column_type == HOME:
        return rules.days("home_stale_days")
    if facts.column_type == NEWS:
        return rules.days("news_stale_days")
    if facts.column_type in (NOTICE, POLICY):
        return rules.days("notice_stale_days")
    if facts.column_type == NEW_MEDIA:
        return rules.days("new_media_stale_days")
    return facts.update_every_days


def judge_channel(facts: ChannelFacts, today: date, rules: Rules) -> list[Problem]:
    """The problems of one channel on `today` (the period's last day)."""
    problems: list[Problem] = []

    def add(code: str, **kwargs: Any) -> None:
        problems.append(Problem(code, channel_id=facts.channel_id, channel=facts.name, **kwargs))

    # An undated entry is not an update: only dated ones count.
    age = days_since(facts.latest_published, today)
    limit = stale_limit(facts, rules)
    stale = facts.has_source and (age is None or age > limit)
    evidence = facts.latest_evidence
    kind = facts.column_type

    if kind == NEW_MEDIA:
        warn = rules.days("new_media_warn_days")
        if stale:
            add(
                NEW_MEDIA_STALE,
                veto=True,
                detail=_stale_detail(facts, age, limit),
                evidence=evidence,
            )
        elif age is not None and age > warn:
            add(
                NEW_MEDIA_WARN,
                deduction=rules["new_media_warn_deduction"],
                detail=f"最近一次更新在 {age} 天前，超过 {warn} 天。",
                evidence=evidence,
            )
    elif facts.has_source and facts.entries == 0 and kind != HOME:
        add(BLANK, deduction=rules["blank_column_deduction"], detail="栏目内无任何信息。")
    elif kind == HOME and stale:
        add(HOME_STALE, veto=True, detail=_stale_detail(facts, age, limit), evidence=evidence)
    elif kind in (NEWS, NOTICE, POLICY) and stale:
        add(
            COLUMN_STALE,
            deduction=rules["stale_column_deduction"],
            detail=_stale_detail(facts, age, limit),
            evidence=evidence,
        )
    elif kind in (INTERACTION, OTHER) and facts.should_update and stale:
        add(
            NOT_UPDATED,
            deduction=rules["not_updated_deduction"],
            detail=_stale_detail(facts, age, limit),
            evidence=evidence,
            section=SECTION_SERVICE if kind == INTERACTION else SECTION_PUBLISHING,
        )

    if facts.probes:
        share = facts.probes_failed / facts.probes
        window = rules.days("probe_window_days")
        detail = f"近 {window} 天 {facts.probes} 次检测中 {facts.probes_failed} 次不可用（{share:.1%}）。"
        if share >= rules["unavailable_share"]:
            add(UNAVAILABLE, veto=True, detail=detail, evidence=facts.probe_evidence)
        elif facts.probes_failed:
            add(
                UNAVAILABLE_SOME,
                deduction=rules["unavailable_some_deduction"],
                detail=detail,
                evidence=facts.probe_evidence,
            )

    limit_days = rules.days("unanswered_days")
    overdue = [(label, days) for label, days in facts.open_message_days if days > limit_days]
    if overdue:
        add(
            UNANSWERED,
            veto=True,
            section=SECTION_SERVICE,
            detail=f"{len(overdue)} 条留言超过 {limit_days} 天未答复，最久 {max(d for _, d in overdue)} 天。",
            evidence=[{"message": label, "days": days} for label, days in overdue[:20]],
        )

    if facts.read_error:
        add(READ_ERROR, warning=True, detail=facts.read_error)
    return problems


def judge_department(
    channel_problems: Mapping[int, Sequence[Problem]],
    rules: Rules,
    *,
    findings: Iterable[dict[str, Any]] = (),
    open_message_days: Sequence[tuple[str, int]] = (),
    has_interaction_channel: bool = False,
) -> list[Problem]:
    """The problems of a department as a whole, from its channels' problems.

    `findings` are open content findings in its published items (severity,
    category, text, title, url); `open_message_days` its open desk messages
    (label, age in days) when no interaction channel carries them.
    """
    problems: list[Problem] = []
    all_problems = [p for ps in channel_problems.values() for p in ps]
    stale = [p for p in all_problems if p.code == COLUMN_STALE]
    not_updated = [p for p in all_problems if p.code in (COLUMN_STALE, NOT_UPDATED, HOME_STALE)]
    blank = [p for p in all_problems if p.code == BLANK]

    def names(ps: Sequence[Problem]) -> list[dict[str, Any]]:
        return [{"channel": p.channel, "detail": p.detail} for p in ps]

    if len(stale) >= rules["stale_columns_veto_count"]:
        problems.append(
            Problem(
                STALE_COLUMNS_VETO,
                veto=True,
                detail=f"{len(stale)} 个动态、要闻、通知公告、政策文件类栏目未按要求更新。",
                evidence=names(stale),
            )
        )
    if len(not_updated) >= rules["not_updated_veto_count"]:
        problems.append(
            Problem(
                NOT_UPDATED_VETO,
                veto=True,
                detail=f"{len(not_updated)} 个应更新栏目未更新。",
                evidence=names(not_updated),
            )
        )
    if len(blank) >= rules["blank_columns_veto_count"]:
        problems.append(
            Problem(
                BLANK_VETO,
                veto=True,
                detail=f"{len(blank)} 个空白栏目。",
                evidence=names(blank),
            )
        )

    serious = [f for f in findings if f.get("severity") == "blocking"]
    minor = [f for f in findings if f.get("severity") == "warning"]
    if serious:
        problems.append(
            Problem(
                SERIOUS_FINDING,
                veto=True,
                detail=f"已发布内容中有 {len(serious)} 处严重错误（如领导职务错误、泄露身份证号）。",
                evidence=serious[:20],
            )
        )
    if minor:
        deduction = min(rules["minor_finding_deduction"] * len(minor), rules["minor_finding_max"])
        problems.append(
            Problem(
                MINOR_FINDING,
                deduction=deduction,
                detail=f"已发布内容中有 {len(minor)} 处一般性错误。",
                evidence=minor[:20],
            )
        )

    if not has_interaction_channel:
        limit_days = rules.days("unanswered_days")
        overdue = [(label, days) for label, days in open_message_days if days > limit_days]
        if overdue:
            problems.append(
                Problem(
                    UNANSWERED,
                    veto=True,
                    section=SECTION_SERVICE,
                    detail=f"{len(overdue)} 条留言超过 {limit_days} 天未答复，最久 {max(d for _, d in overdue)} 天。",
                    evidence=[{"message": label, "days": days} for label, days in overdue[:20]],
                )
            )
    return problems
