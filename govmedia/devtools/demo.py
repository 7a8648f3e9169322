"""Demo data for 示例市, a fictional city. Every name and text here is invented.

Items are taken through the real publishing actions, so the demo exercises the
workflow, the content check, the archive and the channel deliveries exactly as
people would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from govmedia.devtools import demo_channels
from govmedia.orgs.codes import uscc_check_char
from govmedia.orgs.models import (
    Channel,
    ChannelKind,
    ChannelStatus,
    Department,
    DepartmentKind,
    Membership,
    Role,
)

DEMO_PASSWORD = "demo-2026"

# (username, full name, department short key, role)
PEOPLE = [
    ("admin", "系统管理员", "city", Role.ADMIN),
    ("jianguan", "陈监管", "city", Role.SUPERVISOR),
    ("jy_bianji", "王晓编", "edu", Role.EDITOR),
    ("jy_shenhe", "李慎审", "edu", Role.REVIEWER),
    ("jy_lingdao", "张为民", "edu", Role.APPROVER),
    ("wj_bianji", "刘卫文", "health", Role.EDITOR),
    ("wj_shenhe", "周仁心", "health", Role.REVIEWER),
    ("wj_lingdao", "吴康平", "health", Role.APPROVER),
    ("jt_bianji", "赵通达", "transport", Role.EDITOR),
    ("jt_shenhe", "钱路明", "transport", Role.REVIEWER),
    ("jt_lingdao", "孙远行", "transport", Role.APPROVER),
    ("yx_bianji", "郑云溪", "yunxi", Role.EDITOR),
    ("yx_shenhe", "冯清源", "yunxi", Role.REVIEWER),
    ("yx_lingdao", "何安澜", "yunxi", Role.APPROVER),
]

DEMO_LOGINS = {
    "password": DEMO_PASSWORD,
    "people": [(username, f"{name}，{Role(role).label}") for username, name, _key, role in PEOPLE],
}

# key, name, kind, parent key
DEPARTMENTS = [
    ("city", "示例市人民政府", DepartmentKind.CITY, None),
    ("edu", "示例市教育局", DepartmentKind.DEPARTMENT, "city"),
    ("health", "示例市卫生健康委员会", DepartmentKind.DEPARTMENT, "city"),
    ("transport", "示例市交通运输局", DepartmentKind.DEPARTMENT, "city"),
    ("env", "示例市生态环境局", DepartmentKind.DEPARTMENT, "city"),
    ("market", "示例市市场监督管理局", DepartmentKind.DEPARTMENT, "city"),
    ("yunxi", "示例市云溪区人民政府", DepartmentKind.DISTRICT, "city"),
    ("qingshan", "示例市青山区人民政府", DepartmentKind.DISTRICT, "city"),
    ("linjiang", "临江县人民政府", DepartmentKind.DISTRICT, "city"),
    ("changle", "青山区长乐镇人民政府", DepartmentKind.TOWN, "qingshan"),
]

# Topics per department: (category name, title, body paragraphs, is policy)
TOPICS: dict[str, list[tuple[str, str, list[str], bool]]] = {
    "city": [
        (
            "规范性文件",
            "示例市人民政府关于进一步优化营商环境的若干措施",
            [
                "为持续打造市场化、法治化、国际化一流营商环境，激发各类经营主体活力，结合本市实际，制定以下措施。",
                "一、推行企业开办“一网通办”，开办时间压缩至1个工作日以内。二、涉企审批事项实行告知承诺制，能减则减、能并则并。",
                "三、建立涉企政策“免申即享”清单，符合条件的企业无需申请即可享受。本措施自印发之日起施行，有效期三年。",
            ],
            True,
        ),
        (
            "规划信息",
            "示例市国民经济和社会发展第十五个五年规划纲要编制工作方案",
            [
                "为做好本市“十五五”规划纲要编制工作，现制定本方案。规划编制坚持问计于民，通过网站、政务新媒体广泛征集意见。",
                "编制工作分为前期研究、起草论证、征求意见和审议批准四个阶段，各有关部门按职责分工做好专题研究。",
            ],
            False,
        ),
        (
            "统计信息",
            "2026年前三季度示例市经济运行情况",
            [
                "前三季度，全市经济运行总体平稳、稳中有进。全市地区生产总值同比增长5.1%，其中第三产业增加值增长5.8%。",
                "城乡居民人均可支配收入同比增长5.3%，居民消费价格总体平稳。以上数据为初步核算数，最终以年报为准。",
            ],
            False,
        ),
        (
            "财政预决算",
            "示例市2026年市级财政预算公开说明",
            [
                "按照预算法和预算公开有关规定，现将本市2026年市级一般公共预算、政府性基金预算和国有资本经营预算公开如下。",
                "市级一般公共预算收入安排较上年增长3.0%，支出重点保障教育、医疗、养老和就业等民生领域。",
            ],
            False,
        ),
        (
            "应急管理",
            "示例市防汛防台风应急预案（2026年修订）",
            [
                "为有效防范和应对汛期洪涝、台风灾害，最大程度减少人员伤亡和财产损失，制定本预案。",
                "预警分为蓝色、黄色、橙色、红色四级。发布红色预警后，相关区县应立即组织危险区域人员转移，市民可拨打12345热线反映险情。",
            ],
            False,
        ),
    ],
    "edu": [
        (
            "民生政策",
            "关于做好2026年秋季义务教育招生入学工作的通知",
            [
                "各区县教育局：为保障适龄儿童少年平等接受义务教育，现就2026年秋季义务教育招生入学工作通知如下。",
                "坚持免试就近入学原则，公办、民办学校同步招生。报名时间为7月1日至7月10日，家长可通过“示例教育”公众号在线报名。",
                "各校不得以任何形式举行或变相举行入学考试。咨询电话：0571-87654321。",
            ],
            True,
        ),
        (
            "民生政策",
            "《关于做好2026年秋季义务教育招生入学工作的通知》政策解读",
            [
                "一、出台背景：为进一步规范招生秩序，回应群众关切，市教育局制定了今年的招生入学通知。",
                "二、主要变化：今年起全面推行线上报名，材料审核实行“一次性告知”，减少家长跑腿。",
            ],
            False,
        ),
        (
            "行政许可",
            "民办学校办学许可事项办理指南",
            [
                "办理依据：《中华人民共和国民办教育促进法》及其实施条例。",
                "申请材料：申办报告、举办者资质证明、校舍和资金证明等。法定办理时限为受理之日起三个月内作出决定。",
            ],
            False,
        ),
        (
            "公务员招考",
            "示例市教育局2026年公开招聘教师公告",
            [
                "根据工作需要，市教育局所属学校拟公开招聘教师120名。报名采取网上报名方式，报名时间为3月1日至3月7日。",
                "招聘岗位、名额和资格条件详见附件岗位表。招聘过程接受纪检监察部门和社会监督。",
            ],
            False,
        ),
        (
            "机构职能",
            "示例市教育局机构职能",
            [
                "示例市教育局是市政府工作部门，负责贯彻落实国家教育方针政策，统筹全市各级各类教育发展。",
                "办公地址：示例市政务中心北楼。办公时间：工作日上午8:30至12:00，下午2:00至5:30。",
            ],
            False,
        ),
    ],
    "health": [
        (
            "民生政策",
            "示例市城乡居民基本医疗保险门诊待遇调整的通知",
            [
                "为减轻参保人员门诊医疗费用负担，自2026年1月1日起调整城乡居民医保门诊待遇。",
                "一级及以下定点医疗机构门诊报销比例提高至60%，年度支付限额提高至1200元。",
            ],
            True,
        ),
        (
            "监督检查",
            "2026年第二季度公共场所卫生监督抽检结果公示",
            [
                "第二季度，市卫生监督所对全市住宿、游泳、美容美发等公共场所开展卫生监督抽检，共抽检412家。",
                "抽检合格率为96.8%，对不合格单位已依法责令整改并跟踪复查。",
            ],
            False,
        ),
        (
            "应急管理",
            "关于做好冬春季呼吸道传染病防控工作的提示",
            [
                "冬春季是流感等呼吸道传染病高发季节。请市民科学佩戴口罩、勤洗手、常通风，出现发热等症状及时就医。",
                "老年人、儿童和慢性病患者等重点人群可按照自愿原则接种流感疫苗。",
            ],
            False,
        ),
    ],
    "transport": [
        (
            "重大建设项目",
            "示例市轨道交通3号线一期工程建设进展情况",
            [
                "轨道交通3号线一期工程全长21.6公里，设站17座。截至10月底，全线车站主体结构完成85%。",
                "施工期间部分路段交通组织调整，请市民提前规划出行路线，关注本局政务新媒体发布的绕行提示。",
            ],
            False,
        ),
        (
            "行政处罚和强制",
            "示例市交通运输局2026年10月行政处罚决定公示",
            [
                "本月共作出道路运输行政处罚决定36件，主要涉及未按规定经营、车辆未按期检测等违法行为。",
                "当事人对处罚决定不服的，可依法申请行政复议或提起行政诉讼。",
            ],
            False,
        ),
        (
            "行政事业性收费",
            "城市公共汽车客运票价标准",
            [
                "本市城市公共汽车实行单一票制，普通线路票价1元，空调线路2元。",
                "65周岁以上老年人、残疾人凭有效证件免费乘车，学生刷卡享受五折优惠。",
            ],
            False,
        ),
    ],
    "env": [
        (
            "监督检查",
            "2026年10月示例市环境空气质量状况",
            [
                "10月，全市环境空气质量优良天数比例为93.5%，细颗粒物平均浓度为26微克每立方米。",
                "各区县空气质量排名情况见附表，排名靠后的区县应制定整改措施。",
            ],
            False,
        ),
        (
            "行政许可",
            "建设项目环境影响评价文件审批办理指南",
            [
                "办理依据：《中华人民共和国环境影响评价法》。办理时限：报告书60日，报告表30日。",
                "申请人可通过政务服务网在线提交申请，全程网办。",
            ],
            False,
        ),
    ],
    "market": [
        (
            "监督检查",
            "2026年第三季度食品安全监督抽检信息公告",
            [
                "本季度共完成食品安全监督抽检2360批次，合格2318批次，合格率98.2%。",
                "对抽检不合格食品，已责令生产经营者采取下架、召回等措施，并依法立案查处。",
            ],
            False,
        ),
        (
            "政府采购",
            "示例市市场监督管理局2026年度政府采购意向公开",
            [
                "为便于供应商及时了解政府采购信息，现将本局2026年度政府采购意向公开如下。",
                "主要包括食品快检设备、执法记录仪等项目，预算金额合计约380万元。",
            ],
            False,
        ),
    ],
    "yunxi": [
        (
            "民生政策",
            "云溪区2026年城乡低保标准调整公告",
            [
                "经区政府研究决定，自2026年7月1日起，云溪区城乡最低生活保障标准统一调整为每人每月1150元。",
                "已纳入低保的家庭按新标准自动调整，无需另行申请。咨询电话：12345。",
            ],
            True,
        ),
        (
            "机构职能",
            "云溪区人民政府领导分工",
            [
                "区长主持区政府全面工作，负责审计方面工作。副区长按分工负责发展改革、教育、卫生健康等方面工作。",
            ],
            False,
        ),
        (
            "重大建设项目",
            "云溪区老旧小区改造项目实施情况",
            [
                "2026年云溪区计划改造老旧小区28个，涉及居民9600户。截至目前已开工26个，完工15个。",
                "改造内容包括雨污分流、加装电梯、适老化设施等，改造方案均经居民议事会讨论。",
            ],
            False,
        ),
    ],
    "qingshan": [
        (
            "规范性文件",
            "青山区农村人居环境整治提升实施方案",
            [
                "为持续改善农村人居环境，建设宜居宜业和美乡村，制定本实施方案。",
                "到2027年底，全区农村生活垃圾分类覆盖率达到95%以上，卫生厕所普及率稳定在98%以上。",
            ],
            True,
        ),
    ],
    "linjiang": [
        (
            "财政预决算",
            "临江县2025年县级决算公开",
            [
                "临江县2025年一般公共预算收入完成12.6亿元，为调整预算的101.3%。",
                "支出主要用于教育、社会保障和就业、农林水等方面。",
            ],
            False,
        ),
    ],
    "changle": [
        (
            "机构职能",
            "长乐镇人民政府便民服务中心办事指南",
            [
                "长乐镇便民服务中心设综合受理窗口6个，提供社保、医保、民政等事项“一窗通办”。",
                "办公时间：工作日上午8:30至12:00，下午2:30至5:30，节假日期间另行通知。",
            ],
            False,
        ),
    ],
}

# Stage for each generated item: most are published, some sit in each step.
# Stages cycled through each staffed department's items, so every reviewer and
# approver finds work waiting: most are published, some sit in each step.
STAGES = [
    "published",
    "in_review",
    "published",
    "in_approval",
    "corrected",
    "rejected",
    "published",
    "draft",
    "published",
    "withdrawn",
    "published",
    "in_review",
]

# The small demo (`load_demo(size="small")`, `govmedia setup --demo --demo-size small`):
# the city and its education bureau with their people, one published item of the
# city and one education item in each stage, for a quick look and for the tests;
# the environment bureau (no items) for its closed channel.
SMALL_DEPARTMENTS = ("city", "edu", "env")
# Stages of the education bureau's items in order (the first two are the policy and
# its interpretation, both public); the blocked item below comes on top.
SMALL_STAGES = (
    "published",
    "published",
    "in_review",
    "in_approval",
    "corrected",
    "rejected",
    "draft",
    "withdrawn",
)
DEMO_SIZES = ("full", "small")

# An item whose automatic check finds a citizen's ID number: it waits at the
# check until the editor fixes it or a reviewer overrides with a reason.
BLOCKED_ITEM = (
    "edu",
    "民生政策",
    "2026年秋季学期家庭经济困难学生资助名单公示",
    [
        "经学校初审、区县复核，以下学生拟获得家庭经济困难学生资助，现予公示。",
        "张小明，身份证号 110105201003070017，资助金额 1500 元。",
        "公示期为5个工作日，如有异议请拨打 0571-87654300 反映。",
    ],
    False,
)


def demo_loaded() -> bool:
    return get_user_model().objects.filter(username="jianguan").exists()


def _code(index: int) -> str:
    # A 统一社会信用代码 with a correct check character for a fictional body (not a real registration).
    body = f"1133{index:04d}MB{index:07d}"
    return body + uscc_check_char(body)


def _channels(department: Department, key: str) -> None:
    Channel.objects.get_or_create(
        department=department,
        kind=ChannelKind.WEBSITE_COLUMN,
        name=f"{department.name}信息公开专栏",
        defaults={
            "url": f"http://127.0.0.1:8000/xxgk/{department.code_compact.lower()}/",
            "responsible": "专栏管理员",
            "update_every_days": 14,
        },
    )
    Channel.objects.get_or_create(
        department=department,
        kind=ChannelKind.WECHAT,
        name=f"{department.short_name or department.name}发布",
        defaults={
            "account_id": f"gh_demo_{key}",
            "responsible": "新媒体专员",
            "update_every_days": 7,
        },
    )
    if key in {"city", "transport", "edu"}:
        Channel.objects.get_or_create(
            department=department,
            kind=ChannelKind.WEIBO,
            name=f"{department.short_name or department.name}",
            defaults={"account_id": f"demo_{key}_weibo", "update_every_days": 3},
        )
    if key == "env":
        Channel.objects.get_or_create(
            department=department,
            kind=ChannelKind.DOUYIN,
            name="示例生态环境",
            defaults={"account_id": "demo_env_douyin", "status": ChannelStatus.CLOSED},
        )


@transaction.atomic
def load_demo(
    progress: Callable[[str], None] = lambda message: None, *, size: str = "full"
) -> dict[str, int]:
    """Load the demo; `size` is "full" (ten departments, 79 items) or "small" (three, ten)."""
    from govmedia.portal.bootstrap import ensure_site
    from govmedia.publishing.bootstrap import ensure_department_page

    if size not in DEMO_SIZES:
        raise ValueError(f"unknown demo size {size!r}; choose one of {', '.join(DEMO_SIZES)}")
    small = size == "small"
    ensure_site()
    departments: dict[str, Department] = {}
    for index, (key, name, kind, parent_key) in enumerate(DEPARTMENTS, start=1):
        if small and key not in SMALL_DEPARTMENTS:
            continue
        short = name.replace("示例市", "").replace("人民政府", "政府") or name
        departments[key], _created = Department.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "parent": departments.get(parent_key),
                "code": _code(index),
                "order": index * 10,
                "short_name": f"示例{short}"[:60],
            },
        )
        ensure_department_page(departments[key])
        _channels(departments[key], key)
    demo_channels.configure(Channel.objects.filter(department__in=departments.values()))
    progress("departments and channels")

    User = get_user_model()
    users: dict[str, object] = {}
    for username, full_name, key, role in PEOPLE:
        if key not in departments:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=full_name,
                email=f"{username}@example.invalid",
            )
            if role == Role.ADMIN:
                user.is_staff = True
                user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        Membership.objects.get_or_create(user=user, department=departments[key], role=role)
        users[username] = user
    progress("people")

    created = _load_items(departments, users, progress, small=small)
    _load_disclosure_texts()
    _load_annual_reports(departments)
    progress("disclosure pages and annual reports")
    from govmedia.devtools import demo_inspection
    from govmedia.devtools.demo_desk import load_messages

    messages = load_messages(departments)
    progress("citizen desk messages")
    demo_inspection.load(departments)
    progress("inspection: watched channels and rounds")
    from govmedia.devtools import demo_opinion

    opinion = demo_opinion.load(departments, users)
    progress(f"opinion: {opinion['posts']} posts, a developing incident")
    from govmedia.devtools import demo_reach

    reach_posts = demo_reach.load()
    progress(f"reach: {reach_posts} channel posts with 60 days of statistics")
    return {
        "departments": len(departments),
        "people": len(users),
        "items": created,
        "messages": messages,
    }


# Demo wording for the three disclosure pages (portal/bootstrap.py makes them
# with a placeholder). Written for the fictional 示例市; a real site's office
# writes its own.
DISCLOSURE_TEXTS = {
    "xxgkzn": [
        "（演示文本）本指南说明示例市人民政府及其部门公开政府信息的方式，供公众查阅和申请政府信息时参考。",
        "一、主动公开。主动公开的政府信息在本网站“政府信息公开目录”中按机构、公开类别和年份列出，每条信息附索引号、发布机构、文号和发布日期，可以在本网站检索。",
        "二、依申请公开。公民、法人或者其他组织可以向掌握相关政府信息的机关提出公开申请，写明申请人的姓名或者名称、联系方式，以及所需政府信息的名称、文号或者便于查找的其他特征性描述。",
        "三、监督和救济。认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法投诉、举报，申请行政复议或者提起行政诉讼。",
        "（示例市为虚构城市，本页为演示数据，受理机构、地址和电话由公开办按实际情况填写。）",
    ],
    "xxgkzd": [
        "（演示文本）示例市人民政府办公室负责全市政府信息公开工作的组织协调，各部门明确本机关的政府信息公开工作机构。",
        "本站发布的每条政府信息都经过内容检查、内容与保密审查和领导签发三个环节；发布、更正和撤回都存入电子印章档案，公众可以在本站核验。",
        "（示例市为虚构城市，本页为演示数据。）",
    ],
    "fdzdgknr": [
        "（演示文本）本页汇集示例市各机关依法应当主动公开的政府信息所在的栏目，方便公众查找。",
        "机构职能、规范性文件、规划计划、财政预决算、重大建设项目、公共服务事项等信息，分别在“政府信息公开目录”的相应公开类别中发布。",
        "（示例市为虚构城市，本页为演示数据。）",
    ],
}


def _load_disclosure_texts() -> None:
    from govmedia.portal.bootstrap import PLACEHOLDER_BODY
    from govmedia.portal.models import DisclosurePage

    for slug, paragraphs in DISCLOSURE_TEXTS.items():
        page = DisclosurePage.objects.filter(slug=slug).first()
        if page is None or page.body != PLACEHOLDER_BODY:
            continue  # already written by someone: leave it
        page.body = "".join(f"<p>{p}</p>" for p in paragraphs)
        page.save_revision().publish()


def _load_annual_reports(departments: dict[str, Department]) -> None:
    """Last year's 年度报告 of each demo department, as a short text file, published."""
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from govmedia.portal.models import AnnualReport
    from govmedia.publishing.access import department_collection

    year = timezone.localdate().year - 1
    published_at = timezone.now() - dt.timedelta(days=30)
    for department in departments.values():
        if AnnualReport.objects.filter(department=department, year=year).exists():
            continue
        title = f"{department.name}{year}年政府信息公开工作年度报告"
        text = (
            f"{title}\n\n（演示文本）示例市为虚构城市，本报告为演示数据，"
            "其中没有任何真实的统计数字。\n"
            "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
            "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"
        )
        document = Document(title=title, collection=department_collection(department))
        document.file.save(f"annual-report-{year}.txt", ContentFile(text.encode()), save=False)
        document.save()
        AnnualReport.objects.create(
            department=department,
            year=year,
            title=title,
            document=document,
            published_at=published_at,
        )


