"""`govmedia sources`: list sources, read or probe one now, and try a reader on an address."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govmedia.sources import service
from govmedia.sources.models import Source
from govmedia.sources.readers import READERS


def _config(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CommandError(f"--config is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise CommandError("--config must be a JSON object")
    return value


class Command(BaseCommand):
    help = (
        "The sources the worker reads (feeds, column pages, articles, JSON APIs, exported "
        "tables): list them, read or probe one now (in this process, not the worker), or try "
        "a reader on an address without storing anything."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("list", help="every source with its status, last run and last error")
        read = sub.add_parser("read", help="read sources now: the ids given, or every due one")
        read.add_argument("ids", nargs="*", type=int, help="source ids")
        read.add_argument("--due", action="store_true", help="every enabled source that is due")
        probe = sub.add_parser("probe", help="probe the addresses of the sources given once")
        probe.add_argument("ids", nargs="+", type=int, help="source ids")
        trial = sub.add_parser(
            "try",
            help="read an address with a reader and print what it finds (stores nothing)",
            description="Read URL as KIND with --config and print the entries; for a column, "
            "also the selectors guess_selectors proposes.",
        )
        trial.add_argument("kind", choices=sorted(READERS), help="the reader")
        trial.add_argument("url", help="the address")
        trial.add_argument(
            "--config", default="{}", help='the config as JSON, e.g. \'{"item": "ul.list > li"}\''
        )

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_list(self, **options):
        for source in Source.objects.order_by("pk"):
            last = f"{source.last_run_at:%Y-%m-%d %H:%M}" if source.last_run_at else "never"
            line = f"{source.pk:>5}  {source.kind:<8} {source.status:<8} {last:<16} {source.name}  {source.url}"
            self.stdout.write(line)
            if source.status == "error":
                self.stdout.write(f"       error [{source.last_error_code}]: {source.last_error}")

    def do_read(self, ids, due, **options):
        if due:
            ids = list(service.due_sources(timezone.now()).values_list("pk", flat=True))
        if not ids:
            raise CommandError("name source ids, or --due")
        failed = 0
        for pk in ids:
            if not Source.objects.filter(pk=pk).exists():
                raise CommandError(f"no source {pk}")
            outcome = service.run_source(pk)
            detail = (
                outcome.error
                or f"{outcome.read} read, {len(outcome.new_keys)} new, {outcome.changed} changed"
            )
            self.stdout.write(f"source {pk}: {outcome.status}: {detail}")
            failed += outcome.status == "error"
        if failed:
            raise CommandError(f"{failed} of {len(ids)} sources failed")

    def do_probe(self, ids, **options):
        for pk in ids:
            probe = service.probe_source(pk)
            if probe is None:
                raise CommandError(f"no source {pk} with an address")
            state = "available" if probe.ok else f"unavailable: {probe.error}"
            self.stdout.write(
                f"source {pk}: {state} ({probe.status_code or '-'}, {probe.elapsed_ms} ms)"
            )

    def do_try(self, kind, url, config, **options):
        preview = service.preview_source(kind, url, _config(config))
        if preview.guess is not None:
            self.stdout.write(
                f"guessed selectors ({preview.guess.count} entries, {preview.guess.dated} dated):"
            )
            self.stdout.write(preview.guessed_config)
        for warning in preview.warnings:
            self.stdout.write(f"warning: {warning}")
        for entry in preview.entries:
            when = entry.published_at.isoformat() if entry.published_at else "no date"
            self.stdout.write(f"{when:<26} {entry.title}  {entry.url}")
        if preview.error:
            raise CommandError(preview.error)
        self.stdout.write(f"{preview.count} entries")
