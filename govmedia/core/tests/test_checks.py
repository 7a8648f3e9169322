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


def _system_check_command(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`govmedia system-check` in a process of its own, reading the real settings from `env`."""
    return subprocess.run(
        [sys.executable, "-m", "govmedia.cli", "system-check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
    result = _system_check_command(env)
    assert result.returncode == 1
    assert "(govmedia.E111) TASKS_BACKEND='redis' is not a tasks backend" in result.stderr
    assert "Traceback" not in result.stderr


# --- settings and security (govmedia.E121-E124, W121, W125) ---------------------


def _check_output(**options) -> str:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("check", stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def _public_site(settings, *, allowed_hosts=("xxgk.example.gov.cn",)) -> None:
    settings.SITE_URL = "https://xxgk.example.gov.cn"
    settings.ALLOWED_HOSTS = list(allowed_hosts)
    settings.GOVMEDIA_SECRET_KEY_MISSING = False


def test_it_names_a_missing_secret_key_on_a_public_site(settings):
    settings.GOVMEDIA_SECRET_KEY_MISSING = True
    settings.SITE_URL = "https://xxgk.example.gov.cn"
    settings.ALLOWED_HOSTS = ["xxgk.example.gov.cn"]
    errors = _system_check_errors()
    assert "(govmedia.E121) No secret key: GOVMEDIA_SECRET_KEY is empty" in errors
    assert "govmedia setup" in errors  # the hint says how to make one


def test_it_only_warns_about_a_missing_secret_key_on_this_machine(settings):
    settings.GOVMEDIA_SECRET_KEY_MISSING = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert "govmedia.W121" not in _check_output()  # tests and CI would see it every time
    assert "(govmedia.W121) No secret key" in _check_output(deploy=True)


def test_it_names_a_seal_key_file_that_is_no_key(settings, tmp_path):
    broken = tmp_path / "seal_ed25519.pem"
    broken.write_text("this is not a PEM file\n")
    settings.GOVMEDIA_SEAL_KEY_FILE = broken
    errors = _system_check_errors()
    assert (
        f"(govmedia.E122) The seal key file GOVMEDIA_SEAL_KEY_FILE='{broken}' cannot be used"
        in (errors)
    )


def test_it_names_a_seal_key_file_that_cannot_be_read(settings, tmp_path):
    # A directory in its place reads as "Is a directory" even for root, who
    # would read a file whatever its permissions.
    unreadable = tmp_path / "seal_ed25519.pem"
    unreadable.mkdir()
    settings.GOVMEDIA_SEAL_KEY_FILE = unreadable
    errors = _system_check_errors()
    assert "(govmedia.E122)" in errors and "Is a directory" in errors


def test_a_machine_without_a_seal_key_file_is_fine(settings, tmp_path):
    settings.GOVMEDIA_SEAL_KEY_FILE = tmp_path / "absent.pem"
    assert "govmedia.E122" not in _check_output()


def test_it_names_a_site_url_that_is_no_web_address(settings):
    settings.SITE_URL = "xxgk.example.gov.cn"
    assert (
        "(govmedia.E123) GOVMEDIA_SITE_URL='xxgk.example.gov.cn' is not an http:// or https://"
        in (_system_check_errors())
    )


def test_it_names_a_site_host_missing_from_allowed_hosts(settings):
    _public_site(settings, allowed_hosts=["localhost", "127.0.0.1"])
    errors = _system_check_errors()
    assert (
        "(govmedia.E124) GOVMEDIA_SITE_URL's host 'xxgk.example.gov.cn' is not in "
        "GOVMEDIA_ALLOWED_HOSTS (localhost, 127.0.0.1)"
    ) in errors
    assert "Add xxgk.example.gov.cn to GOVMEDIA_ALLOWED_HOSTS" in errors


def test_a_wildcard_allowed_host_covers_the_site_host(settings):
    _public_site(settings, allowed_hosts=[".example.gov.cn"])
    assert "govmedia.E124" not in _check_output()


def test_it_warns_about_debug_on_a_public_site(settings):
    settings.DEBUG = True
    _public_site(settings)
    output = _check_output()
    assert "(govmedia.W125) GOVMEDIA_DEBUG is on while GOVMEDIA_SITE_URL" in output


def test_debug_on_this_machine_is_fine(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://localhost:8000"
    assert "govmedia.W125" not in _check_output()


def test_the_command_names_the_site_host_missing_from_allowed_hosts(tmp_path):
    env = {
        **os.environ,
        "GOVMEDIA_DATA_DIR": str(tmp_path),
        "GOVMEDIA_SITE_URL": "https://xxgk.example.gov.cn",
        "GOVMEDIA_ALLOWED_HOSTS": "localhost",
        "GOVMEDIA_SECRET_KEY": "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyz0123456789",
        "DJANGO_SETTINGS_MODULE": "govmedia.settings",
    }
    result = _system_check_command(env)
    assert result.returncode == 1
    assert "(govmedia.E124) GOVMEDIA_SITE_URL's host 'xxgk.example.gov.cn'" in result.stderr
    assert "Traceback" not in result.stderr
