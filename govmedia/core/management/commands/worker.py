from __future__ import annotations

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from govmedia.core import scheduler


def run_rq_worker(*, burst: bool, verbosity: int = 1) -> None:
    """RQ's worker (from django_rq, installed with TASKS_BACKEND=rq) on the tasks' queues.

    django-tasks-rq's Job class is what turns a queued job back into a django-tasks
    Task; RQ's own would not know how to call one. With its scheduler, deferred
    tasks run too (one worker at a time holds RQ's scheduler lock).
    """
    call_command(
        "rqworker",
        *settings.TASKS["default"].get("QUEUES", ["default"]),
        job_class="django_tasks_rq.Job",
        with_scheduler=True,
        burst=burst,
        # RQ logs every job at verbosity 1; `govmedia worker -v 0` keeps only warnings.
        verbosity=verbosity,
    )


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
            if settings.TASKS_BACKEND == "rq":
                run_rq_worker(burst=True, verbosity=options["verbosity"])
            else:
                call_command("db_worker", batch=True, no_startup_delay=True, reload=False)
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
            self.stdout.write(
                f"scheduler: {', '.join(sorted(scheduler.JOBS))} every {settings.GOVMEDIA_SCHEDULER_INTERVAL}s"
            )
        try:
            if settings.TASKS_BACKEND == "rq":
                run_rq_worker(burst=False, verbosity=options["verbosity"])
            else:
                call_command("db_worker", reload=False, interval=1)
        finally:
            stop.set()
