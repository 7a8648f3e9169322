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
        "beside it, until Ctrl+C or SIGTERM, which stop both. Task logs are quiet (WARNING) unless "
        "GOVMEDIA_TASK_LOG_LEVEL says otherwise. When the demo's WeChat and Weibo channels point at the bundled "
        "fake platforms, those fakes are started too (docs/channels.md, 'The demo city's channels'). "
        "For several web processes and workers see README 'Running at scale'."
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

        from govmedia.wsgi import application

        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise CommandError(
                    f"cannot listen on {host}:{port} ({exc.strerror}); is another govmedia running? "
                    "Choose another port with --port or GOVMEDIA_PORT."
                ) from exc

        from waitress import create_server

        # SIGTERM (systemd, docker stop, kill) must stop the worker too, not only
        # Ctrl+C: both leave through the `finally` below.
        previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        worker: subprocess.Popen | None = None
        server = None
        fakes: list[str] = []
        stop_fakes = None
        try:
            from govmedia.devtools import demo_channels

            if demo_channels.uses_fakes():
                # The demo city's WeChat and Weibo accounts post to loopback fakes
                # of those platforms, started before the worker that sends to them.
                fakes, stop_fakes = demo_channels.start_fakes()
            if not no_worker:
                worker = subprocess.Popen(
                    [sys.executable, "-m", "govmedia.cli", "worker", "--verbosity", "0"],
                    env=os.environ.copy(),
                    preexec_fn=_die_with_parent,
                )
            from govmedia.core.uploads import server_ceiling_bytes

            server = create_server(
                application,
                host=host,
                port=port,
                threads=threads,
                ident="govmedia",
                max_request_body_size=server_ceiling_bytes(),
            )
            # Printed last, once the port is bound and the worker started, so
            # nothing scrolls it away; task logs are quiet by default (settings.LOGGING).
            self._print_summary(host, port, worker, fakes)
            server.run()
        except _Stop:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if server is not None:
                server.close()
            if worker is not None:
                _stop_worker(worker)
            if stop_fakes is not None:
                stop_fakes()

    def _print_summary(
        self, host: str, port: int, worker: subprocess.Popen | None, fakes: list[str]
    ) -> None:
        from govmedia.devtools.demo import DEMO_LOGINS, demo_loaded

        address = f"http://{host}:{port}"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"govmedia is running at {address}/"))
        self.stdout.write(f"  portal:  {address}/")
        self.stdout.write(f"  admin:   {address}/admin/")
        self.stdout.write(f"  data:    {settings.DATA_DIR}")
        self.stdout.write(
            f"  worker:  pid {worker.pid}" if worker else "  worker:  none (--no-worker)"
        )
        for fake in fakes:
            self.stdout.write(f"  demo channel platform: {fake}")
        if demo_loaded():
            self.stdout.write(f"  demo log-ins (password for all: {DEMO_LOGINS['password']}):")
            for username, role in DEMO_LOGINS["people"]:
                self.stdout.write(f"    {username:<14} {role}")
        self.stdout.write("Press Ctrl+C to stop.\n")
        self.stdout.flush()


class _Stop(SystemExit):
    """Raised by the SIGTERM/SIGINT handler to leave the server loop.

    A SystemExit, not an Exception: waitress's loop passes any Exception raised
    while it handles a connection to that connection's error handler and goes
    on serving, so a signal arriving mid-request would be swallowed and the
    server would never stop. SystemExit is one of the exceptions it re-raises.
    """


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop(signum)


def _die_with_parent() -> None:
    """In the worker before exec: on Linux, get SIGTERM if `run` itself is killed (even -9)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
