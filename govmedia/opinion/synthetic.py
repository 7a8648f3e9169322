"""A labelled synthetic stream and sentiment sets, written by us (no Django, seeded).

Everything here is invented for testing and demonstration: the city (江州市),
its districts, roads, schools and the companies are fictional; the sentences
were written for this module from general knowledge of how such posts read.

``stream(seed)`` gives posts with their true event, burst start, rumour claim
and sentiment label; ``sentiment_training_set`` and ``sentiment_heldout_set``
are built from disjoint opinion phrases and frames, so the held-out accuracy
measures sentences the model has not seen.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from govmedia.opinion.posts import Post
from govmedia.opinion.rumours import Claim

START = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)

CLAIMS = [
    Claim(
        "R1",
        "城东化工园区发生氯气泄漏，全城居民需要紧急撤离",
        "谣言",
        "2026-06-15",
        "https://www.jiangzhou.gov.cn/pyq/r1",
    ),
    Claim(
        "R2",
        "自来水厂水源被污染，自来水不能饮用",
        "谣言",
        "2026-06-15",
        "https://www.jiangzhou.gov.cn/pyq/r2",
    ),
    Claim(
        "R3",
        "江州市中小学全部停课一周",
        "谣言",
        "2026-05-02",
        "https://www.jiangzhou.gov.cn/pyq/r3",
    ),
    Claim(
        "R4", "高铁站明天起全面停运", "谣言", "2026-04-11", "https://www.jiangzhou.gov.cn/pyq/r4"
    ),
    Claim(
        "R5",
        "喝板蓝根可以预防氯气中毒",
        "不实",
        "2026-03-20",
        "https://www.jiangzhou.gov.cn/pyq/r5",
    ),
    Claim(
        "R6",
        "超市食盐即将断货，请尽快囤盐",
        "谣言",
        "2026-02-08",
        "https://www.jiangzhou.gov.cn/pyq/r6",
    ),
]


@dataclass
class Labelled:
    post: Post
    event: str
    sentiment: str
    claim: str = ""


@dataclass
class EventSpec:
    name: str
    start_minutes: int
    posts: int
    duration_minutes: int
    templates: list[tuple[str, str]]  # (text with {slots}, sentiment label)
    claim: str = ""
    slots: dict[str, list[str]] = field(default_factory=dict)


SLOTS = {
    "who": ["我家", "我们小区", "邻居家", "楼上", "同事家", "我妈家"],
    "time": ["早上", "上午", "中午", "刚才", "一早", "八点多"],
    "tail": ["", "", "。", "！", "……", "，求扩散", "，大家注意"],
}

EVENTS = [
    EventSpec(
        "water",
        30,
        700,
        240,
        [
            (
                "{who}在东城区青石街，{time}突然停水，到现在还没来水，也没看到任何通知{tail}",
                "negative",
            ),
            (
                "东城区青石街一带大面积停水，{who}老人孩子都没水用，自来水公司电话一直打不通{tail}",
                "negative",
            ),
            ("青石街停水快五个小时了，东城区到底什么时候恢复供水？{tail}", "negative"),
            ("东城区自来水公司回复：青石街主管道爆裂正在抢修，预计下午恢复供水{tail}", "neutral"),
            ("抢修队在青石街连夜修水管，辛苦了，东城区供水已经恢复了，点赞{tail}", "positive"),
            (
                "{who}在青石街，停水期间社区送来了桶装水，很暖心，感谢东城区工作人员{tail}",
                "positive",
            ),
            ("东城区青石街停水，{who}的水桶都用完了，附近超市矿泉水卖光了{tail}", "negative"),
        ],
    ),
    EventSpec(
        "accident",
        90,
        500,
        120,
        [
            (
                "人民路和解放大道路口{time}发生车祸，一辆货车和公交车相撞，现场很多人围观{tail}",
                "negative",
            ),
            ("解放大道人民路口交通事故，公交车侧翻，有乘客受伤被送往医院{tail}", "negative"),
            ("{who}路过人民路口，货车撞上公交车，路口堵死了，大家绕行解放大道{tail}", "negative"),
            ("交警已到人民路解放大道路口处置车祸，伤者送医，道路逐步恢复通行{tail}", "neutral"),
            ("人民路口车祸现场，路人主动帮忙救助受伤乘客，太感动了{tail}", "positive"),
            (
                "人民路解放大道路口公交车事故，货车司机是否酒驾？希望尽快公布调查结果{tail}",
                "neutral",
            ),
        ],
    ),
    EventSpec(
        "school",
        150,
        400,
        300,
        [
            ("实验小学食堂饭菜质量太差，{who}孩子说吃了肚子疼，家长们很担心{tail}", "negative"),
            ("实验小学食堂又涨价了，饭菜分量却越来越少，学校给个说法{tail}", "negative"),
            ("教育局回应实验小学食堂问题：已派工作组进驻调查，将公布检测结果{tail}", "neutral"),
            ("实验小学校长和家长代表一起吃食堂午餐，承诺整改，点赞这种态度{tail}", "positive"),
            ("实验小学食堂的事情到底怎么处理的，家长群里都在问，学校一直没回应{tail}", "negative"),
        ],
    ),
    EventSpec(
        "chemical_rumour",
        200,
        600,
        90,
        [
            (
                "网传城东化工园区发生氯气泄漏，全城居民需要紧急撤离，{who}已经在收拾东西了{tail}",
                "negative",
            ),
            ("紧急扩散！城东化工园区氯气泄漏，全城居民要紧急撤离，千万别出门{tail}", "negative"),
            ("听说城东化工园区氯气泄漏了，全城居民都要撤离，是真的吗？{tail}", "negative"),
            (
                "城东化工园区氯气泄漏要全城撤离？{who}问了在园区上班的朋友，说一切正常{tail}",
                "neutral",
            ),
            ("化工园区泄漏的消息疯传，{who}都吓坏了，大家别慌，等官方消息{tail}", "negative"),
        ],
        claim="R1",
    ),
]

BACKGROUND = [
    ("今天{time}去江州湿地公园跑步，空气真好，荷花都开了{tail}", "positive"),
    ("{who}楼下新开了一家牛肉面馆，味道一般，价格有点贵{tail}", "neutral"),
    ("周末带孩子去市图书馆看书，人好多，座位很难找{tail}", "neutral"),
    ("江州这两天又闷又热，{time}出门一身汗，空调开了一整天{tail}", "negative"),
    ("地铁三号线{time}挺准时的，上班路上看了一集电视剧{tail}", "positive"),
    ("{who}的猫今天学会开抽屉了，家里零食全被翻出来{tail}", "positive"),
    ("老城区菜市场的西瓜今年特别甜，三块钱一斤{tail}", "positive"),
    ("晚上江边散步的人真多，广场舞音乐有点吵{tail}", "negative"),
    ("体育馆周末有篮球比赛，票已经卖完了{tail}", "neutral"),
    ("{who}在网上买的书包到了，质量不错，就是快递慢了两天{tail}", "neutral"),
    ("博物馆新展览讲江州古城的历史，讲解员很专业{tail}", "positive"),
    ("小区门口修路修了一个月了，{time}出门全是灰{tail}", "negative"),
    ("夜市的烤串和冰粉永远是夏天的快乐{tail}", "positive"),
    ("{who}孩子暑假报了游泳班，教练很耐心{tail}", "positive"),
    ("今天股市又跌了，心情很差{tail}", "negative"),
    ("新开的咖啡店装修很好看，拍照的人比喝咖啡的多{tail}", "neutral"),
]

EDITS = ["转发：", "//", "[转] ", "扩散 ", "#江州# ", ""]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(**{k: rng.choice(v) for k, v in SLOTS.items()})


def _small_edit(text: str, rng: random.Random) -> str:
    """A repost with a few characters changed: a prefix, a dropped or doubled character, an emoji."""
    out = rng.choice(EDITS) + text
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(out))
        out = out[:i] + out[i + 1 :] if rng.random() < 0.5 else out[:i] + out[i] + out[i:]
    if rng.random() < 0.3:
        out += rng.choice(["😡", "😭", "👍", "🙏", "!!!"])
    return out


def stream(seed: int = 1, background: int = 2000, hours: float = 8.0) -> list[Labelled]:
    """The labelled stream, in time order. Burst starts: ``burst_starts()``."""
    rng = random.Random(seed)
    out: list[Labelled] = []
    n = 0
    for spec in EVENTS:
        originals: list[Labelled] = []
        begin = START + timedelta(minutes=spec.start_minutes)
        for _ in range(spec.posts):
            n += 1
            # Arrival times crowd the start: a burst, then a tail.
            at = begin + timedelta(
                minutes=min(spec.duration_minutes, rng.expovariate(3.0 / spec.duration_minutes))
            )
            key = f"{spec.name}-{n}"
            if originals and rng.random() < 0.45:
                parent = rng.choice(originals)
                text = _small_edit(parent.post.text, rng)
                if rng.random() < 0.5:
                    post = Post(key, "weibo", text, at, author=f"u{rng.randrange(5000)}")
                else:
                    post = Post(key, "weibo", text, at, parent_key=parent.post.key)
                label, claim = parent.sentiment, parent.claim
            else:
                template, label = rng.choice(spec.templates)
                post = Post(key, rng.choice(["weibo", "forum", "news"]), _fill(template, rng), at)
                # The templates that restate the claim carry its id; talk about it does not.
                claim = spec.claim if "撤离" in template else ""
            post.engagement = int(rng.expovariate(1 / 20))
            item = Labelled(post, spec.name, label, claim)
            out.append(item)
            originals.append(item)
    for i in range(background):
        at = START + timedelta(seconds=rng.uniform(0, hours * 3600))
        # Chatter from one template is one topic (its posts differ by a word or two).
        t = rng.randrange(len(BACKGROUND))
        template, label = BACKGROUND[t]
        out.append(
            Labelled(Post(f"bg-{i}", "forum", _fill(template, rng), at), f"bg-topic-{t}", label)
        )
    # A few posts about the chemical park that are not the rumour (hard negatives for the matcher).
    for i, text in enumerate(
        [
            "城东化工园区今天开放日，市民可以预约参观安全生产展厅",
            "化工园区安全检查通报：本季度各企业隐患整改全部完成",
            "江州市开展危险化学品应急演练，居民无需惊慌",
        ]
    ):
        out.append(
            Labelled(
                Post(f"chem-other-{i}", "news", text, START + timedelta(minutes=10 + i)),
                f"chem-other-{i}",
                "neutral",
            )
        )
    out.sort(key=lambda x: x.post.at)
    return out


def burst_starts() -> dict[str, datetime]:
    return {spec.name: START + timedelta(minutes=spec.start_minutes) for spec in EVENTS}


# -- sentiment sets -----------------------------------------------------------

_TOPICS = [
    "停水",
    "修路",
    "公交改线",
    "食堂",
    "垃圾分类",
    "物业",
    "医院挂号",
    "办证",
    "供暖",
    "噪音",
    "停车",
    "快递",
]
_FRAMES_TRAIN = ["关于{t}，{p}", "{t}这件事{p}", "{p}，说的就是{t}", "最近的{t}：{p}"]
_FRAMES_HELD = ["说到{t}，{p}", "{t}的问题，{p}", "又是{t}，{p}"]
_PHRASES = {
    "negative": [
        "真的太让人失望了",
        "拖了这么久都没人管",
        "投诉了三次还是没解决",
        "态度恶劣，一直推诿",
        "简直离谱",
        "大家都很气愤",
        "越来越差了",
        "根本没人回应",
        "乱收费还不给发票",
        "让人很担心",
        "敷衍了事",
        "说好的整改一直没动静",
        "每天都在受罪",
        "太糟糕了",
        "问了也是白问",
        "又被骗了一次",
        "气得睡不着",
        "这样下去怎么办",
        "完全不作为",
        "情况越来越严重",
        "到底有没有人管",
        "真让人寒心",
        "一拖再拖",
        "害得我们白跑一趟",
    ],
    "neutral": [
        "请问具体什么时候开始",
        "通知说下周公布方案",
        "有没有人知道办理流程",
        "明天上午九点开会讨论",
        "需要带身份证和户口本",
        "可以打热线电话咨询",
        "具体安排看社区公告",
        "听说下个月调整",
        "地点在区政务服务中心",
        "相关部门正在核实",
        "官网上有详细说明",
        "按照规定需要三个工作日",
        "附近几个小区都一样",
        "目前还在统计数据",
        "材料可以网上提交",
        "窗口周末也开放",
        "登记表在门口领取",
        "工作日八点半上班",
        "时间调整到周三",
        "要先预约再去现场",
        "今年的标准和去年一样",
        "名单已经在网站公示",
        "有问题可以留言",
        "第二批次下周开始",
    ],
    "positive": [
        "处理得非常及时，点赞",
        "工作人员很耐心，感谢",
        "效率真高，满意",
        "这次真的解决了，谢谢",
        "服务越来越好了",
        "给力，必须好评",
        "辛苦了，向你们致敬",
        "很暖心，值得表扬",
        "比以前方便多了",
        "问题当天就处理好了",
        "态度特别好，很专业",
        "终于放心了",
        "真心感谢社区的帮助",
        "赞一个，希望继续保持",
        "改得很好，大家都满意",
        "特别贴心周到",
        "速度很快，没想到",
        "为他们点赞",
        "办事顺利，很高兴",
        "这样的服务让人安心",
        "积极回应，支持",
        "孩子们都很开心",
        "环境变好了，感谢付出",
        "一次就办成了，太好了",
    ],
}


# More training phrases (written later, for the training set only; the held-out set above is
# unchanged): more ways of complaining, asking and thanking for the model to learn from.
_PHRASES_MORE = {
    "negative": [
        "排了两个小时队还没轮到",
        "电话一直打不通",
        "材料交了三回还说不全",
        "路面坑坑洼洼没人修",
        "吵得孩子没法学习",
        "收费标准说变就变",
        "窗口的人爱答不理",
        "承诺的事情又泡汤了",
        "晚上根本睡不好觉",
        "群里反映多少次了",
        "真是让人心累",
        "一点诚意都没有",
        "出了事就互相踢皮球",
        "损失谁来赔",
        "等了一个月还是老样子",
        "说了等于没说",
    ],
    "neutral": [
        "周五下午有现场答疑",
        "名额按街道分配",
        "办理时需要填写申请表",
        "请关注公众号通知",
        "今年起改为线上申报",
        "咨询电话是12345",
        "施工期间请绕行",
        "新的时刻表已经贴出来了",
        "据说涉及三个小区",
        "领取地点在社区服务站",
        "截止日期是月底",
        "每户限报一人",
        "可以委托家属代办",
        "查询结果要等两天",
        "收费参照去年的文件",
        "上午和下午各一场",
    ],
    "positive": [
        "师傅们连夜抢修，辛苦了",
        "反映后第二天就有人来了",
        "流程简化了很多",
        "接线员讲得很清楚",
        "路修好了走着舒服多了",
        "社区主动上门服务",
        "回复很认真，谢谢",
        "现在办事不用来回跑了",
        "处理结果我很满意",
        "这个做法值得推广",
        "给工作人员点个赞",
        "比预想的快多了",
        "有人管了，心里踏实",
        "家门口就能办，方便",
        "真是办到心坎上了",
        "服务周到，感谢",
    ],
}


def _sentences(
    frames: list[str], phrase_slice: slice, table: dict[str, list[str]] | None = None
) -> tuple[list[str], list[str], list[str], list[str]]:
    texts, labels, phrases_used, frames_used = [], [], [], []
    for label, phrases in (table or _PHRASES).items():
        for phrase in phrases[phrase_slice]:
            for frame in frames:
                for topic in _TOPICS[:6] if len(frames) > 3 else _TOPICS[6:]:
                    texts.append(frame.format(t=topic, p=phrase))
                    labels.append(label)
                    phrases_used.append(phrase)
                    frames_used.append(frame)
    return texts, labels, phrases_used, frames_used


def sentiment_training_set() -> tuple[list[str], list[str]]:
    """2,304 sentences: 32 phrases of each label (the first 16 of `_PHRASES` and the 16 of
    `_PHRASES_MORE`) in four frames, six topics."""
    texts, labels, _phrases, _frames = _training()
    return texts, labels


def _training() -> tuple[list[str], list[str], list[str], list[str]]:
    first = _sentences(_FRAMES_TRAIN, slice(0, 16))
    more = _sentences(_FRAMES_TRAIN, slice(0, 16), _PHRASES_MORE)
    return first[0] + more[0], first[1] + more[1], first[2] + more[2], first[3] + more[3]


def sentiment_training_groups() -> tuple[list[str], list[str]]:
    """The opinion phrase and the frame of each training sentence: the cross-validation's groups."""
    _texts, _labels, phrases, frames = _training()
    return phrases, frames


def sentiment_heldout_set() -> tuple[list[str], list[str]]:
    """About 430 sentences from the other 8 phrases, other frames and other topics: never trained on."""
    texts, labels, _phrases, _frames = _sentences(_FRAMES_HELD, slice(16, 24))
    return texts, labels
