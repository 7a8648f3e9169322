"""Import word-list entries (.txt or .xlsx) into the database, reporting bad rows by line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govmedia.checks.lists import LIST_CATEGORIES, ListFileError, load_list_file


class Command(BaseCommand):
    help = (
        "Import a word list into the database. Rows: term, category, severity, suggestion, "
        "subcategory, note (tab-separated .txt or .xlsx columns). Bad rows are reported with "
        "their line number and skipped; good rows are created or updated. Common words "
        "(frequent in real prose) are demoted from blocking to warning and imported "
        "disabled for review, each reported with its figures (docs/checks.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help=".txt/.tsv/.xlsx file")
        parser.add_argument(
            "--category",
            choices=LIST_CATEGORIES,
            help="category for rows that do not give one (a plain one-word-per-line file)",
        )
        parser.add_argument("--severity", help="severity for rows that do not give one")
        parser.add_argument("--dry-run", action="store_true", help="parse and report only")
        parser.add_argument(
            "--no-guard",
            action="store_true",
            help="import common words as they are (no demotion); for a list already reviewed",
        )

    def handle(
        self,
        *args,
        path: str,
        category: str | None,
        severity: str | None,
        dry_run: bool,
        no_guard: bool = False,
        **options,
    ):
        from govmedia.checks.service import guard_import, import_entries

        defaults = {k: v for k, v in (("category", category), ("severity", severity)) if v}
        try:
            entries, errors = load_list_file(Path(path), defaults=defaults)
        except ListFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in errors:
            self.stderr.write(f"row skipped: {error}")
        disabled: set[tuple[str, str]] = set()
        if not no_guard:
            guarded = guard_import(entries)
            entries, disabled = guarded.entries, guarded.disabled_keys
            for d in guarded.demoted:
                self.stdout.write(f"demoted: {d.entry.term} ({d.entry.category}): {d.reason_en}")
            if guarded.demoted:
                self.stdout.write(
                    f"{len(guarded.demoted)} common word(s) demoted and imported disabled; "
                    "review them in the admin word list"
                )
        if dry_run:
            self.stdout.write(
                f"{len(entries)} good rows, {len(errors)} bad rows (dry run, nothing saved)"
            )
            return
        created, updated = import_entries(
            entries, source=Path(path).name, skipped=len(errors), disabled=disabled
        )
        self.stdout.write(
            f"{created} created, {updated} updated, {len(errors)} rows skipped from {Path(path).name}"
        )
        if errors:
            raise CommandError(
                f"{len(errors)} row(s) could not be imported; see the messages above"
            )
