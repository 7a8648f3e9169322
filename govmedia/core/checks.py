"""Django system checks that name a misconfiguration before anything runs on it.

`govmedia system-check` runs them, and so does every management command
(`setup`, `run`, `worker`), so a worker never starts on settings that cannot
work. Identifiers, kept stable because operators search for them:

- govmedia.E111: TASKS_BACKEND is not a backend govmedia knows;
- govmedia.E112: TASKS_BACKEND=rq without a usable REDIS_URL;
- govmedia.E113: TASKS_BACKEND=rq and Redis does not answer at REDIS_URL;
- govmedia.E121: no secret key on a public site (W121, with --deploy, on a loopback one);
- govmedia.E122: the seal key file exists but cannot be read or is not a key
  (publishing/keyring.py, beside the code that loads it);
- govmedia.E123: GOVMEDIA_SITE_URL is not an http(s) address;
- govmedia.E124: GOVMEDIA_SITE_URL's host is not in GOVMEDIA_ALLOWED_HOSTS;
- govmedia.W125: GOVMEDIA_DEBUG is on while the site URL is public.

docs/security.md lists them with what to do.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host
from django_tasks.backends.base import BaseTaskBackend

KNOWN_TASKS_BACKENDS = ("database", "rq", "immediate")
# A check runs before every command; a Redis that is down must not hang them.
REDIS_TIMEOUT_SECONDS = 2.0


def _unknown_backend_message(name: str) -> str:
    return f"TASKS_BACKEND={name!r} is not a tasks backend govmedia knows."


@checks.register()
def check_tasks_backend(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    name = settings.TASKS_BACKEND
    # A dotted path is a backend class chosen on purpose (bench/ uses the dummy backend);
    # django-tasks itself reports one that does not import.
    if name in KNOWN_TASKS_BACKENDS or "." in name:
        return []
    return [
        checks.Error(
            _unknown_backend_message(name),
            hint="Set TASKS_BACKEND to 'database' (the default: the queue in the database) "
            "or 'rq' (the queue in Redis at REDIS_URL).",
            id="govmedia.E111",
        )
    ]


def redacted(url: str) -> str:
    """The URL without its password, fit for a log line or a check message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


@checks.register()
def check_redis(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if settings.TASKS_BACKEND != "rq":
        return []
    import redis

    url = settings.REDIS_URL
    if not url:
        return [
            checks.Error(
                "TASKS_BACKEND=rq needs REDIS_URL, which is empty.",
                hint="Set REDIS_URL, e.g. redis://127.0.0.1:6379/0, or TASKS_BACKEND=database.",
                id="govmedia.E112",
            )
        ]
    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
    except ValueError as exc:
        return [
            checks.Error(
                f"REDIS_URL={redacted(url)!r} is not a Redis URL: {exc}",
                hint="Use redis://[[user]:password@]host:port/db or rediss:// for TLS.",
                id="govmedia.E112",
            )
        ]
    try:
        client.ping()
    except redis.RedisError as exc:
        return [
            checks.Error(
                f"Redis at REDIS_URL={redacted(url)!r} does not answer: {exc}",
                hint="Start Redis or correct REDIS_URL: with TASKS_BACKEND=rq no task can be "
                "queued or run (channel deliveries, scheduled publishing) until it answers.",
                id="govmedia.E113",
            )
        ]
    finally:
        client.close()
    return []


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address only ever reaches this machine."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _site_host() -> str | None:
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname


def _missing_secret_key(
    level: type[checks.CheckMessage], check_id: str
) -> list[checks.CheckMessage]:
    if not settings.GOVMEDIA_SECRET_KEY_MISSING:
        return []
    return [
        level(
            "No secret key: GOVMEDIA_SECRET_KEY is empty and there is no "
            f"{settings.DATA_DIR / 'secret_key'}; this process uses a temporary one, so "
            "log-ins end whenever it restarts and differ between processes.",
            hint="Run `govmedia setup` (it generates the key file), or set GOVMEDIA_SECRET_KEY "
            "to one long random value shared by every web process.",
            id=check_id,
        )
    ]


@checks.register()
def check_secret_key(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """An error on a public site; on this machine (tests, CI, before setup) see W121."""
    host = _site_host()
    if host is None or is_loopback_host(host):
        return []
    return _missing_secret_key(checks.Error, "govmedia.E121")


@checks.register(deploy=True)
def check_secret_key_for_deployment(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    # Only with --deploy: every test run and CI command would repeat it otherwise.
    host = _site_host()
    if host is not None and not is_loopback_host(host):
        return []  # E121 said it already
    return _missing_secret_key(checks.Warning, "govmedia.W121")


@checks.register()
def check_site_url(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    url = settings.SITE_URL
    host = _site_host()
    if host is None:
        return [
            checks.Error(
                f"GOVMEDIA_SITE_URL={url!r} is not an http:// or https:// address.",
                hint="Set it to the portal's public address, e.g. https://xxgk.example.gov.cn; "
                "feeds, the sitemap and sealed archive records carry it.",
                id="govmedia.E123",
            )
        ]
    problems: list[checks.CheckMessage] = []
    if not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(
            checks.Error(
                f"GOVMEDIA_SITE_URL's host {host!r} is not in GOVMEDIA_ALLOWED_HOSTS "
                f"({', '.join(settings.ALLOWED_HOSTS) or 'empty'}): every request to the "
                "site would be refused with 400 Bad Request.",
                hint=f"Add {host} to GOVMEDIA_ALLOWED_HOSTS (comma-separated).",
                id="govmedia.E124",
            )
        )
    if settings.DEBUG and not is_loopback_host(host):
        problems.append(
            checks.Warning(
                f"GOVMEDIA_DEBUG is on while GOVMEDIA_SITE_URL ({url}) is a public address: "
                "error pages would show settings and source code to anyone.",
                hint="Set GOVMEDIA_DEBUG=0 on any installation others can reach.",
                id="govmedia.W125",
            )
        )
    return problems


class UnknownTasksBackend(BaseTaskBackend):
    """Stands in for an unknown TASKS_BACKEND (see settings.py).

    django-tasks would fail to import the name with a traceback during the
    system checks, hiding govmedia.E111; this backend lets the checks run and
    refuses every task with the same message.
    """

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        raise ImproperlyConfigured(
            f"{_unknown_backend_message(settings.TASKS_BACKEND)} (govmedia.E111)"
        )
