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
            call_command("rqworker", "default")
