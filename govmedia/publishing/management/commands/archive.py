from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from govmedia.publishing import archive, seal, transparency
from govmedia.publishing.models import ArchiveRecord


class Command(BaseCommand):
    help = (
        "The sealed archive. `verify` checks the whole hash chain, every Ed25519 signature, "
        "the Merkle tree against every stored checkpoint and, with --checkpoint FILE, against "
        "a checkpoint saved earlier by anyone; it prints the first record that fails and exits "
        "1 on any tampering. `public-key` prints the seal's public key (PEM)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "public-key"])
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--checkpoint",
            type=Path,
            action="append",
            help="a checkpoint JSON saved earlier (/seal/checkpoints/…): the archive must extend "
            "it; may be given several times",
        )
        parser.add_argument(
            "--public-key",
            type=Path,
            help="PEM public key to check --checkpoint's signature with, kept by the witness "
            "(default: the archive's own keys)",
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="processes for the signature pass"
        )

    def handle(self, *args, action: str, quiet: bool, **options):
        if action == "public-key":
            self.stdout.write(archive.public_key_pem())
            return
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
            raise CommandError("archive verification failed", returncode=1)
        against = f" and {len(witnesses)} given checkpoint(s)" if witnesses else ""
        self.stdout.write(
            f"OK: {report.records} record(s) verified; chain intact, all signatures valid, "
            f"Merkle tree consistent with {report.checkpoints} stored checkpoint(s){against} "
            f"(tree size {report.tree_size}, root {report.root_hash})."
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
