"""Make a data vendor, or give an existing one a new token; the token is printed once.

``--department`` and ``--plan`` bind the vendor (access.vendor_plan_ids): its
posts then feed only those departments' plans and those plans; ``--unbound``
lifts the binding. Without any of them an existing vendor keeps its binding.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govmedia.opinion.management.commands.opinion_list import department_named
from govmedia.opinion.models import MonitoringPlan, Vendor


class Command(BaseCommand):
    help = (
        "创建舆情数据供应商或为其更换令牌（令牌只显示这一次；旧令牌随即失效）；"
        "--department / --plan 限定其帖子只用于这些机构（含下级）或监测方案。"
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="供应商名称")
        parser.add_argument(
            "--department", action="append", default=[], help="限定机构（编号、名称或简称，可重复）"
        )
        parser.add_argument(
            "--plan", action="append", default=[], type=int, help="限定监测方案编号（可重复）"
        )
        parser.add_argument(
            "--unbound", action="store_true", help="取消限定：为全部监测方案提供帖子"
        )

    def handle(self, *args, name: str, department: list, plan: list, unbound: bool, **options):
        if unbound and (department or plan):
            raise CommandError("--unbound 不能与 --department、--plan 同时使用。")
        departments = [department_named(d) for d in department]
        plans = list(MonitoringPlan.objects.filter(pk__in=plan))
        missing = set(plan) - {p.pk for p in plans}
        if missing:
            raise CommandError(f"没有编号为 {', '.join(map(str, sorted(missing)))} 的监测方案。")
        vendor = Vendor.objects.filter(name=name).first() or Vendor(name=name)
        token = vendor.issue_token()
        vendor.enabled = True
        vendor.save()
        if unbound or departments or plans:
            vendor.departments.set(departments)
            vendor.plans.set(plans)
        # The token last, alone on its line, for scripts that read it.
        self.stdout.write(f"限定范围：{vendor.scope_label()}")
        self.stdout.write(f"供应商“{vendor.name}”的推送令牌（请妥善保存，只显示这一次）：\n{token}")
