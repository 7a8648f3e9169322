"""The 主动公开 categories of 《中华人民共和国政府信息公开条例》(2019) 第二十条."""

from django.db import migrations

CATEGORIES = [
    ("规范性文件", "行政法规、规章和规范性文件", "（一）"),
    ("机构职能", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名", "（二）"),
    ("规划信息", "国民经济和社会发展规划、专项规划、区域规划及相关政策", "（三）"),
    ("统计信息", "国民经济和社会发展统计信息", "（四）"),
    ("行政许可", "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果", "（五）"),
    ("行政处罚和强制", "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定", "（六）"),
    ("财政预决算", "财政预算、决算信息", "（七）"),
    ("行政事业性收费", "行政事业性收费项目及其依据、标准", "（八）"),
    ("政府采购", "政府集中采购项目的目录、标准及实施情况", "（九）"),
    ("重大建设项目", "重大建设项目的批准和实施情况", "（十）"),
    ("民生政策", "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况", "（十一）"),
    ("应急管理", "突发公共事件的应急预案、预警信息及应对情况", "（十二）"),
    ("监督检查", "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况", "（十三）"),
    ("公务员招考", "公务员招考的职位、名额、报考条件等事项以及录用结果", "（十四）"),
    ("其他法定公开信息", "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息", "（十五）"),
]


def add(apps, schema_editor):
    Category = apps.get_model("publishing", "DisclosureCategory")
    for order, (name, description, clause) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "statutory_clause": f"《政府信息公开条例》第二十条第{clause}项",
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
