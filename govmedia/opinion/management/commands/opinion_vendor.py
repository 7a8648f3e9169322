"""Make a data vendor, or give an existing one a new token; the token is printed once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from govmedia.opinion.models import Vendor


class Command(BaseCommand):
    help = "创建舆情数据供应商或为其更换令牌（令牌只显示这一次；旧令牌随即失效）。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="供应商名称")

    def handle(self, *args, name: str, **options):
        vendor = Vendor.objects.filter(name=name).first() or Vendor(name=name)
        token = vendor.issue_token()
        vendor.enabled = True
        vendor.save()
        self.stdout.write(f"供应商“{vendor.name}”的推送令牌（请妥善保存，只显示这一次）：\n{token}")
