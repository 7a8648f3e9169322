"""``govmedia check`` (Django name ``checktext``): the content-check command line.

The work is done by ``govmedia.checks.cli``, which also runs without Django;
this command adds the word-list entries and leaders kept in the database
(not with --no-db). `govmedia check` comes here only when an installation is
configured; otherwise it runs ``govmedia.checks.cli`` without Django.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from govmedia.checks import cli


def database_extra():
    """Enabled database entries and the leader table; nothing when the tables are not there yet."""
    from govmedia.checks.service import database_entries, database_leaders

    try:
        return database_entries(), database_leaders()
    except DatabaseError as exc:
        print(
            f"govmedia check: word lists in the database not used ({exc.__class__.__name__}); "
            "run `govmedia setup` to create the tables",
            file=sys.stderr,
        )
        return [], []


def settings_args() -> list[str]:
    """Defaults from settings, placed before the user's arguments so those win."""
    from govmedia.checks.service import forbidden_hosts, link_timeout

    return [f"--link-timeout={link_timeout()}"] + [
        f"--forbidden-host={h}" for h in forbidden_hosts()
    ]


def _extra_for(args: list[str]):
    return None if "--no-db" in args else database_extra


class Command(BaseCommand):
    help = cli.build_parser().description

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is [program, "checktext", ...]; argparse in cli.py owns every option,
        # including --help, so `govmedia check --help` tells the truth.
        args = argv[2:]
        if "-h" not in args and "--help" not in args:
            args = settings_args() + args
        sys.exit(cli.main(args, prog="govmedia check", extra=_extra_for(args)))

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        # call_command("checktext", "--no-links", path) must reach cli.py untouched:
        # Django's own options keep their defaults and every token goes through.
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        original = parser.parse_args

        def parse_args(args=None, namespace=None):
            parsed = original([], namespace)
            parsed.args = [str(a) for a in (args or [])]
            return parsed

        parser.parse_args = parse_args
        return parser

    def handle(self, *args: str, **options) -> None:
        # Reached through call_command(); the exit status is kept for callers and tests.
        code = cli.main(
            settings_args() + list(args), prog="govmedia check", extra=_extra_for(list(args))
        )
        if code:
            raise SystemExit(code)
