"""Which kind of post a post is: 政策发布/解读, 实时资讯, 便民服务, 应急与求助 or 其他.

The categories are those practitioners use when they analyse 上海发布's
output. A post is assigned from its item's disclosure category (公开类别)
and its title and summary, by keywords; the first category whose words
match wins, in the order below (an emergency notice that also mentions a
policy is an emergency). A person can override the result on the post.
No Django here; the keyword lists are defaults a deployment may replace
through settings.GOVMEDIA_REACH_CATEGORY_KEYWORDS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

EMERGENCY = "emergency"
POLICY = "policy"
SERVICE = "service"
NEWS = "news"
OTHER = "other"

# Order matters: the first category with a matching word wins.
DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    EMERGENCY: (
        "预警",
        "应急",
        "突发",
        "台风",
        "暴雨",
        "地震",
        "火灾",
        "疫情",
        "求助",
        "寻人",
        "紧急",
        "避险",
        "停水",
        "停电",
        "辟谣",
        "险情",
        "防汛",
        "安全提示",
    ),
    POLICY: (
        "政策",
        "解读",
        "办法",
        "规定",
        "条例",
        "通知",
        "意见",
        "方案",
        "规划",
        "实施细则",
        "一图读懂",
        "图解",
        "问答",
        "答记者问",
        "征求意见",
        "文件",
    ),
    SERVICE: (
        "办事",
        "指南",
        "服务",
        "预约",
        "缴费",
        "报名",
        "开放时间",
        "便民",
        "出行",
        "攻略",
        "社保",
        "公积金",
        "医保",
        "怎么办",
        "如何办理",
        "查询",
        "招聘",
    ),
    NEWS: (
        "召开",
        "会议",
        "发布会",
        "动态",
        "今日",
        "最新",
        "快讯",
        "举行",
        "开幕",
        "活动",
        "调研",
        "检查",
        "工作",
        "成效",
    ),
}

# Disclosure categories (公开类别, publishing's statutory list after 《政府信息公开条例》
# 第二十条, plus common local names) that decide on their own; the rest go by keywords.
DEFAULT_DISCLOSURE_CATEGORIES: dict[str, str] = {
    "规范性文件": POLICY,
    "规划信息": POLICY,
    "民生政策": POLICY,
    "政策文件": POLICY,
    "政策解读": POLICY,
    "应急管理": EMERGENCY,
    "行政许可": SERVICE,
    "行政事业性收费": SERVICE,
    "公务员招考": SERVICE,
    "公共服务": SERVICE,
    "统计信息": NEWS,
    "监督检查": NEWS,
    "重大建设项目": NEWS,
    "工作动态": NEWS,
}


def classify(
    title: str,
    summary: str = "",
    disclosure_category: str = "",
    *,
    is_policy: bool = False,
    keywords: Mapping[str, Sequence[str]] | None = None,
    disclosure_categories: Mapping[str, str] | None = None,
) -> str:
    """The category code of a post, from its text and its item's disclosure category."""
    words = DEFAULT_KEYWORDS if keywords is None else keywords
    by_disclosure = (
        DEFAULT_DISCLOSURE_CATEGORIES if disclosure_categories is None else disclosure_categories
    )
    text = f"{title} {summary}"
    # An emergency word wins even over a policy category: the reader needs it first.
    if any(word in text for word in words.get(EMERGENCY, ())):
        return EMERGENCY
    if disclosure_category in by_disclosure:
        return by_disclosure[disclosure_category]
    if is_policy:
        return POLICY
    for category, category_words in words.items():
        if any(word in text for word in category_words):
            return category
    return OTHER
