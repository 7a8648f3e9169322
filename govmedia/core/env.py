"""Tiny typed readers for settings taken from environment variables."""

from __future__ import annotations

import os
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}


def _improperly_configured(message: str) -> Exception:
    # Django is imported only to report a bad value: `govmedia check` reads the
    # data directory from here before deciding whether to start Django at all.
    from django.core.exceptions import ImproperlyConfigured

    return ImproperlyConfigured(message)


_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    # Empty means "the default", as for the other readers: a copied .env.example
    # line `NAME=` must not turn a default that depends on other settings off.
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _improperly_configured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise _improperly_configured(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise _improperly_configured(f"{name} must be a number, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


# --- the data directory ------------------------------------------------------
# Importing the settings only reads; `govmedia setup` and `govmedia run` make the
# data directory and the generated secret key before Django starts (see cli.py),
# so a fresh clone works while `system-check` or a test never writes.

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY_FILE_NAME = "secret_key"
# The SQLite database of an installation without DATABASE_URL, in the data directory.
SQLITE_FILE_NAME = "govmedia.sqlite3"
SECRET_KEY_LENGTH = 64


def data_dir() -> Path:
    """GOVMEDIA_DATA_DIR, or ./var beside the code; nothing is created."""
    return Path(env_str("GOVMEDIA_DATA_DIR", str(PROJECT_DIR / "var"))).expanduser().resolve()


def read_secret_key(directory: Path) -> str:
    """GOVMEDIA_SECRET_KEY, else the key `govmedia setup` generated into the data directory, else ""."""
    key = env_str("GOVMEDIA_SECRET_KEY", "")
    if key:
        return key
    try:
        return (directory / SECRET_KEY_FILE_NAME).read_text().strip()
    except OSError:
        return ""


def prepare_data_dir(directory: Path) -> list[str]:
    """Make the data directory, its static folder and (without GOVMEDIA_SECRET_KEY) a secret key.

    Returns what was created, for the caller to report. Safe to run again:
    an existing key is never replaced, because that would end every session.
    """
    import secrets
    import string

    created = []
    if not directory.is_dir():
        directory.mkdir(parents=True)
        created.append(str(directory))
    (directory / "static").mkdir(exist_ok=True)
    key_file = directory / SECRET_KEY_FILE_NAME
    if not env_str("GOVMEDIA_SECRET_KEY", "") and not key_file.exists():
        alphabet = string.ascii_letters + string.digits
        key = "".join(secrets.choice(alphabet) for _ in range(SECRET_KEY_LENGTH))
        # Created unreadable to others from the start, not chmod-ed after writing.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        created.append(str(key_file))
    return created


# --- the page cache ------------------------------------------------------------


def cache_from_url(url: str, directory: Path) -> dict[str, object]:
    """A Django CACHES entry from GOVMEDIA_CACHE_URL's forms (docs/deployment.md, "Caching").

    "" or file:// → files under `directory` (shared by every process on the
    machine, so a publication in the worker purges what the web process
    serves); file:///path → files there; redis:// or rediss:// → Django's
    RedisCache (shared by several machines); locmem:// → this process only.
    """
    url = url.strip()
    if url in ("", "file://"):
        return {
            "BACKEND": "govmedia.core.filecache.LazyFileBasedCache",
            "LOCATION": str(directory),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if url.startswith("file://"):
        return {
            "BACKEND": "govmedia.core.filecache.LazyFileBasedCache",
            "LOCATION": url.removeprefix("file://"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "govmedia-pages",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    raise _improperly_configured(
        f"GOVMEDIA_CACHE_URL must be empty, file://, file:///path, locmem:// or redis://…, got {url!r}"
    )
