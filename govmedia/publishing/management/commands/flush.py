"""Django's `flush`, made to work with the archive's append-only triggers.

`flush` erases every table at once: the whole installation, not a record of
it, and Django's test cases run it between tests that commit. The triggers
would refuse it on the archive, so they are lifted for the wipe and put back
in the same transaction on both vendors; other apps' triggers are lifted
and put back likewise through `core.signals.flush_starting` and `flush_finished`.
"""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import connections, transaction

from govmedia.core.signals import flush_finished, flush_starting
from govmedia.publishing import db_guards


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        with transaction.atomic(using=connection.alias):
            db_guards.remove(connection)
            flush_starting.send(sender=Command, connection=connection)
            try:
                return super().handle(**options)
            finally:
                flush_finished.send(sender=Command, connection=connection)
                db_guards.install(connection)
