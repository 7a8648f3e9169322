"""A labelled sample of sentences of the kinds found in real official prose.

Each sentence was written for this test after the false and true alarms met on
laws and reports: a short typo key that forms across two correct words, an
outdated agency name in a historical mention, the law's own terms that contain a
sensitive advertisement phrase, and real slips of official writing.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from govmedia.checks.engine import Engine
from govmedia.checks.lists import load_builtin_lists


@cache
def builtin_engine() -> Engine:
    entries, errors = load_builtin_lists()
    assert errors == []
    return Engine(entries, privacy=False, formatting=False)


def found(text: str, word: str, *, document_date: date | None = None) -> list[str]:
    """The categories of the findings whose text is ``word``."""
    report = builtin_engine().check(text, document_date=document_date)
    return [f.category for f in report.findings if f.text == word]


# (sentence, listed word in it): the word straddles two correct words and is no error.
STRADDLING = [
    ("具体费用由双方协商确定。", "商确"),
    ("检查人员可以摘录相关资料。", "录相"),
    ("执法记录相关情况应当存档。", "录相"),
    ("建立完善长效机制。", "善长"),
    ("逐步改善长江流域生态环境。", "善长"),
    ("违法所得来自已有财产的，一并追缴。", "自已"),
    ("图书馆为读者制定阅读计划。", "定阅"),
    ("采购项目既使用财政性资金又使用非财政性资金。", "既使"),
    ("统计时按户籍口径计算。", "籍口"),
    ("这曾是一座落后的山村。", "座落"),
    ("此事毕竟争议较大。", "竟争"),
    ("依法收回教师资格证书。", "回教"),
    ("东北朝鲜族聚居区。", "北朝鲜"),
    ("按装修标准验收。", "按装"),
    ("居民生活污水应当按排污规定处理。", "按排"),
]

# (sentence, wrong word, category): real slips that must be found.
SLIPS = [
    ("此事尚需进一步商确。", "商确", "typo"),
    ("请提供现场录相资料。", "录相", "typo"),
    ("他善长书法。", "善长", "typo"),
    ("我们要把自已的事办好。", "自已", "typo"),
    ("欢迎广大读者定阅本报。", "定阅", "typo"),
    ("既使遇到困难，也要按时完成。", "既使", "typo"),
    ("不能以此为籍口推卸责任。", "籍口", "typo"),
    ("该建筑座落于市中心。", "座落", "typo"),
    ("但座落在机关、企事业单位内的除外。", "座落", "typo"),
    ("明确山林座落地的四至。", "座落", "typo"),
    ("市场竟争日趋激烈。", "竟争", "typo"),
    ("请按装好消防设施。", "按装", "typo"),
    ("做为基层干部，要带头示范。", "做为", "typo"),
    ("要贯切落实会议精神。", "贯切落实", "typo"),
    ("精减机构，提高效率。", "精减机构", "typo"),
    ("媒体对此作了报导。", "报导", "typo"),
    ("把困难抛到九宵云外。", "九宵云外", "typo"),
    ("候鸟迁徒季节到来。", "迁徒", "typo"),
    ("情绪需要合理渲泄。", "渲泄", "typo"),
    ("把握时代脉博。", "脉博", "typo"),
    ("文章针贬时弊。", "针贬时弊", "typo"),
    ("坚决反对循私舞弊。", "循私舞弊", "typo"),
    ("发展城市煤气、天燃气。", "天燃气", "typo"),
    ("截止目前，已完成投资十亿元。", "截止", "typo"),
    ("截止到目前为止，共受理申请三百件。", "截止到", "typo"),
    ("截止2024年底，全市共有企业五万户。", "截止", "typo"),
    ("信仰回教的群众。", "回教", "expression"),
    ("北朝鲜发射卫星。", "北朝鲜", "expression"),
    ("请到区工商局办理。", "工商局", "expression"),
    ("由市食药监局负责。", "食药监局", "expression"),
    ("县安监局开展检查。", "安监局", "expression"),
    ("市环保局发布通告。", "环保局", "expression"),
    ("县国土局负责审批。", "国土局", "expression"),
    ("到镇工商所登记。", "工商所", "expression"),
    ("市农委组织培训。", "农委", "expression"),
    ("市旅游局举办推介会。", "旅游局", "expression"),
    ("省银保监局开展检查。", "银保监局", "expression"),
    ("向所在地国家税务局申报。", "国家税务局", "expression"),
    ("质检总局发布公告。", "质检总局", "expression"),
    ("卫生部负责此项工作。", "卫生部", "expression"),
    ("铁道部负责铁路运输。", "铁道部", "expression"),
    ("建设部负责城市规划。", "建设部", "expression"),
    ("国家计生委负责人口工作。", "国家计生委", "expression"),
    ("新疆维吾尔族自治区人民政府。", "新疆维吾尔族自治区", "expression"),
    ("广西自治区成立六十周年。", "广西自治区", "expression"),
    ("庆祝香港回归中国二十五周年。", "香港回归中国", "expression"),
]

# Correct sentences around the same words: nothing is found.
CORRECT = [
    ("报名截止日期为5月1日。", "截止"),
    ("投标截止时间前送达。", "截止"),
    ("保护期截止于作品首次发表后第五十年。", "截止"),
    ("截止到5月31日。", "截止到"),
    ("此举既使企业受益，又使群众满意。", "既使"),
    ("由各地卫生部门负责。", "卫生部"),
    ("交通部门应当加强管理。", "交通部"),
    ("建设部门依法查处。", "建设部"),
    ("由铁道部门负责。", "铁道部"),
    ("市文化广电旅游局负责。", "旅游局"),
    ("市文化和旅游局负责。", "旅游局"),
    ("由美国国税局征收。", "国税局"),
    ("住房和城乡建设部负责。", "建设部"),
    ("广西壮族自治区人民政府。", "广西自治区"),
    ("缴纳工商所得税。", "工商所"),
]


@pytest.mark.parametrize(("text", "word"), STRADDLING)
def test_a_key_across_two_words_is_not_reported(text, word):
    assert found(text, word) == []


@pytest.mark.parametrize(("text", "word", "category"), SLIPS)
def test_real_slips_are_found(text, word, category):
    assert found(text, word) == [category]


@pytest.mark.parametrize(("text", "word"), CORRECT)
def test_correct_usage_is_left_alone(text, word):
    assert found(text, word) == []


@pytest.mark.parametrize(
    "text",
    [
        "原国家食品药品监督管理总局令第4号公布的办法同时废止。",
        "2014年8月19日原国家工商行政管理总局令第71号公布。",
        "1982年2月4日卫生部、交通部、中国民用航空总局、铁道部发布",
        "2004年卫生部、国家工商行政管理总局发布的《食品广告发布暂行规定》同时废止。",
        "时任国家卫生计生委主任出席会议。",
        "原广东省食品药品监督管理局的职责划入市场监管部门。",
        "《国家旅游局关于进一步加强导游管理的通知》规定。",
        "张某诉某县国土资源局行政许可案。",
    ],
)
def test_a_historical_mention_of_an_abolished_body_is_not_reported(text):
    report = builtin_engine().check(text, document_date=date(2024, 1, 1))
    assert [f.text for f in report.findings if f.category == "expression"] == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("目前国土资源局正在审批。", "国土资源局"),  # 前 in 目前 does not mark it as former
        ("原则上由市工商局负责。", "工商局"),  # nor 原 in 原则上
        ("请前往市工商局办理。", "工商局"),  # nor 前 in 前往
        ("平原县工商局负责。", "工商局"),  # nor 原 ending a place name
    ],
)
def test_an_outdated_name_after_a_look_alike_of_原_or_前_is_still_reported(text, word):
    assert found(text, word) == ["expression"]


def test_the_document_date_decides_whether_a_name_was_already_outdated():
    text = "新冠肺炎疫情防控工作。"
    assert found(text, "新冠肺炎", document_date=date(2022, 3, 1)) == []
    assert found(text, "新冠肺炎", document_date=date(2023, 3, 1)) == ["expression"]
    assert found(text, "新冠肺炎") == ["expression"]  # no date: judged as written today
    assert found("国家工商总局负责。", "国家工商总局", document_date=date(2017, 5, 1)) == []


def test_the_law_s_own_terms_are_not_blocking_but_an_advertisement_is():
    engine = builtin_engine()
    for text in [
        "直接向经营地税务机关申请代开发票。",
        "禁止非法代开发票。",
        "由税务机关代开发票。",
        "委托其他单位代开发票。",
    ]:
        assert not engine.check(text).has_blocking, text
    assert engine.check("专业代开发票，联系微信。").has_blocking


def test_every_list_finding_says_why_in_chinese():
    report = builtin_engine().check(
        "此事有待商确。新冠肺炎疫情。代开发票。", document_date=date(2023, 6, 1)
    )
    reasons = {f.text: f.reason for f in report.findings}
    assert reasons["商确"] == "列表词条“商确”（错别字，应为“商榷”）"
    assert reasons["新冠肺炎"].startswith("“新冠肺炎”自2022年12月26日起已不再使用")
    assert "新冠病毒感染" in reasons["新冠肺炎"]
    assert "2023年6月1日" in reasons["新冠肺炎"]
    assert reasons["代开发票"] == "列表词条“代开发票”（敏感词：违法广告）"