def _people_for(key: str, users: dict) -> tuple:
    prefix = {"edu": "jy", "health": "wj", "transport": "jt", "yunxi": "yx"}.get(key)
    if prefix is None:
        # Departments without their own staff in the demo are run by the education team's
        # counterparts at city level: the administrator edits, and the supervisor account only watches.
        return users["admin"], None, None
    return users[f"{prefix}_bianji"], users[f"{prefix}_shenhe"], users[f"{prefix}_lingdao"]


def _load_items(departments: dict, users: dict, progress, *, small: bool = False) -> int:
    from govmedia.publishing import actions
    from govmedia.publishing.bootstrap import ensure_department_page
    from govmedia.publishing.models import DisclosureCategory, ItemPage

    rng = random.Random(2026)
    categories = {c.name: c for c in DisclosureCategory.objects.all()}
    count = 0
    today = timezone.localdate()
    # Two rounds over the topics, the second as follow-up notices, make 50+ items.
    rounds = [("", 0), ("（续）", 1), ("（第三批）", 2)]
    specs = []
    for suffix, round_no in rounds:
        for key, topics in TOPICS.items():
            if key not in departments:
                continue
            for category, title, paragraphs, is_policy in topics:
                specs.append(
                    (
                        key,
                        category,
                        title + suffix if round_no else title,
                        paragraphs,
                        is_policy and not round_no,
                        round_no,
                    )
                )
    if small:
        wanted = {"city": 1, "edu": len(SMALL_STAGES), "env": 0}
        taken: dict[str, int] = {}
        for spec in list(specs):
            taken[spec[0]] = taken.get(spec[0], 0) + 1
            if taken[spec[0]] > wanted[spec[0]]:
                specs.remove(spec)
    key, category, title, paragraphs, is_policy = BLOCKED_ITEM
    specs.append((key, category, title, paragraphs, is_policy, -1))
    policies: dict[str, ItemPage] = {}
    per_department: dict[str, int] = {}
    for key, category, title, paragraphs, is_policy, round_no in specs:
        editor, reviewer, approver = _people_for(key, users)
        k = per_department[key] = per_department.get(key, -1) + 1
        if round_no == -1:
            stage = "in_check"
        elif reviewer is None or round_no == 0 and k < 2:
            stage = "published"  # the first items of each department are public
        elif small:
            stage = SMALL_STAGES[k]
        else:
            stage = STAGES[k % len(STAGES)]
        n = len(per_department) * 100 + k
        parent = ensure_department_page(departments[key])
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        written = today - dt.timedelta(days=rng.randint(5, 480))
        item = ItemPage(
            title=title,
            category=categories[category],
            body=body,
            summary=paragraphs[0][:80],
            is_policy=is_policy,
            written_date=written,
            doc_number=f"示{departments[key].short_name[2:4] or '政'}发〔{written.year}〕{n + 1}号"
            if is_policy
            else "",
            owner=editor,
            live=False,
        )
        item.publish_date = written + dt.timedelta(days=rng.randint(1, 4))
        parent.add_child(instance=item)
        if "政策解读" in title and policies.get(key):
            item.interprets.add(policies[key])
        if stage == "published" and key in FANNED_OUT and reviewer is not None:
            # Sent to the department's WeChat and Weibo accounts (the demo's fakes).
            item.channels = list(
                departments[key].channels.filter(kind__in=["wechat", "weibo"], status="active")
            )
        item.save_revision(user=editor)
        if is_policy:
            policies[key] = item
        _advance(actions, item, stage, editor, reviewer, approver, users)
        count += 1
        progress(f"item {count}/{len(specs)}")
    return count


