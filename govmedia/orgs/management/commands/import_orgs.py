"""Import departments, people or channels from an .xlsx workbook or a .csv/.tsv table."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govmedia.orgs.importing import KINDS, ImportFileError, import_workbook


class Command(BaseCommand):
    help = (
        "Import departments, people or channels from an .xlsx workbook, or a .csv/.tsv table in "
        "UTF-8 or GBK, in the format of the admin's import template. Good rows are saved, bad rows are listed; re-importing a file "
        "updates records instead of duplicating them. Exits with status 1 if any row failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="what the table holds")
        parser.add_argument("file", help="path to the .xlsx, .csv or .tsv file")
        parser.add_argument(
            "--bad-rows",
            metavar="FILE",
            help="also write the rows that failed, with an extra 错误原因 column, to this .xlsx file",
        )

    def handle(self, *args, kind: str, file: str, bad_rows: str | None = None, **options):
        try:
            with open(file, "rb") as handle:
                report = import_workbook(kind, handle)
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {file}") from exc
        except ImportFileError as exc:
            raise CommandError(f"Cannot import {file}: {exc}") from exc

        self.stdout.write(
            f"{kind}: {report.created} created, {report.updated} updated, {report.failed_rows} rows failed."
        )
        for error in sorted(report.errors, key=lambda e: e.row):
            self.stderr.write(f"row {error.row}, column {error.column}: {error.message}")
        if bad_rows and report.errors:
            with open(bad_rows, "wb") as handle:
                handle.write(report.bad_rows_workbook())
            self.stdout.write(f"Bad rows written to {bad_rows}.")
        if report.errors:
            raise CommandError(
                f"{report.failed_rows} rows failed; the other rows were imported.", returncode=1
            )
