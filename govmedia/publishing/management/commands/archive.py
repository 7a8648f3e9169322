from __future__ import annotations

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from govmedia.publishing import archive, db_guards, keyring
from govmedia.publishing.models import ArchiveRecord, SealKey


class Command(BaseCommand):
    help = (
        "The sealed archive. `verify` checks the whole hash chain and every Ed25519 signature "
        "against the public keyring, then that every live revision and every withdrawal has "
        "its record; it names what fails and exits 1 on any problem. It never needs the "
        "private key. `public-key` prints the current seal public key (PEM); `keys` lists the "
        "keyring; `rotate-key --reason TEXT` retires the current key and puts a new one in "
        "service (audited; old records still verify)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "public-key", "keys", "rotate-key"])
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--reason", default="", help="rotate-key: why the key is replaced")
        parser.add_argument(
            "--by", default="", help="rotate-key: who rotates (default: the operating-system user)"
        )

    def handle(self, *args, action: str, quiet: bool, reason: str, by: str, **options):
        try:
            if action == "public-key":
                self.stdout.write(archive.public_key_pem())
            elif action == "keys":
                self._list_keys()
            elif action == "rotate-key":
                self._rotate(reason, by or getpass.getuser())
            else:
                self._verify(quiet)
        except keyring.SealKeyError as exc:
            raise CommandError(str(exc)) from exc

    def _list_keys(self) -> None:
        for key in SealKey.objects.all():
            until = key.retired_at.isoformat() if key.retired_at else "in service"
            self.stdout.write(
                f"{key.key_id}  {key.valid_from.isoformat()} .. {until}  {key.created_by}"
            )

    def _rotate(self, reason: str, actor: str) -> None:
        if not reason.strip():
            raise CommandError(
                "rotate-key needs --reason: the audit record keeps why the key changed"
            )
        old, new = keyring.rotate_key(actor=actor, reason=reason.strip())
        if old is not None:
            self.stdout.write(
                f"retired key {old.key_id} (valid {old.valid_from.isoformat()} .. {old.retired_at.isoformat()})"
            )
        self.stdout.write(f"new seal key {new.key_id} in service, written to {keyring.key_file()}")
        self.stdout.write(
            "Back up the new key file; the retired one was kept beside it with a .retired-<id> suffix."
        )

    def _verify(self, quiet: bool) -> None:
        total = ArchiveRecord.objects.count()
        bar = tqdm(
            total=total, unit="record", disable=quiet or not sys.stderr.isatty(), file=sys.stderr
        )
        with bar:
            count, failure = archive.verify_archive(progress=bar.update)
        missing = archive.missing_records()
        if not db_guards.installed(connection):
            self.stderr.write(
                "WARNING: the append-only triggers on the archive table are missing; "
                "run `govmedia setup` to put them back"
            )
        if failure is not None:
            self.stderr.write(f"FAILED at record #{failure.seq}: {failure.reason}")
            self.stderr.write(
                f"{count} record(s) read; the archive cannot be trusted from #{failure.seq} on."
            )
        for problem in missing:
            self.stderr.write(f"MISSING: {problem}")
        if failure is not None or missing:
            raise CommandError("archive verification failed", returncode=1)
        self.stdout.write(
            f"OK: {count} record(s) verified; chain intact, all signatures valid "
            f"({len(archive.public_keys())} key(s) in the keyring); "
            "every live revision and withdrawal has its record."
        )
