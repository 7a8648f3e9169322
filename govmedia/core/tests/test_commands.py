"""Operator commands give a clear message instead of a traceback."""

from __future__ import annotations

import socket

import pytest
from django.core.management import CommandError, call_command

from govmedia.cli import main


def test_it_explains_a_port_already_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}"):
            call_command("run", port=port, no_worker=True)


def test_it_lists_the_main_commands_in_its_help(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in (
        "setup",
        "run",
        "worker",
        "archive verify",
        "backup",
        "restore",
        "check",
        "import-orgs",
    ):
        assert command in out


@pytest.mark.django_db
def test_it_runs_due_periodic_jobs_once_per_interval(settings, tmp_path):
    from govmedia.core import scheduler
    from govmedia.core.models import PeriodicJob

    # No seal key file, whatever earlier tests on this worker left in the session's
    # data directory: the hourly checkpoint is then skipped, not failed for want of
    # a keyring entry (the database has none).
    settings.GOVMEDIA_SEAL_KEY_FILE = tmp_path / "no-key.pem"

    first = scheduler.tick()
    assert set(first) == set(scheduler.JOBS)
    assert scheduler.tick() == []  # claimed: not due again within its interval
    assert PeriodicJob.objects.filter(last_ok=True).count() == len(scheduler.JOBS)
