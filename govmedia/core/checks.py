"""Django system checks that name a misconfiguration before anything runs on it.

`govmedia system-check` runs them, and so does every management command
(`setup`, `run`, `worker`), so a worker never starts on settings that cannot
work. Identifiers, kept stable because operators search for them:

- govmedia.E111: TASKS_BACKEND is not a backend govmedia knows;
- govmedia.E112: TASKS_BACKEND=rq without a usable REDIS_URL;
- govmedia.E113: TASKS_BACKEND=rq and Redis does not answer at REDIS_URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
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
