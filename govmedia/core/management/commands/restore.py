from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govmedia.core import backup


class Command(BaseCommand):
    help = (
        "Restore a `govmedia backup` archive into this installation (the database of DATABASE_URL and "
        "GOVMEDIA_DATA_DIR), then verify it: `archive verify` over every sealed record, and the page, "
        "archive record and media file counts against the backup's manifest. Refuses a non-empty "
        "database or data directory unless --force. Exits 1 when the verification fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a govmedia-backup-*.tar.gz file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite a database and data directory that already hold data",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, archive: Path, force: bool, quiet: bool, **options):
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file")
        try:
            result = backup.restore_backup(archive, force=force, quiet=quiet)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(f"restored {archive.name} (made {manifest['created_at']})")
        if result.verify_output:
            self.stdout.write(f"  {result.verify_output}")
        counts = ", ".join(f"{name} {value}" for name, value in sorted(result.counts.items()))
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"  MISMATCH: {problem}")
            self.stderr.write(f"  restored counts: {counts}")
            raise CommandError(
                "restore verification FAILED: the restored installation differs from the backup",
                returncode=1,
            )
        self.stdout.write(f"  counts match the manifest: {counts}")
        self.stdout.write(
            self.style.SUCCESS("restore verified OK")
            + " - run `govmedia setup` if this version of govmedia is newer than the backup's "
            f"({manifest['versions']['govmedia']})."
        )
