"""The rule table's rows: code, name, unit, veto, basis. Values are judge.DEFAULTS.

Kept apart from the migration so that docs/inspection.md and the migration
read one list. "国办指标" is 《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号);
a basis marked 本平台设定 is our own choice where the indicators give no
figure we could confirm (docs/inspection.md says which).
"""

from __future__ import annotations

INDICATORS = "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》"
OURS = "本平台设定（指标未给出具体分值，见 docs/inspection.md）"

# code, name, unit, is_veto, basis
ROWS: list[tuple[str, str, str, bool, str]] = [
    (
        "home_stale_days",
        "首页栏目超过多少天未更新（单项否决）",
        "天",
        True,
        INDICATORS + "：网站首页栏目信息超过2周未更新",
    ),
    (
        "news_stale_days",
        "动态、要闻类栏目超过多少天未更新",
        "天",
        False,
        INDICATORS + "：动态、要闻类栏目超过2周未更新",
    ),
    (
        "notice_stale_days",
        "通知公告、政策文件类栏目超过多少天未更新",
        "天",
        False,
        INDICATORS + "：通知公告、政策文件类栏目超过6个月未更新",
    ),
    (
        "stale_columns_veto_count",
        "上述栏目未按要求更新达到多少个（单项否决）",
        "个",
        True,
        INDICATORS + "：上述栏目不更新累计超过（含）5个",
    ),
    (
        "not_updated_veto_count",
        "应更新但长期未更新的栏目达到多少个（单项否决）",
        "个",
        True,
        INDICATORS + "：应更新但长期未更新的栏目数量超过（含）10个",
    ),
    (
        "blank_columns_veto_count",
        "空白栏目达到多少个（单项否决）",
        "个",
        True,
        INDICATORS + "：空白栏目数量超过（含）5个",
    ),
    (
        "unavailable_share",
        "一周内检测不可用的比例（单项否决）",
        "比例",
        True,
        INDICATORS
        + "：1周内累计监测不少于20次，不可访问次数累计超过（含）15次（约占5%），本平台按不可用比例达到5%判定",
    ),
    ("probe_window_days", "可用性统计的时间窗", "天", False, INDICATORS + "：1周内"),
    (
        "unanswered_days",
        "留言超过多少天未答复（单项否决）",
        "天",
        True,
        INDICATORS + "：互动交流栏目存在超过3个月未回应的留言",
    ),
    (
        "new_media_stale_days",
        "新媒体账号超过多少天未更新（单项否决）",
        "天",
        True,
        INDICATORS + "（政务新媒体部分）：超过2周未更新",
    ),
    (
        "new_media_warn_days",
        "新媒体账号超过多少天未更新时预警",
        "天",
        False,
        INDICATORS + "（政务新媒体部分）：超过1周未更新扣分（扣分值未核对）",
    ),
    ("stale_column_deduction", "每个未按要求更新的栏目扣分", "分", False, OURS),
    ("blank_column_deduction", "每个空白栏目扣分", "分", False, OURS),
    ("not_updated_deduction", "每个其他应更新未更新栏目扣分", "分", False, OURS),
    ("unavailable_some_deduction", "偶有不可用（低于否决比例）扣分", "分", False, OURS),
    ("new_media_warn_deduction", "新媒体账号超过一周未更新扣分", "分", False, OURS),
    ("minor_finding_deduction", "已发布内容每处一般性错误扣分", "分", False, OURS),
    ("minor_finding_max", "一般性错误扣分上限", "分", False, OURS),
    ("pass_score", "合格分数线", "分", False, INDICATORS + "：扣分超过40分（即低于60分）为不合格"),
    (
        "alert_day",
        "距否决前提醒：未更新第几天提醒责任人",
        "天",
        False,
        OURS + "（2周否决前第10天）",
    ),
    ("notice_workdays", "整改期限（工作日）", "工作日", False, OURS),
]
