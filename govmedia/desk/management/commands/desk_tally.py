"""`govmedia desk_tally [--rebuild]`: check the statistics' tallies against the messages, or recount them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from govmedia.desk import tally


class Command(BaseCommand):
    help = (
        "Compare the desk statistics' running tallies (kept by database triggers) with a recount "
        "from the messages and exit 1 on any difference; --rebuild recounts them instead "
        "(writes to messages wait meanwhile), and puts the triggers back if they are missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recount the tallies")
        parser.add_argument("--database", default="default")

    def handle(self, *args, rebuild: bool, database: str, **options):
        connection = connections[database]
        if rebuild:
            tally.install(connection)
            rows, long = tally.rebuild(database)
            self.stdout.write(f"tallies rebuilt: {rows} rows, {long} long handling-time rows")
            return
        problems = [] if tally.installed(connection) else ["the tally triggers are missing"]
        problems += tally.differences(database)
        for problem in problems[:50]:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} difference(s); `desk_tally --rebuild` recounts", returncode=1
            )
        self.stdout.write("tallies match the messages")
