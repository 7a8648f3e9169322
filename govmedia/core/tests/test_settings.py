"""Settings come from the environment only, every one is listed in .env.example, and reading them writes nothing."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "govmedia"
ENV_READERS = {"env_str", "env_bool", "env_int", "env_float", "env_list"}


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _names_read(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Call) and node.args:
            first = node.args[0]
            func = node.func
            if isinstance(func, ast.Name) and func.id in ENV_READERS:
                name = first
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and _is_os_environ(func.value)
            ):
                name = first
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            if isinstance(node.ctx, ast.Load):
                name = node.slice
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            names.add(name.value)
    return names


def _read_by_the_code() -> set[str]:
    """Every variable the installed code reads: through core/env.py's readers, or os.environ."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or path.name == "conftest.py":
            continue
        names |= _names_read(ast.parse(path.read_text(encoding="utf-8")))
    # Set by the process, not by an operator.
    return names - {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "XDG_CACHE_HOME"}


def test_every_variable_the_code_reads_is_in_env_example():
    missing = _read_by_the_code() - _documented()
    assert not missing, f"read but not listed in .env.example: {sorted(missing)}"


def test_every_variable_in_env_example_is_read():
    unread = _documented() - _read_by_the_code()
    assert not unread, f"listed in .env.example but read nowhere: {sorted(unread)}"


def test_the_reader_finds_the_checks_settings_that_were_not_read_before():
    # Guards the parser itself: these are read in settings.py now.
    assert {
        "GOVMEDIA_CHECKS_FORBIDDEN_HOSTS",
        "GOVMEDIA_CHECKS_LINK_TIMEOUT",
        "GOVMEDIA_CHECKS_CACHE_DIR",
        "GOVMEDIA_MAX_IMAGE_MB",
        "GOVMEDIA_HSTS_SECONDS",
    } <= _read_by_the_code()


def _settings_in_subprocess(env: dict[str, str], names: list[str]) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "govmedia.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_settings_creates_nothing(tmp_path):
    data_dir = tmp_path / "not-yet"
    values = _settings_in_subprocess(
        {"GOVMEDIA_DATA_DIR": str(data_dir), "GOVMEDIA_SECRET_KEY": ""},
        ["DATA_DIR", "SECRET_KEY", "GOVMEDIA_SECRET_KEY_MISSING"],
    )
    assert values["DATA_DIR"] == str(data_dir)
    assert values["GOVMEDIA_SECRET_KEY_MISSING"] is True and len(values["SECRET_KEY"]) == 64
    assert not data_dir.exists()
    assert list(tmp_path.iterdir()) == []


