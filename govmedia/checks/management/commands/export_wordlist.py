"""Export the database word list as .txt (tab-separated) or .xlsx, in the import format."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Export the database word list to a .txt or .xlsx file that import_wordlist reads back."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="output file ending in .txt or .xlsx")
        parser.add_argument("--all", action="store_true", help="include disabled entries")

    def handle(self, *args, path: str, all: bool, **options):
        from govmedia.checks.models import WordListEntry

        rows = WordListEntry.objects.all() if all else WordListEntry.objects.filter(enabled=True)
        data = [r.list_row() for r in rows.order_by("category", "term")]
        out = Path(path)
        if out.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "词库"
            sheet.append(list(WordListEntry.LIST_COLUMNS))
            for row in data:
                sheet.append(row)
            book.save(out)
        elif out.suffix.lower() in (".txt", ".tsv"):
            lines = ["# " + "\t".join(WordListEntry.LIST_COLUMNS)] + [
                "\t".join(r).rstrip("\t") for r in data
            ]
            out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            raise CommandError(f"{path}: the file must end in .txt or .xlsx")
        self.stdout.write(f"{len(data)} entries written to {out}")
