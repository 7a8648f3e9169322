from __future__ import annotations

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from govmedia.core import scheduler


class _DbWorker(DbWorkerCommand):
    """django-tasks-db's worker, with its log levels left to settings.LOGGING.

    Its own `configure_logging` sets INFO at the default verbosity, one line per
    task, which buried `govmedia run`'s start-up summary within seconds.
    """

    def configure_logging(self, verbosity: int) -> None:
        pass


class Command(BaseCommand):
    help = (
        "Run the background worker: executes queued tasks and, every GOVMEDIA_SCHEDULER_INTERVAL "
        "seconds, enqueues the periodic jobs that are due (scheduled publishing, channel retries, ...). "
        "Several workers may run at once; each periodic job still runs once per interval."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-scheduler", action="store_true", help="run tasks only, no periodic jobs"
        )
        parser.add_argument(
            "--once", action="store_true", help="enqueue due jobs, run every queued task, then exit"
        )

    def handle(self, *args, no_scheduler: bool, once: bool, **options):
        if once:
            if not no_scheduler:
                scheduler.tick()
            call_command(_DbWorker(), batch=True, no_startup_delay=True, reload=False)
            return
        stop = threading.Event()
        if not no_scheduler:
            thread = threading.Thread(
                target=scheduler.run_forever,
                args=(settings.GOVMEDIA_SCHEDULER_INTERVAL, stop),
                name="govmedia-scheduler",
                daemon=True,
            )
            thread.start()
            if options["verbosity"] > 0:
                self.stdout.write(
                    f"scheduler: {', '.join(sorted(scheduler.JOBS))} every {settings.GOVMEDIA_SCHEDULER_INTERVAL}s"
                )
        try:
            if settings.TASKS_BACKEND == "rq":
                call_command("rqworker", "default")
            else:
                call_command(_DbWorker(), reload=False, interval=1)
        finally:
            stop.set()