def test_system_check_creates_nothing_and_says_the_key_is_missing(tmp_path):
    data_dir = tmp_path / "not-yet"
    result = subprocess.run(
        [sys.executable, "-m", "govmedia.cli", "system-check", "--deploy"],
        cwd=ROOT,
        env={**os.environ, "GOVMEDIA_DATA_DIR": str(data_dir), "GOVMEDIA_SECRET_KEY": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "(govmedia.W121) No secret key" in result.stderr + result.stdout
    assert not data_dir.exists()


def test_setup_creates_the_data_directory_and_a_lasting_secret_key(tmp_path):
    data_dir = tmp_path / "fresh"
    env = {**os.environ, "GOVMEDIA_DATA_DIR": str(data_dir), "GOVMEDIA_SECRET_KEY": ""}
    env.pop("DATABASE_URL", None)
    setup = subprocess.run(
        [sys.executable, "-m", "govmedia.cli", "setup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert setup.returncode == 0, setup.stderr
    key_file = data_dir / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (data_dir / "static").is_dir()
    key = key_file.read_text()
    assert len(key) == 64
    values = _settings_in_subprocess(
        {"GOVMEDIA_DATA_DIR": str(data_dir), "GOVMEDIA_SECRET_KEY": ""},
        ["SECRET_KEY", "GOVMEDIA_SECRET_KEY_MISSING"],
    )
    assert values == {"SECRET_KEY": key, "GOVMEDIA_SECRET_KEY_MISSING": False}


def test_limits_checks_and_https_settings_come_from_the_environment(tmp_path):
    values = _settings_in_subprocess(
        {
            "GOVMEDIA_DATA_DIR": str(tmp_path),
            "GOVMEDIA_CHECKS_FORBIDDEN_HOSTS": "old.example.gov.cn, test.local",
            "GOVMEDIA_CHECKS_LINK_TIMEOUT": "2.5",
            "GOVMEDIA_CHECKS_CACHE_DIR": str(tmp_path / "cache"),
            "GOVMEDIA_MAX_IMAGE_MB": "3",
            "GOVMEDIA_MAX_FORM_MB": "2",
            "GOVMEDIA_UPLOAD_MEMORY_MB": "1",
            "GOVMEDIA_SITE_URL": "https://xxgk.example.gov.cn/",
            # An empty line copied from .env.example keeps the default.
            "GOVMEDIA_SECURE_COOKIES": "",
            "GOVMEDIA_CSRF_TRUSTED_ORIGINS": "https://zwfw.example.gov.cn",
            "GOVMEDIA_BEHIND_PROXY": "true",
            "GOVMEDIA_SSL_REDIRECT": "1",
            "GOVMEDIA_HSTS_SECONDS": "600",
            "GOVMEDIA_LOGIN_FAILURE_LIMIT": "3",
            "GOVMEDIA_LOGIN_COOLOFF_MINUTES": "30",
        },
        [
            "GOVMEDIA_CHECKS_FORBIDDEN_HOSTS",
            "GOVMEDIA_CHECKS_LINK_TIMEOUT",
            "GOVMEDIA_CHECKS_CACHE_DIR",
            "WAGTAILIMAGES_MAX_UPLOAD_SIZE",
            "DATA_UPLOAD_MAX_MEMORY_SIZE",
            "FILE_UPLOAD_MAX_MEMORY_SIZE",
            "CSRF_TRUSTED_ORIGINS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "AXES_FAILURE_LIMIT",
            "AXES_COOLOFF_TIME",
        ],
    )
    assert values == {
        "GOVMEDIA_CHECKS_FORBIDDEN_HOSTS": ["old.example.gov.cn", "test.local"],
        "GOVMEDIA_CHECKS_LINK_TIMEOUT": 2.5,
        "GOVMEDIA_CHECKS_CACHE_DIR": str(tmp_path / "cache"),
        "WAGTAILIMAGES_MAX_UPLOAD_SIZE": 3 * 1024 * 1024,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 1 * 1024 * 1024,
        "CSRF_TRUSTED_ORIGINS": ["https://xxgk.example.gov.cn", "https://zwfw.example.gov.cn"],
        # Secure cookies follow an https site URL unless GOVMEDIA_SECURE_COOKIES says otherwise.
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 600,
        "AXES_FAILURE_LIMIT": 3,
        "AXES_COOLOFF_TIME": "0:30:00",
    }


def test_the_defaults_trust_no_proxy_and_bind_no_browser_to_https(tmp_path):
    values = _settings_in_subprocess(
        {"GOVMEDIA_DATA_DIR": str(tmp_path)},
        [
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SESSION_COOKIE_SECURE",
        ],
    )
    assert values == {
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
    }


@pytest.mark.slow
def test_migrate_on_a_new_data_directory_creates_it_and_the_database(tmp_path):
    data_dir = tmp_path / "fresh"
    env = {**os.environ, "GOVMEDIA_DATA_DIR": str(data_dir), "GOVMEDIA_SECRET_KEY": ""}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "govmedia.cli", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (data_dir / "govmedia.sqlite3").is_file()
    assert (data_dir / "secret_key").is_file()
