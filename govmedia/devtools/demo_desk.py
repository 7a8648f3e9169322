"""Demo messages for 示例市's citizen desk. Every name, number and text here is invented.

A few dozen messages of every kind, spread over the last months: answered
(on time and late, rated, made public), still being handled, one overdue, and
依申请公开 requests with outcomes, so the lists, the public answers, the
statistics and the annual report all have something to show. Rows are
written directly with their timelines (not through the intake actions, whose
content check would cost the demo's load time); deadlines and handling days
come from the working-day calendar as the actions compute them.

Every demo message's query code is DEMO_QUERY_CODE, so anyone can try the
follow-up page with a number from the admin.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govmedia.desk.models import (
    ApplicantType,
    DeliveryForm,
    DeliveryWay,
    EventKind,
    Kind,
    Message,
    MessageEvent,
    Outcome,
    OutcomeReason,
    Status,
    hash_query_code,
)
from govmedia.desk.policy import deadline_days

DEMO_QUERY_CODE = "DESK2345"

# (department key, kind, title, body, name, received working days ago,
#  answer or "", working days to answer, rating, outcome, reason, applicant type)
MESSAGES: list[tuple] = [
    ("edu", Kind.CONSULT, "小学新生入学报名需要哪些材料", "孩子今年九月上小学，请问网上报名需要准备哪些材料？户口不在本区能否报名？", "王丽华", 60,
     "您好！小学新生报名需提供户口簿、房产证明或居住证、儿童预防接种证。非本区户籍儿童可凭居住证在居住地所属学区报名，具体安排见市教育局发布的招生通知。", 2, 5, "", "", ""),
    ("edu", Kind.CONSULT, "课后服务收费标准咨询", "学校课后服务每学期收费多少？是否可以自愿参加？", "刘建国", 45,
     "课后服务坚持学生自愿参加原则，收费标准按照市发展改革委、市教育局联合印发的文件执行，每生每学期不超过规定标准，学校须公示收费项目。", 3, 4, "", "", ""),
    ("edu", Kind.COMPLAINT, "学校门口上下学时段交通拥堵", "每天放学时学校门口车辆乱停，孩子过马路很危险，希望有关部门管一管。", "陈明", 38,
     "已会同交警部门在学校周边增设临时停车区和护学岗，上下学高峰时段安排专人疏导交通。感谢您的反映。", 8, 4, "", "", ""),
    ("edu", Kind.SUGGESTION, "建议增加中小学体育活动时间", "建议保证每天一小时校园体育活动，并开放学校操场供周末使用。", "张志强", 30,
     "感谢您的建议。我局已要求各校落实每天综合体育活动时间不低于一小时，学校体育场地在节假日有序向社会开放的试点正在推进。", 12, 5, "", "", ""),
    ("edu", Kind.HELP, "孩子转学手续办不下来", "因工作调动需要给孩子办理转学，原学校迟迟不办理手续，请求帮助。", "赵小燕", 25,
     "已联系原学校和转入学校，转学手续已于本周办结。如仍有问题，请致电市教育局基础教育科。", 4, 3, "", "", ""),
    ("edu", Kind.CONSULT, "教师资格证认定时间", "请问今年下半年教师资格认定什么时候开始？", "孙悦", 1, "", 0, None, "", "", ""),
    ("edu", Kind.CONSULT, "幼儿园补助政策咨询", "家庭经济困难的幼儿入园有没有补助？怎么申请？", "周敏", 2, "", 0, None, "", "", ""),
    ("edu", Kind.DISCLOSURE, "申请公开2025年全市义务教育阶段学校名单及招生计划", "请公开2025年全市义务教育阶段公办学校名单及各校招生计划数。", "吴海涛", 50,
     "经查，您申请的信息已主动公开，现将有关信息提供给您。", 10, None, Outcome.DISCLOSED, "", ApplicantType.PERSON),
    ("edu", Kind.DISCLOSURE, "申请公开某中学食堂承包合同", "请公开某中学食堂承包合同全文及承包方资质材料。", "郑强", 40,
     "合同中涉及第三方商业秘密的内容不予公开，其余部分予以公开。", 18, None, Outcome.PARTLY, "", ApplicantType.PERSON),
    ("edu", Kind.DISCLOSURE, "申请公开2019年某次会议内部讨论记录", "请公开市教育局2019年某次局务会议的讨论记录。", "示例市某教育咨询有限公司", 35,
     "您申请的信息属于行政机关内部讨论记录，属于过程性信息，依据《政府信息公开条例》第十六条第二款，不予公开。", 15, None, Outcome.NOT_DISCLOSED, OutcomeReason.PROCESS, ApplicantType.ORGANISATION),
    ("edu", Kind.DISCLOSURE, "申请公开全市民办学校年检结果", "请公开2025年度全市民办学校年度检查结果。", "冯丽", 12, "", 0, None, "", "", ApplicantType.PERSON),
    ("city", Kind.CONSULT, "政府网站政策文件在哪里查询", "请问市政府发布的规范性文件在网站哪个栏目可以查到？", "何军", 55,
     "您好！市政府规范性文件在本网站“政府信息公开—规范性文件”栏目集中公开，可按年份和文号检索。", 1, 5, "", "", ""),
    ("city", Kind.COMPLAINT, "12345热线反映问题后无人回复", "上月通过热线反映小区噪音问题，一直没有回复。", "韩冬", 42,
     "经核实，您反映的问题已转云溪区办理，区城管执法局已对噪音源进行整治。因转办环节衔接不畅导致答复延迟，向您致歉。", 14, 2, "", "", ""),
    ("city", Kind.SUGGESTION, "建议在政务服务中心增设自助终端", "建议在市政务服务中心增设更多自助办理终端，方便群众在非工作时间办事。", "杨帆", 33,
     "您的建议已转市政务服务中心研究，中心计划年内新增二十四小时自助服务区。", 9, 4, "", "", ""),
    ("city", Kind.ERROR, "网站“机构职能”页面链接失效", "政府信息公开栏目中“机构职能”页面的部分链接打开后显示找不到页面。", "朱文", 15,
     "感谢指正，失效链接已修复。", 2, 5, "", "", ""),
    ("city", Kind.ERROR, "政策解读文章中有错别字", "《关于进一步优化营商环境的若干措施》解读文章第三段“营商环镜”应为“营商环境”。", "秦雪", 1, "", 0, None, "", "", ""),
    ("city", Kind.CONSULT, "市长信箱来信多久答复", "给市长信箱写信后一般多久能收到答复？", "许诺", 28, "", 0, None, "", "", ""),  # overdue
    ("city", Kind.DISCLOSURE, "申请公开2025年市政府常务会议议定事项", "请公开2025年市政府常务会议研究确定的重大事项清单。", "吕斌", 45,
     "经查，本机关不掌握您所申请的“重大事项清单”，建议您查阅已主动公开的常务会议报道。", 12, None, Outcome.UNAVAILABLE, OutcomeReason.NOT_HELD, ApplicantType.PERSON),
    ("city", Kind.DISCLOSURE, "申请确认某文件的真实性", "请确认本人持有的一份文件复印件是否为市政府印发。", "施磊", 30,
     "您的申请属于要求行政机关确认已获取信息的情形，依据《政府信息公开条例》第三十九条，不作为政府信息公开申请处理。", 6, None, Outcome.NOT_PROCESSED, OutcomeReason.CONFIRM, ApplicantType.PERSON),
    ("env", Kind.COMPLAINT, "河道有异味", "青山路附近的河道最近有明显异味，怀疑有企业偷排。", "曹阳", 36,
     "经现场检查，异味系上游雨污管网破损所致，已责成维修并加强巡查，水质监测结果已恢复正常。", 6, 4, "", "", ""),
    ("env", Kind.HELP, "小区旁工地夜间施工扰民", "小区旁边的工地每天晚上十点以后还在施工，严重影响休息。", "彭静", 22,
     "已对该工地夜间施工行为立案调查，并责令其停止未经许可的夜间施工。", 3, 5, "", "", ""),
    ("env", Kind.CONSULT, "空气质量数据在哪里查看", "请问每天的空气质量数据在哪里可以查到？", "潘磊", 10,
     "您可在本网站“环境质量”栏目查看全市空气质量实时数据和日报。", 1, None, "", "", ""),
    ("env", Kind.SUGGESTION, "建议公开重点排污单位名录", "建议在网站上集中公开重点排污单位名录和监测数据。", "袁梅", 8, "", 0, None, "", "", ""),
    ("env", Kind.DISCLOSURE, "申请公开某企业环评报告", "请公开某化工企业扩建项目的环境影响报告书全本。", "示例市绿色家园环保协会", 26,
     "该报告书涉及商业秘密的部分经征求第三方意见后不予公开，其余部分予以公开。", 20, None, Outcome.PARTLY, "", ApplicantType.ORGANISATION),
    ("health", Kind.CONSULT, "异地就医备案怎么办理", "在外地长期居住，怎样办理异地就医备案？", "苏晴", 34,
     "可通过国家医保服务平台或本市医保公众号在线办理异地就医备案，也可到医保经办窗口办理。", 2, 5, "", "", ""),
    ("health", Kind.COMPLAINT, "医院挂号难", "市第一人民医院专家号很难挂到，号源是否被倒卖？", "蒋伟", 18,
     "已要求医院实行实名制预约挂号并加强号源管理，对倒号行为配合公安部门打击。", 9, 3, "", "", ""),
    ("transport", Kind.SUGGESTION, "建议增开夜班公交", "建议在高铁站和主要居民区之间增开夜班公交线路。", "沈涛", 40,
     "已将您的建议纳入公交线网优化方案，拟于明年一季度试开一条夜班线路。", 11, 4, "", "", ""),
    ("transport", Kind.HELP, "公交卡丢失如何挂失", "记名公交卡丢失了，怎么挂失补办？", "韦娜", 3, "", 0, None, "", "", ""),
    ("yunxi", Kind.COMPLAINT, "小区垃圾清运不及时", "云溪区某小区垃圾桶经常满溢，清运不及时。", "马骏", 24,
     "已督促环卫公司调整清运频次为每日两次，并增设分类垃圾桶。", 4, 5, "", "", ""),
    ("yunxi", Kind.DISCLOSURE, "申请公开某地块征收补偿方案", "请公开云溪区某地块房屋征收补偿方案及补偿标准。", "金涛", 16, "", 0, None, "", "", ApplicantType.PERSON),
]  # fmt: skip
# Demo ID numbers and codes: valid check characters, invented.
PERSON_ID = "110101199003074477"
ORGANISATION_CODE = "91110000600037341L"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 17)))


def load_messages(departments: dict) -> int:
    """Write the demo messages of the departments present; returns how many."""
    from govmedia.workdays.service import calendar

    if Message.objects.filter(client_key__startswith="demo:").exists():
        return 0
    cal = calendar()
    today = timezone.localdate()
    code_hash = hash_query_code(DEMO_QUERY_CODE)
    count = 0
    for n, row in enumerate(MESSAGES):
        key, kind, title, body, name, ago, answer, took, rating, outcome, reason, applicant = row
        department = departments.get(key)
        if department is None:
            continue
        received = _back(cal, today, ago)
        due = cal.add_workdays(received, deadline_days(kind))
        answered_on = cal.add_workdays(received, took).day if answer else None
        fields = dict(
            kind=kind, title=title, body=body, name=name, phone=f"1380000{n:04d}",
            department=department, received_at=_at(received, 9 + n % 8), received_on=received,
            due_on=due.day, due_provisional=due.provisional, query_code_hash=code_hash,
            client_key=f"demo:{n}", status=Status.HANDLING,
        )  # fmt: skip
        if kind == Kind.DISCLOSURE:
            fields.update(
                applicant_type=applicant,
                id_number=PERSON_ID if applicant == ApplicantType.PERSON else ORGANISATION_CODE,
                contact_person="" if applicant == ApplicantType.PERSON else "联系人",
                address="示例市光明路1号",
                delivery_form=DeliveryForm.ELECTRONIC,
                delivery_way=DeliveryWay.EMAIL,
                email=f"demo{n}@example.invalid",
                wants_public=False,
            )
        if answer:
            days = cal.workdays_between(received, answered_on)
            fields.update(
                status=Status.CLOSED if rating else Status.ANSWERED,
                answer=answer,
                answered_at=_at(answered_on, 16),
                answered_on=answered_on,
                handling_days=days,
                on_time=answered_on <= due.day,
                outcome=outcome,
                outcome_reason=reason,
                is_public=kind != Kind.DISCLOSURE,
                rating=rating,
                rated_at=_at(answered_on, 20) if rating else None,
                closed_at=_at(answered_on, 20) if rating else None,
            )
        message = Message.objects.create(**fields)
        message.number = f"{received:%Y%m%d}{message.pk:07d}"
        message.save(update_fields=["number"])
        events = [
            _event(message, EventKind.RECEIVED, received, 9, "已收到您的留言"),
            _event(message, EventKind.DISPATCHED, received, 11, f"已转{department}办理"),
        ]
        if answer:
            events.append(_event(message, EventKind.ANSWERED, answered_on, 16, answer))
        if rating:
            events.append(_event(message, EventKind.RATED, answered_on, 20, ""))
        MessageEvent.objects.bulk_create(events)
        count += 1
    return count


def _back(cal, today: dt.date, workdays: int) -> dt.date:
    """The working day `workdays` working days before today (roughly: stepping back by days)."""
    day = today
    while workdays > 0:
        day -= dt.timedelta(days=1)
        if cal.workdays_between(day - dt.timedelta(days=1), day) == 1:
            workdays -= 1
    return day


def _event(message: Message, kind: str, day: dt.date, hour: int, text: str) -> MessageEvent:
    return MessageEvent(
        message=message,
        kind=kind,
        at=_at(day, hour),
        on=day,
        department=message.department,
        text=text,
        public=True,
    )
