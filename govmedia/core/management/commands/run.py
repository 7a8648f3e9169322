from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve the web site (waitress, a pure-Python WSGI server) and run one background worker "
        "beside it, until Ctrl+C. For several web processes and workers see README 'Running at scale'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GOVMEDIA_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("GOVMEDIA_PORT", "8000"))
        )
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="serve the web site only")

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool, **options):
        import socket

        from waitress import serve

        from govmedia.wsgi import application

        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise CommandError(
                    f"cannot listen on {host}:{port} ({exc.strerror}); is another govmedia running? "
                    "Choose another port with --port or GOVMEDIA_PORT."
                ) from exc

        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "govmedia.cli", "worker"], env=os.environ.copy()
            )
        address = f"http://{host}:{port}"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"govmedia is running at {address}/"))
        self.stdout.write(f"  portal:  {address}/")
        self.stdout.write(f"  admin:   {address}/admin/")
        self.stdout.write(f"  data:    {settings.DATA_DIR}")
        from govmedia.core.demo import DEMO_LOGINS, demo_loaded

        if demo_loaded():
            self.stdout.write(f"  demo log-ins (password for all: {DEMO_LOGINS['password']}):")
            for username, role in DEMO_LOGINS["people"]:
                self.stdout.write(f"    {username:<14} {role}")
        self.stdout.write("Press Ctrl+C to stop.\n")
        sys.stdout.flush()
        try:
            serve(application, host=host, port=port, threads=threads, ident="govmedia")
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
