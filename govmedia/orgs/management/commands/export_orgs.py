"""Export departments, people or channels to an .xlsx workbook that re-imports cleanly."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from govmedia.orgs.importing import KINDS, export_workbook


class Command(BaseCommand):
    help = (
        "Export all departments, people (one row per role) or channels to an .xlsx workbook "
        "in the import format; initial passwords are never exported."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="what to export")
        parser.add_argument("file", help="path of the .xlsx workbook to write")

    def handle(self, *args, kind: str, file: str, **options):
        data = export_workbook(kind)
        with open(file, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"Wrote {kind} to {file}.")
