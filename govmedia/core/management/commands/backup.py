from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from govmedia.core import backup


class Command(BaseCommand):
    help = (
        "Write one dated backup archive (govmedia-backup-YYYYmmdd-HHMMSS.tar.gz) holding the database "
        "(SQLite's online backup, or pg_dump on PostgreSQL), the media files, the seal's private key and "
        "the generated secret key, with a manifest of versions, counts and checksums. The archive holds "
        "the seal's private key: keep it where only operators can read it. Restore with `govmedia restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            default=None,
            help="directory to write the archive into (default: GOVMEDIA_BACKUP_DIR)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="afterwards delete all but the N newest backups in that directory",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, output: Path | None, keep: int | None, quiet: bool, **options):
        directory = output or Path(settings.GOVMEDIA_BACKUP_DIR)
        try:
            made = backup.create_backup(directory, quiet=quiet)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        path, manifest = made.path, made.manifest
        counts = manifest["counts"]
        self.stdout.write(
            f"backup written: {path} ({path.stat().st_size / 1e6:.1f} MB; "
            f"{counts['pages']} page(s), {counts.get('archive_records', 0)} archive record(s), "
            f"{counts['media_files']} media file(s); seal key {'included' if manifest['seal_key'] else 'MISSING'})"
        )
        if keep is not None:
            removed = backup.prune_backups(directory, keep)
            if removed:
                self.stdout.write(f"removed {len(removed)} older backup(s), kept {keep}")
