"""Import posts from a .csv/.xlsx export (a vendor's or a platform back-end's) for opinion monitoring."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govmedia.opinion.ingest import from_table, read_posts_table
from govmedia.sources.readers.base import ReadError


class Command(BaseCommand):
    help = "导入帖子表格（.csv/.xlsx，表头：内容、发布时间、编号、作者、原文编号、链接、点赞数…）；由后台任务分析。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            rows = read_posts_table(file.read_bytes(), file.name)
        except (OSError, ReadError) as error:
            raise CommandError(getattr(error, "message_zh", "") or str(error)) from error
        result = from_table(file.name, rows)
        self.stdout.write(
            f"读取 {result.received} 行：新增 {result.accepted} 条，重复 {result.duplicates} 条，"
            f"有误 {len(result.errors)} 条。"
        )
        for error in result.errors[:20]:
            self.stdout.write(f"  第 {error['index'] + 2} 行：{error['message']}")
