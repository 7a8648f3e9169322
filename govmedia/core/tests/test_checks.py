"""`govmedia system-check` names a tasks configuration that cannot work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from govmedia.core.checks import redacted

ROOT = Path(__file__).resolve().parents[3]


def _system_check_errors() -> str:
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    return str(raised.value)


def test_it_names_an_unknown_tasks_backend(settings):
    settings.TASKS_BACKEND = "celery"
    errors = _system_check_errors()
    assert "(govmedia.E111) TASKS_BACKEND='celery' is not a tasks backend govmedia knows." in errors
    assert "'database'" in errors and "'rq'" in errors  # the hint names the choices


def test_it_names_an_empty_redis_url_with_rq(settings):
    settings.TASKS_BACKEND, settings.REDIS_URL = "rq", ""
    assert "(govmedia.E112) TASKS_BACKEND=rq needs REDIS_URL, which is empty." in (
        _system_check_errors()
    )


def test_it_names_a_redis_url_that_is_not_one(settings):
    settings.TASKS_BACKEND, settings.REDIS_URL = "rq", "127.0.0.1:6379"
    assert "(govmedia.E112) REDIS_URL='127.0.0.1:6379' is not a Redis URL" in (
        _system_check_errors()
    )


def test_it_names_an_unreachable_redis_without_showing_its_password(settings):
    # Nothing listens on port 1, so the connection is refused at once.
    settings.TASKS_BACKEND, settings.REDIS_URL = "rq", "redis://:s3cret@127.0.0.1:1/0"
    errors = _system_check_errors()
    assert "(govmedia.E113) Redis at REDIS_URL='redis://:***@127.0.0.1:1/0' does not answer" in (
        errors
    )
    assert "s3cret" not in errors


def test_it_is_silent_about_redis_with_the_database_backend(settings):
    settings.TASKS_BACKEND, settings.REDIS_URL = "database", ""
    call_command("check")


def test_it_redacts_only_the_password():
    assert redacted("redis://worker:pw@cache:6379/2") == "redis://worker:***@cache:6379/2"
    assert redacted("redis://cache:6379/2") == "redis://cache:6379/2"


def test_the_command_reports_an_unknown_backend_instead_of_a_traceback(tmp_path):
    # Through the real settings module: django-tasks must not fail on the unknown
    # name before our check can speak.
    env = {
        **os.environ,
        "GOVMEDIA_DATA_DIR": str(tmp_path),
        "TASKS_BACKEND": "redis",
        "DJANGO_SETTINGS_MODULE": "govmedia.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "govmedia.cli", "system-check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "(govmedia.E111) TASKS_BACKEND='redis' is not a tasks backend" in result.stderr
    assert "Traceback" not in result.stderr