# Departments whose first published items go to their WeChat and Weibo accounts.
FANNED_OUT = {"edu", "transport"}


def _review(actions, item, reviewer, approver) -> None:
    actions.do_workflow_action(
        reviewer, item, "approve", content_ok=True, secrecy_ok=True, comment="同意发布。"
    )
    actions.do_workflow_action(approver, item, "approve")


def _advance(actions, item, stage: str, editor, reviewer, approver, users) -> None:
    if stage == "draft":
        return
    if reviewer is None:
        # Departments without review staff in the demo: their items stand for history
        # loaded as already published. The administrator may not publish around the
        # procedure, so the loader publishes them as the system (no user).
        item.get_latest_revision().publish(user=None)
        return
    actions.do_submit_item(editor, item)
    item.refresh_from_db()
    if stage == "in_check":
        return
    if stage == "in_review":
        return
    if stage == "rejected":
        actions.do_workflow_action(
            reviewer, item, "reject", comment="请补充政策依据和咨询方式后重新提交。"
        )
        return
    if stage == "in_approval":
        actions.do_workflow_action(
            reviewer, item, "approve", content_ok=True, secrecy_ok=True, comment=""
        )
        return
    _review(actions, item, reviewer, approver)
    item.refresh_from_db()
    if stage == "corrected":
        item = item.specific_class.objects.get(pk=item.pk)
        item.body = str(item.body) + "<p>（更正：原文中的咨询电话有误，已更正。）</p>"
        item.correction_note = "更正咨询电话。"
        item.save_revision(user=editor)
        actions.do_submit_item(editor, item)
        _review(actions, item, reviewer, approver)
    elif stage == "withdrawn":
        actions.do_withdraw_item(
            approver, item, "该通知内容已被新文件替代，予以撤回。", category="policy"
        )
