"""Rebuild the portal's full-text index from every live item."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from govmedia.portal.models import SearchTerm
from govmedia.portal.search import BATCH_SIZE, build_rows


class Command(BaseCommand):
    help = "重建门户网站全文检索索引（所有已发布的政府信息）。"

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条。")

    def handle(self, *args, no_progress: bool = False, **options):
        from govmedia.publishing.models import ItemPage

        items = ItemPage.objects.live().order_by("pk")
        total = items.count()
        rows_written = 0
        with transaction.atomic():
            SearchTerm.objects.all().delete()
            pending: list[SearchTerm] = []
            progress = tqdm(
                items.iterator(chunk_size=500),
                total=total,
                unit="条",
                desc="建立索引",
                disable=no_progress or options["verbosity"] == 0,
                file=self.stderr._out,
            )
            for item in progress:
                pending.extend(build_rows(item))
                if len(pending) >= BATCH_SIZE:
                    SearchTerm.objects.bulk_create(pending, batch_size=BATCH_SIZE)
                    rows_written += len(pending)
                    pending = []
            SearchTerm.objects.bulk_create(pending, batch_size=BATCH_SIZE)
            rows_written += len(pending)
        if options["verbosity"]:
            self.stdout.write(f"已为 {total} 条政府信息建立索引，共 {rows_written} 个检索词条目。")
