from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from govmedia.publishing import archive
from govmedia.publishing.models import ArchiveRecord


class Command(BaseCommand):
    help = (
        "The sealed archive. `verify` checks the whole hash chain and every Ed25519 signature, "
        "prints the first record that fails and exits 1 on any tampering; "
        "`public-key` prints the seal's public key (PEM); "
        "`reconcile` seals live items and withdrawals that have no record (after a crash)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "public-key", "reconcile"])
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, action: str, quiet: bool, **options):
        if action == "reconcile":
            # Seal what a killed process left unsealed; the worker also runs it periodically.
            from govmedia.publishing.reconcile import reconcile

            self.stdout.write(f"OK: {reconcile()}.")
            return
        if action == "public-key":
            self.stdout.write(archive.public_key_pem())
            return
        total = ArchiveRecord.objects.count()
        bar = tqdm(
            total=total, unit="record", disable=quiet or not sys.stderr.isatty(), file=sys.stderr
        )
        with bar:
            count, failure = archive.verify_archive(progress=bar.update)
        if failure is not None:
            self.stderr.write(f"FAILED at record #{failure.seq}: {failure.reason}")
            self.stderr.write(
                f"{count} record(s) read; the archive cannot be trusted from #{failure.seq} on."
            )
            raise CommandError("archive verification failed", returncode=1)
        self.stdout.write(
            f"OK: {count} record(s) verified; chain intact, all signatures valid (key {archive.current_key_id()})."
        )
