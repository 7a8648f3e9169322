from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from govmedia.publishing import archive, db_guards, keyring, seal, transparency
from govmedia.publishing.models import ArchiveRecord, SealKey


class Command(BaseCommand):
    help = (
        "The sealed archive. `verify` checks the whole hash chain, every Ed25519 signature "
        "against the public keyring, the Merkle tree against every stored checkpoint and, with "
        "--checkpoint FILE, against a checkpoint saved earlier by anyone; then that every live "
        "revision and every withdrawal has its record. It names what fails and exits 1 on any "
        "problem, and never needs the private key. `public-key` prints the current seal public "
        "key (PEM); `keys` lists the keyring; `rotate-key --reason TEXT` retires the current key "
        "and puts a new one in service (audited; old records still verify); `reconcile` seals "
        "live items and withdrawals that have no record (after a crash; the worker also runs it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["verify", "public-key", "keys", "rotate-key", "reconcile"]
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--reason", default="", help="rotate-key: why the key is replaced")
        parser.add_argument(
            "--by", default="", help="rotate-key: who rotates (default: the operating-system user)"
        )
        parser.add_argument(
            "--checkpoint",
            type=Path,
            action="append",
            help="verify: a checkpoint JSON saved earlier (/seal/checkpoints/…): the archive must "
            "extend it; may be given several times",
        )
        parser.add_argument(
            "--public-key",
            type=Path,
            help="verify: PEM public key to check --checkpoint's signature with, kept by the "
            "witness (default: the archive's own keyring)",
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="verify: processes for the signature pass"
        )

    def handle(self, *args, action: str, quiet: bool, reason: str, by: str, **options):
        try:
            if action == "public-key":
                self.stdout.write(archive.public_key_pem())
            elif action == "reconcile":
                # Seal what a killed process left unsealed; the worker also runs it periodically.
                from govmedia.publishing.reconcile import reconcile

                self.stdout.write(f"OK: {reconcile()}.")
            elif action == "keys":
                self._list_keys()
            elif action == "rotate-key":
                self._rotate(reason, by or getpass.getuser())
            else:
                self._verify(quiet, options)
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

    def _verify(self, quiet: bool, options) -> None:
        witnesses, witness_keys = self._witnesses(options["checkpoint"], options["public_key"])
        total = ArchiveRecord.objects.count()
        bar = tqdm(
            total=total, unit="record", disable=quiet or not sys.stderr.isatty(), file=sys.stderr
        )
        with bar:
            report = transparency.verify_log(
                witnesses=witnesses,
                witness_keys=witness_keys,
                workers=options["workers"],
                progress=bar.update,
            )
        missing = archive.missing_records()
        if not db_guards.installed(connection):
            self.stderr.write(
                "WARNING: the append-only triggers on the archive table are missing; "
                "run `govmedia setup` to put them back"
            )
        if not report.ok:
            problems = report.sorted_problems()
            first = report.first_bad_seq
            if first is not None:
                self.stderr.write(f"FAILED at record #{first}: {problems[0].reason}")
            for problem in problems[1 if first is not None else 0 :]:
                where = f"#{problem.seq}: " if problem.seq is not None else ""
                self.stderr.write(f"FAILED: {where}{problem.reason}")
            until = f" from #{first} on" if first is not None else ""
            self.stderr.write(
                f"{report.records} record(s) read; the archive cannot be trusted{until}."
            )
        for problem in missing:
            self.stderr.write(f"MISSING: {problem}")
        if not report.ok or missing:
            raise CommandError("archive verification failed", returncode=1)
        against = f" and {len(witnesses)} given checkpoint(s)" if witnesses else ""
        self.stdout.write(
            f"OK: {report.records} record(s) verified; chain intact, all signatures valid "
            f"({len(archive.public_keys())} key(s) in the keyring), "
            f"Merkle tree consistent with {report.checkpoints} stored checkpoint(s){against} "
            f"(tree size {report.tree_size}, root {report.root_hash}); "
            "every live revision and withdrawal has its record."
        )

    def _witnesses(self, paths: list[Path] | None, key_path: Path | None):
        witnesses = []
        for path in paths or []:
            try:
                witnesses.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as error:
                raise CommandError(
                    f"cannot read checkpoint {path}: {error}", returncode=2
                ) from None
        if key_path is None:
            return witnesses, None
        key = seal.load_public_key_pem(key_path.read_bytes())
        return witnesses, {seal.key_id(key): key}
