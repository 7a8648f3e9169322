"""Settings, read from environment variables only.

Every variable is listed with its default in `.env.example`. Defaults run on
SQLite in `GOVMEDIA_DATA_DIR` with nothing else installed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from govmedia.core.env import (
    SQLITE_FILE_NAME,
    cache_from_url,
    data_dir,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    read_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

# Importing the settings writes nothing: `govmedia setup` and `govmedia run`
# create the data directory and the secret key file (core/env.py).
DATA_DIR = data_dir()

DEBUG = env_bool("GOVMEDIA_DEBUG", False)
SECRET_KEY = read_secret_key(DATA_DIR)
# No key yet (before the first `govmedia setup`, in tests): a key for this
# process only, so commands run; govmedia.W121/E121 say sessions will not last.
GOVMEDIA_SECRET_KEY_MISSING = not SECRET_KEY
if GOVMEDIA_SECRET_KEY_MISSING:
    from django.utils.crypto import get_random_string

    SECRET_KEY = get_random_string(64)

ALLOWED_HOSTS = env_list("GOVMEDIA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
SITE_URL = env_str("GOVMEDIA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_SITE_NAME = env_str("GOVMEDIA_SITE_NAME", "示例市人民政府")

INSTALLED_APPS = [
    # The project package itself holds the commands that span every app
    # (setup, run, export_openapi); see docs/architecture.md.
    "govmedia",
    "govmedia.core",
    "govmedia.orgs",
    "govmedia.workdays",
    "govmedia.sources",
    "govmedia.checks",
    "govmedia.publishing",
    "govmedia.portal",
    "govmedia.desk",
    "govmedia.inspection",
    "govmedia.opinion",
    "govmedia.reach",
    "govmedia.devtools",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

# A public form refused by the CSRF check shows what was typed again (core/views.py).
CSRF_FAILURE_VIEW = "govmedia.core.views.csrf_failure"

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it.
    "govmedia.core.uploads.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so a cached page skips the rest; it serves anonymous readers only.
    "govmedia.portal.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "govmedia.core.rescue.KeepFormsOfExpiredSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "govmedia.portal.middleware.CareModeVaryMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govmedia.urls"
WSGI_APPLICATION = "govmedia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govmedia.portal.context_processors.portal",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / SQLITE_FILE_NAME}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db) or _default_db,
        conn_max_age=env_int("GOVMEDIA_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids
    # "database is locked" upgrades of read transactions to write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Admin and portal language, branding, no outside requests (docs/admin.md) ---
# One language: without LANGUAGES, LocaleMiddleware would serve the log-in page
# and the portal in English to a browser that asks for English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Our own translations of what Wagtail's zh-hans catalogue lacks, and of our own
# strings; LOCALE_PATHS wins over the apps' catalogues.
LOCALE_PATHS = [BASE_DIR / "locale"]
# One time zone: the account page then shows no list of 600 zone names.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# No avatar service: Gravatar would receive a hash of every staff address on
# every page and fails on an intranet. Wagtail then shows its built-in avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No call to Wagtail's release feed and no "what's new in Wagtail" banner.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_USER_LOGIN_FORM = "govmedia.core.forms.LoginForm"
# --- end of admin language and branding ---

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# The application serves uploaded images (MEDIA_URL, never documents/) itself, so
# that `govmedia run` shows them with nothing in front; off when a proxy serves
# GOVMEDIA_DATA_DIR/media/images/ instead (docs/deployment.md).
GOVMEDIA_SERVE_MEDIA = env_bool("GOVMEDIA_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Upload limits (docs/security.md) ----------------------------------------
# Attachments: a government attachment is rarely above 50 MB; larger uploads
# get a clear error instead of exhausting the disk.
GOVMEDIA_MAX_UPLOAD_MB = env_int("GOVMEDIA_MAX_UPLOAD_MB", 50)
GOVMEDIA_MAX_IMAGE_MB = env_int("GOVMEDIA_MAX_IMAGE_MB", 20)
# Spreadsheet and word-list imports in the admin (departments, people, channels, word lists).
GOVMEDIA_MAX_IMPORT_MB = env_int("GOVMEDIA_MAX_IMPORT_MB", 10)
# Largest file the public verify page (/seal/verify/) accepts, in MB; a larger
# request is refused from its Content-Length before its body is read.
GOVMEDIA_SEAL_VERIFY_MAX_MB = env_int("GOVMEDIA_SEAL_VERIFY_MAX_MB", 50)
# Form fields other than files (a page's body, its blocks) in one request.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("GOVMEDIA_MAX_FORM_MB", 10) * 1024 * 1024
# An uploaded file larger than this is spooled to a temporary file, not kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("GOVMEDIA_UPLOAD_MEMORY_MB", 5) * 1024 * 1024
WAGTAILDOCS_MAX_UPLOAD_SIZE = GOVMEDIA_MAX_UPLOAD_MB * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = GOVMEDIA_MAX_IMAGE_MB * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ofd",
    "wps",
    "txt",
    "zip",
    "csv",
    "jpg",
    "png",
]
# Attachments are served only through Wagtail's serve view, where the
# `before_serve_document` hook applies the download rule
# (publishing/attachments.py); a storage URL would skip it.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Refuses replacing the file of a published attachment in the documents admin.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "govmedia.publishing.attachments.AttachmentDocumentForm"

SESSION_COOKIE_AGE = env_int("GOVMEDIA_SESSION_HOURS", 8) * 3600
# A session lasts GOVMEDIA_SESSION_HOURS after the last request, not after log-in.
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_URL = "wagtailadmin_login"

# --- HTTPS and the reverse proxy (docs/deployment.md, docs/security.md) -------
# Defaults are safe on a laptop and behind a proxy alike: cookies are marked
# secure when the site is served over HTTPS; the redirect and HSTS are opt-in
# because the first loops behind a proxy that is not declared and the second
# binds browsers to HTTPS for as long as it says.
_SITE_IS_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("GOVMEDIA_SECURE_COOKIES", _SITE_IS_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The site's own origin is always trusted for form posts; other origins are listed.
# (A SITE_URL that is no http(s) address is reported by govmedia.E123 instead.)
_site = urlsplit(SITE_URL)
_SITE_ORIGIN = [f"{_site.scheme}://{_site.netloc}"] if _site.scheme in ("http", "https") else []
CSRF_TRUSTED_ORIGINS = list(
    dict.fromkeys([*_SITE_ORIGIN, *env_list("GOVMEDIA_CSRF_TRUSTED_ORIGINS")])
)
SECURE_SSL_REDIRECT = env_bool("GOVMEDIA_SSL_REDIRECT", False)
# The health check is probed over plain HTTP by load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("GOVMEDIA_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GOVMEDIA_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("GOVMEDIA_HSTS_PRELOAD", False)
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto for
# "is this HTTPS" and its X-Forwarded-For for the client address (log-in
# throttling). Off by default, because a client reaching the application
# directly could otherwise forge both.
GOVMEDIA_BEHIND_PROXY = env_bool("GOVMEDIA_BEHIND_PROXY", False)
if GOVMEDIA_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Log-in throttling: django-axes (docs/security.md) ------------------------
# Failures are counted per account and, separately, per client address: an
# account is locked after GOVMEDIA_LOGIN_FAILURE_LIMIT failures from anywhere
# (guessing one person's password from many machines), an address after as many
# failures on any accounts (trying one password on many accounts). A successful
# log-in clears the counts of its account and address, so colleagues behind
# one office NAT are not locked out by one person's typos.
AUTHENTICATION_BACKENDS = [
    "govmedia.core.logins.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("GOVMEDIA_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = env_int("GOVMEDIA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GOVMEDIA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The cool-off counts from the lock-out: trying again while locked does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "govmedia.core.logins.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address, from X-Forwarded-For only behind our proxy (core/logins.py).
AXES_CLIENT_IP_CALLABLE = "govmedia.core.logins.client_address"
# Our own English log lines and audit entries say what happened (core/logins.py).
AXES_VERBOSE = False

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "govmedia.publishing.workflow_finish.publish_approved"
WAGTAILADMIN_COMMENTS_ENABLED = True

# Background tasks: `database` (django-tasks-db, the default), `rq` (Redis, for
# several worker machines; needs REDIS_URL), `immediate` (inline, tests only).
# A dotted path to a backend class is accepted for experiments (bench/).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
REDIS_URL = env_str("REDIS_URL", "")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "rq": "django_tasks_rq.RQBackend",
}
# An unknown name gets a backend that refuses work, so `govmedia system-check`
# reports it as govmedia.E111 instead of django-tasks failing with a traceback.
_tasks_backend_path = _TASK_BACKENDS.get(
    TASKS_BACKEND,
    TASKS_BACKEND if "." in TASKS_BACKEND else "govmedia.core.checks.UnknownTasksBackend",
)
TASKS = {"default": {"BACKEND": _tasks_backend_path, "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    # django_rq provides the `rqworker` command that `govmedia worker` runs and
    # the queue connections django-tasks-rq enqueues through.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
RQ_QUEUES = {
    # Without REDIS_URL the placeholder host fails by its name (system-check says E102).
    # RQ stops a job after DEFAULT_TIMEOUT seconds; its own 180 s could cut off the
    # link check of an item with many slow links, so allow 30 minutes.
    "default": {
        "URL": REDIS_URL or "redis://redis-url-not-set.invalid:6379/0",
        "DEFAULT_TIMEOUT": 1800,
    },
}

# --- Page cache (portal/cache.py, docs/deployment.md "Caching") --------------
# Rendered public pages for anonymous readers, purged on every publication,
# correction and withdrawal. Empty: files under <data dir>/cache/pages (shared
# by the web processes and the worker of one machine), or Redis at REDIS_URL
# when that is set (several machines). Also file:///path, redis://..., locmem://.
GOVMEDIA_CACHE_URL = env_str("GOVMEDIA_CACHE_URL", "") or REDIS_URL
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        **cache_from_url(GOVMEDIA_CACHE_URL, DATA_DIR / "cache" / "pages"),
        "KEY_PREFIX": "govmedia-pages",
    },
    # Counters of the public side's limits (wrong query codes): shared by every
    # process of the machine (files) or of the installation (Redis).
    "limits": {
        **cache_from_url(GOVMEDIA_CACHE_URL, DATA_DIR / "cache" / "limits"),
        "KEY_PREFIX": "govmedia-limits",
    },
}
# Longest a page stays in the page cache (seconds); 0 turns the cache off.
GOVMEDIA_PAGE_CACHE_SECONDS = env_int("GOVMEDIA_PAGE_CACHE_SECONDS", 300)
# Cache-Control max-age of public pages: how long a browser or a proxy may keep them.
GOVMEDIA_CACHE_MAX_AGE = env_int("GOVMEDIA_CACHE_MAX_AGE", 60)
# --- end of page cache ---

# Fernet keys (comma-separated, the first encrypts) for channel credentials at
# rest; empty: derived from SECRET_KEY (docs/channels.md, "Credentials").
GOVMEDIA_CREDENTIALS_KEY = env_str("GOVMEDIA_CREDENTIALS_KEY", "")

# The government's electronic seal (Ed25519). Made by the first `govmedia setup`
# or by `govmedia archive rotate-key`, never by anything else; machines that
# only verify and serve need no key file (the public keyring is in the database).
GOVMEDIA_SEAL_KEY_FILE = Path(env_str("GOVMEDIA_SEAL_KEY_FILE", str(DATA_DIR / "seal_ed25519.pem")))
# 索引号 serial width: `<organisation code>/<year>-<serial>`, serial zero-padded.
GOVMEDIA_INDEX_SERIAL_WIDTH = env_int("GOVMEDIA_INDEX_SERIAL_WIDTH", 5)
# How often the worker's scheduler runs periodic jobs (seconds).
GOVMEDIA_SCHEDULER_INTERVAL = env_int("GOVMEDIA_SCHEDULER_INTERVAL", 30)
# Per-job interval overrides in seconds, e.g. "reconcile_archive=3600,publish_scheduled=10".
GOVMEDIA_JOB_INTERVALS = {
    name.strip(): int(seconds)
    for name, _, seconds in (part.partition("=") for part in env_list("GOVMEDIA_JOB_INTERVALS"))
}
# Channel publishing: attempts before a delivery is marked failed for a person to retry.
GOVMEDIA_PUBLISH_MAX_ATTEMPTS = env_int("GOVMEDIA_PUBLISH_MAX_ATTEMPTS", 5)
# The cover of a WeChat article whose item has no image (a JPEG file; empty: a plain one).
GOVMEDIA_WECHAT_DEFAULT_COVER = env_str("GOVMEDIA_WECHAT_DEFAULT_COVER", "")
# Workers write a heartbeat this often (seconds); work claimed by a worker whose
# heartbeat is older than the lease is taken over by another.
GOVMEDIA_WORKER_HEARTBEAT = env_int("GOVMEDIA_WORKER_HEARTBEAT", 5)
GOVMEDIA_WORKER_LEASE = env_int("GOVMEDIA_WORKER_LEASE", 30)
# Work claimed by a process that keeps no heartbeat (a web process running a
# task inline) is taken over after this many seconds.
GOVMEDIA_UNTRACKED_LEASE = env_int("GOVMEDIA_UNTRACKED_LEASE", 300)
# Weibo's statuses/share: at most 140 汉字 a post (open.weibo.com/wiki/2/statuses/share;
# docs/channel-weibo.md), and how many timeline pages of 100 a resumed send searches.
GOVMEDIA_WEIBO_TEXT_LIMIT = env_int("GOVMEDIA_WEIBO_TEXT_LIMIT", 140)
GOVMEDIA_WEIBO_LOOKUP_PAGES = env_int("GOVMEDIA_WEIBO_LOOKUP_PAGES", 5)
# Weibo counts its rate limits per hour (接口访问频次权限, open.weibo.com/wiki/Rate-limiting):
# a delivery refused for the rate (10022/10023/10024) waits for the next window
# of this many seconds, or for Retry-After when Weibo sends one. docs/channel-weibo.md.
GOVMEDIA_WEIBO_RATE_WINDOW = env_int("GOVMEDIA_WEIBO_RATE_WINDOW", 3600)
# Extra channel publishers (dotted paths of Publisher classes), for plug-in
# channels and the fault-injection test.
GOVMEDIA_EXTRA_PUBLISHERS = env_list("GOVMEDIA_EXTRA_PUBLISHERS")
# Scheduled backups by the worker (docs/backup.md): off with 0 hours, because
# the archive holds the seal's private key and its place must be chosen on purpose.
GOVMEDIA_BACKUP_INTERVAL_HOURS = env_int("GOVMEDIA_BACKUP_INTERVAL_HOURS", 0)
GOVMEDIA_BACKUP_DIR = Path(env_str("GOVMEDIA_BACKUP_DIR") or str(DATA_DIR / "backups"))
GOVMEDIA_BACKUP_KEEP = env_int("GOVMEDIA_BACKUP_KEEP", 7)

# --- Content checks (docs/checks.md) -----------------------------------------
# Hosts a link in an item must not point to, e.g. "old-portal.example.gov.cn,test.local".
GOVMEDIA_CHECKS_FORBIDDEN_HOSTS = env_list("GOVMEDIA_CHECKS_FORBIDDEN_HOSTS")
# Seconds to wait for a linked page when checking for dead links.
GOVMEDIA_CHECKS_LINK_TIMEOUT = env_float("GOVMEDIA_CHECKS_LINK_TIMEOUT", 5.0)
# Where parsed word lists are cached; default <data dir>/cache/checks.
GOVMEDIA_CHECKS_CACHE_DIR = env_str("GOVMEDIA_CHECKS_CACHE_DIR", "")
# The guard for imported word lists: an entry at least this frequent in real prose
# (per million characters of the laws corpus, or in jieba's dictionary) is a common
# word, imported demoted and disabled for review (docs/checks.md, "导入词库的常用词保护").
GOVMEDIA_CHECKS_IMPORT_COMMON_PER_MILLION = env_float(
    "GOVMEDIA_CHECKS_IMPORT_COMMON_PER_MILLION", 0.5
)
GOVMEDIA_CHECKS_IMPORT_COMMON_JIEBA = env_int("GOVMEDIA_CHECKS_IMPORT_COMMON_JIEBA", 50)
# The statistical typo finder (a 5 MB model shipped in the package) in the checks of
# items: its suspicions are 提示 (info), never blocking. Off: only the word lists.
GOVMEDIA_CHECKS_TYPO_MODEL = env_bool("GOVMEDIA_CHECKS_TYPO_MODEL", True)

# --- Sources: reading channels (docs/source-readers.md) ------------------------------
# Seconds a read waits for one page, and a probe for the home page (《政府网站与政务新媒体检查指标》: 15 s).
GOVMEDIA_SOURCES_TIMEOUT = env_float("GOVMEDIA_SOURCES_TIMEOUT", 15.0)
GOVMEDIA_SOURCES_PROBE_TIMEOUT = env_float("GOVMEDIA_SOURCES_PROBE_TIMEOUT", 15.0)
# The largest page or feed read (bytes); larger ones are refused without being read.
GOVMEDIA_SOURCES_MAX_BYTES = env_int("GOVMEDIA_SOURCES_MAX_BYTES", 10 * 1024 * 1024)
# Seconds between two requests to one host, per worker process.
GOVMEDIA_SOURCES_HOST_INTERVAL = env_float("GOVMEDIA_SOURCES_HOST_INTERVAL", 1.0)
# Retries after a connection error, 5xx or 429, the first after BACKOFF seconds, doubling.
GOVMEDIA_SOURCES_RETRIES = env_int("GOVMEDIA_SOURCES_RETRIES", 2)
GOVMEDIA_SOURCES_BACKOFF = env_float("GOVMEDIA_SOURCES_BACKOFF", 1.0)
GOVMEDIA_SOURCES_USER_AGENT = env_str(
    "GOVMEDIA_SOURCES_USER_AGENT",
    "govmedia/0.1 (government channel inspection; +https://github.com/govmedia)",
)
# A read still marked running after this many seconds was left by a dead worker.
GOVMEDIA_SOURCES_RUN_LEASE = env_int("GOVMEDIA_SOURCES_RUN_LEASE", 1800)

# --- Citizen desk (desk/policy.py, docs/desk.md) -----------------------------
# Working days to answer, per kind: "consult=3,error=3,help=5,complaint=10,
# suggestion=15,disclosure=20" (any subset; the rest keep their defaults).
GOVMEDIA_DESK_DEADLINES = {
    kind.strip(): int(days)
    for kind, _, days in (
        part.partition("=") for part in env_list("GOVMEDIA_DESK_DEADLINES") if "=" in part
    )
}

# Mail (workflow notifications to reviewers and approvers). Without an SMTP
# host, mails are written as files to <data dir>/mail so none is lost.
# --- the citizen desk's public side (docs/desk-public.md) ---
# Attachments to a message: each at most this many MB, at most this many files, these types.
GOVMEDIA_DESK_MAX_FILE_MB = env_int("GOVMEDIA_DESK_MAX_FILE_MB", 10)
GOVMEDIA_DESK_MAX_FILES = env_int("GOVMEDIA_DESK_MAX_FILES", 3)
GOVMEDIA_DESK_FILE_TYPES = env_list("GOVMEDIA_DESK_FILE_TYPES", "pdf,jpg,jpeg,png,docx,xlsx,ofd")
# Submissions: at most N per address in a window, at most M per phone or e-mail in another.
GOVMEDIA_DESK_IP_MAX = env_int("GOVMEDIA_DESK_IP_MAX", 5)
GOVMEDIA_DESK_IP_WINDOW_SECONDS = env_int("GOVMEDIA_DESK_IP_WINDOW_SECONDS", 600)
GOVMEDIA_DESK_CONTACT_MAX = env_int("GOVMEDIA_DESK_CONTACT_MAX", 20)
GOVMEDIA_DESK_CONTACT_WINDOW_SECONDS = env_int("GOVMEDIA_DESK_CONTACT_WINDOW_SECONDS", 86400)
# Follow-up look-ups with a wrong query code: at most N per address in a window.
GOVMEDIA_DESK_LOOKUP_MAX_FAILURES = env_int("GOVMEDIA_DESK_LOOKUP_MAX_FAILURES", 10)
GOVMEDIA_DESK_LOOKUP_WINDOW_SECONDS = env_int("GOVMEDIA_DESK_LOOKUP_WINDOW_SECONDS", 900)
# The cache alias counting failed look-ups: "limits" is shared by every web
# process (files in the data directory, or Redis with GOVMEDIA_CACHE_URL).
GOVMEDIA_DESK_RATELIMIT_CACHE = env_str("GOVMEDIA_DESK_RATELIMIT_CACHE", "limits")
# Notifying the submitter: the SMS gateway (docs/desk-public.md "SMS gateway"), retries.
GOVMEDIA_SMS_URL = env_str("GOVMEDIA_SMS_URL", "")
GOVMEDIA_SMS_APP_KEY = env_str("GOVMEDIA_SMS_APP_KEY", "")
GOVMEDIA_SMS_APP_SECRET = env_str("GOVMEDIA_SMS_APP_SECRET", "")
GOVMEDIA_SMS_TEMPLATE = env_str("GOVMEDIA_SMS_TEMPLATE", "desk_notice")
GOVMEDIA_SMS_TIMEOUT_SECONDS = env_float("GOVMEDIA_SMS_TIMEOUT_SECONDS", 10.0)
GOVMEDIA_NOTIFY_MAX_ATTEMPTS = env_int("GOVMEDIA_NOTIFY_MAX_ATTEMPTS", 6)
# Opinion monitoring (docs/opinion.md). The response marks in hours after the first post:
# 4 (the practitioners' "golden 4 hours"), 5 and 24 (国办发〔2016〕80号), 48 (国办发〔2016〕61号).
GOVMEDIA_OPINION_MARKS_HOURS = [
    float(h) for h in env_list("GOVMEDIA_OPINION_MARKS_HOURS", "4,5,24,48")
]
# The supervisor is warned this many minutes before each mark.
GOVMEDIA_OPINION_ESCALATE_MINUTES = env_int("GOVMEDIA_OPINION_ESCALATE_MINUTES", 60)
# The vendors' push: at most this many posts and megabytes in one request (413 beyond).
GOVMEDIA_OPINION_PUSH_MAX_POSTS = env_int("GOVMEDIA_OPINION_PUSH_MAX_POSTS", 200_000)
GOVMEDIA_OPINION_PUSH_MAX_MB = env_int("GOVMEDIA_OPINION_PUSH_MAX_MB", 64)
# Posts the worker runs through the pipeline per chunk (one transaction each).
GOVMEDIA_OPINION_CHUNK = env_int("GOVMEDIA_OPINION_CHUNK", 2000)
# Alerts to a WeCom/DingTalk style webhook, signed with HMAC-SHA256 when a secret is set.
GOVMEDIA_OPINION_WEBHOOK_URL = env_str("GOVMEDIA_OPINION_WEBHOOK_URL", "")
GOVMEDIA_OPINION_WEBHOOK_SECRET = env_str("GOVMEDIA_OPINION_WEBHOOK_SECRET", "")
# A sentiment model plugged in from a local directory (docs/opinion.md "Sentiment plug-ins");
# empty: the built-in lexicon and linear model. Never downloaded.
GOVMEDIA_OPINION_SENTIMENT_MODEL_DIR = env_str("GOVMEDIA_OPINION_SENTIMENT_MODEL_DIR", "")

EMAIL_HOST = env_str("GOVMEDIA_EMAIL_HOST", "")
EMAIL_PORT = env_int("GOVMEDIA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("GOVMEDIA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("GOVMEDIA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("GOVMEDIA_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("GOVMEDIA_EMAIL_FROM", "govmedia@localhost")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

_LOG_LEVEL = env_str("GOVMEDIA_LOG_LEVEL", "INFO")
# Task and worker logs: WARNING unless GOVMEDIA_TASK_LOG_LEVEL says otherwise;
# they follow GOVMEDIA_LOG_LEVEL only when it asks for more detail (DEBUG) or less (ERROR).
_TASK_LOG_LEVEL = env_str("GOVMEDIA_TASK_LOG_LEVEL") or (
    _LOG_LEVEL if _LOG_LEVEL.upper() in {"DEBUG", "ERROR", "CRITICAL"} else "WARNING"
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "jieba": {"level": "WARNING"},
        # One line per task run (thousands a minute) would bury `govmedia run`'s
        # address and log-ins; the task results are in the database.
        "django_tasks": {"level": _TASK_LOG_LEVEL},
        "django_tasks_db": {"level": _TASK_LOG_LEVEL},
        "govmedia.core.scheduler": {"level": _TASK_LOG_LEVEL},
        # httpx logs every request of the source readers at INFO (hundreds an hour);
        # sources/service.py logs one line per read and every failure.
        "httpx": {"level": "WARNING"},
        # Wagtail logs every page save at INFO; the audit trail is in the database.
        "wagtail": {"level": env_str("GOVMEDIA_WAGTAIL_LOG_LEVEL", "WARNING")},
        # "Task queue depth" warnings only mean all threads were busy for a moment.
        "waitress.queue": {"level": "ERROR"},
        # django-axes logs each failure with the name masked; core/logins.py logs them plainly.
        "axes": {"level": "ERROR"},
    },
}
