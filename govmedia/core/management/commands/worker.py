from __future__ import annotations

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from govmedia.core import scheduler, workers


class _DbWorker(DbWorkerCommand):
    """django-tasks-db's worker, with its log levels left to settings.LOGGING.

    Its own `configure_logging` sets INFO at the default verbosity, one line per
    task, which buried `govmedia run`'s start-up summary within seconds.
    """

    def configure_logging(self, verbosity: int) -> None:
        pass


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
        "Several workers may run at once; each periodic job still runs once per interval. "
        "On start it takes back the work of workers that died (tasks left running, deliveries "
        "left sending)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-scheduler", action="store_true", help="run tasks only, no periodic jobs"
        )
        parser.add_argument(
            "--once", action="store_true", help="enqueue due jobs, run every queued task, then exit"
        )

    def handle(self, *args, no_scheduler: bool, once: bool, **options):
        stop = threading.Event()
        worker_id = workers.register(stop)
        try:
            # Before any new task: what a killed predecessor held is failed or re-enqueued.
            workers.recover_stale_tasks()
            workers.worker_starting.send(sender=self.__class__, worker_id=worker_id)
            self._run(worker_id, stop, no_scheduler=no_scheduler, once=once, **options)
        finally:
            stop.set()
            workers.unregister(worker_id)

    def _run(
        self, worker_id: str, stop: threading.Event, *, no_scheduler: bool, once: bool, **options
    ):
        database = settings.TASKS_BACKEND != "rq"
        if once:
            if not no_scheduler:
                scheduler.tick()
            if settings.TASKS_BACKEND == "rq":
                run_rq_worker(burst=True, verbosity=options["verbosity"])
            else:
                call_command(
                    _DbWorker(),
                    batch=True,
                    no_startup_delay=True,
                    reload=False,
                    worker_id=worker_id,
                )
            return
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
        if options["verbosity"] > 0:
            self.stdout.write(f"worker {worker_id} ready", ending="\n")
            self.stdout.flush()
        if database:
            call_command(_DbWorker(), reload=False, interval=1, worker_id=worker_id)
        else:
            run_rq_worker(burst=False, verbosity=options["verbosity"])
