"""Crease settings: one base, production differences switched by environment variables.

Local defaults (no variables set) run with DEBUG, SQLite and the in-process channel layer.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; accepts 1/0, true/false, yes/no, on/off."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1 or 0)")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list variable."""
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number") from exc


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-crease-local-development-only-never-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # daphne first: its runserver replaces Django's, so `manage.py runserver` serves WebSockets.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "realtime",
    "practice",
    "scores",
    "chat",
]

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "config.middleware.ServiceUnavailableMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# SQLite is the embedded default; production uses PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        # A persistent connection the database dropped (a restart, a failover, an idle timeout)
        # is checked before a request or WebSocket handler uses it, instead of failing it.
        conn_health_checks=True,
    )
}
# PostgreSQL: a connection pool per process (psycopg_pool through Django's OPTIONS["pool"]).
# Under ASGI every request runs in a thread of its own, and each thread kept its own persistent
# connection: 80 concurrent requests held 80 connections and ran the server out of them. The
# pool bounds a process to DB_POOL_MAX_SIZE connections; a request waits up to DB_POOL_TIMEOUT
# seconds for one, then is answered 503 with Retry-After (config.middleware). DB_POOL_MAX_SIZE=0
# turns the pool off (then DB_CONN_MAX_AGE keeps connections, per thread, as before).
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not the thread
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": min(env_int("DB_POOL_MIN_SIZE", 2), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": float(env_int("DB_POOL_TIMEOUT", 10)),
    }
    # With CONN_HEALTH_CHECKS (above) Django gives the pool psycopg's check_connection: a pooled
    # connection is checked (one empty round trip) before it is handed out, so one the server
    # dropped is replaced instead of failing a request or a WebSocket handshake.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several server threads write the event log; wait for the lock instead of failing at once
    # (SQLITE_TIMEOUT seconds; then the write fails and the scorer gets `storage_failed`).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": env_int("SQLITE_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
_test_db = os.environ.get("CREASE_TEST_DB_NAME")
if _test_db:
    DATABASES["default"]["TEST"] = {"NAME": _test_db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS: list[Any] = [BASE_DIR / "static"]
# The Pyodide runtime the offline console runs the engine with, fetched by `make install`
# (scripts/fetch_pyodide.py) and served as /static/pyodide/<version>/.
PYODIDE_DIR = BASE_DIR / "var" / "pyodide"
if PYODIDE_DIR.is_dir():
    STATICFILES_DIRS.append(("pyodide", PYODIDE_DIR))
# WhiteNoise serves static files under every server; in DEBUG straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    # WhiteNoise warns when STATIC_ROOT is missing, even though DEBUG serves from the finders.
    with contextlib.suppress(OSError):
        STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Channel layer: in-process when REDIS_URL is unset; Redis pub/sub when it is set.
# RedisPubSubChannelLayer, not RedisChannelLayer: see docs/architecture.md (group_discard
# storms fail with MaxConnectionsError on the list-based layer).
# REDIS_URL may list several servers (comma- or space-separated): each group lives on one of
# them, chosen by a hash of its name (channels_redis shards by CRC32 of the group's channel over
# `hosts`), so every process must list the same servers in the same order (docs/scaling.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_URLS = REDIS_URL.replace(",", " ").split()
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "crease")
if REDIS_URLS:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": REDIS_URLS, "prefix": CHANNEL_LAYER_PREFIX},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.InMemoryChannelLayer",
            # A hub channel (realtime/hub.py) carries a whole group for the process: give it a
            # deep queue so a burst under CPU overload waits instead of being dropped (the
            # stock capacity of 100 lost chat messages in the soak benchmark's overload runs).
            "CONFIG": {
                "channel_capacity": {"hub.*": env_int("CREASE_HUB_CHANNEL_CAPACITY", 100_000)}
            },
        }
    }

# WebSocket limits (bytes / frames); see docs/protocol.md.
CREASE_MAX_MESSAGE_BYTES = env_int("CREASE_MAX_MESSAGE_BYTES", 64 * 1024)
CREASE_FAN_OUTBOX_FRAMES = env_int("CREASE_FAN_OUTBOX_FRAMES", 256)
# Chat: at most this many messages per user in any window of this many seconds.
CHAT_RATE_LIMIT = (env_int("CHAT_RATE_MESSAGES", 5), env_int("CHAT_RATE_SECONDS", 10))
# Per client IP, per server process; 0 turns a limit off (the default in DEBUG, so local load
# tests from 127.0.0.1 are not refused). A stadium behind one NAT is many fans: keep them generous.
CREASE_WS_MAX_OPEN_PER_IP = env_int("CREASE_WS_MAX_OPEN_PER_IP", 0 if DEBUG else 2000)
CREASE_WS_NEW_PER_IP_PER_MINUTE = env_int("CREASE_WS_NEW_PER_IP_PER_MINUTE", 0 if DEBUG else 1200)
# How many proxies of your own stand in front of the servers (0: clients connect directly). The
# client address is then the one the outermost of them saw: the N-th X-Forwarded-For hop from the
# right (the hops further left are written by the client). CREASE_TRUST_X_FORWARDED_FOR=1 is the
# older spelling of one proxy.
CREASE_TRUSTED_PROXIES = env_int(
    "CREASE_TRUSTED_PROXIES", 1 if env_bool("CREASE_TRUST_X_FORWARDED_FOR", False) else 0
)
# Addresses whose new-connection times are remembered per process (least recently seen dropped).
CREASE_WS_TRACKED_IPS = env_int("CREASE_WS_TRACKED_IPS", 100_000)
# Largest HTTP request body Django reads into memory (the scoring API has its own, smaller limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
# Request bodies are limited before Django reads them (realtime.bodies): by Content-Length at
# once, else counted as they stream; over the limit, 413 and the connection is closed. Forms
# (sign-up, log-in, a new match, the admin) stay far below 1 MiB; the API takes one command.
CREASE_MAX_BODY_BYTES = env_int("CREASE_MAX_BODY_BYTES", 1024 * 1024)
CREASE_API_MAX_BODY_BYTES = env_int("CREASE_API_MAX_BODY_BYTES", 16 * 1024)
# Seconds a request body may take to arrive once its headers have (then 408).
CREASE_BODY_TIMEOUT = env_int("CREASE_BODY_TIMEOUT", 30)
# Slow loris (realtime.http, under realtime.serve): a request head (a WebSocket handshake too)
# must be complete within CREASE_HTTP_HEAD_TIMEOUT seconds, and at most CREASE_HTTP_MAX_INCOMPLETE
# connections per process may be part-way through one (past it the oldest is closed); 408 both.
CREASE_HTTP_HEAD_TIMEOUT = env_float("CREASE_HTTP_HEAD_TIMEOUT", 10.0)
CREASE_HTTP_MAX_INCOMPLETE = env_int("CREASE_HTTP_MAX_INCOMPLETE", 100)
# Connections per process (realtime.capacity); 0: the open-file limit less a reserve (a tenth, at
# least 64). Over it: HTTP 503 + Retry-After (never /healthz, /readyz), WebSockets close 1013.
CREASE_MAX_CONNECTIONS = env_int("CREASE_MAX_CONNECTIONS", 0)
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Without a token, /metrics is served only in DEBUG or with METRICS_PUBLIC=1 (for a deployment
# whose proxy never forwards /metrics, or that scrapes each process on a private address).
METRICS_PUBLIC = env_bool("METRICS_PUBLIC", DEBUG)
# Log-in throttling (chat.logins, the site's and the admin's log-in): failed attempts within the
# window, counted in the database across every process, per account and per client address.
CREASE_LOGIN_FAILURES_PER_ACCOUNT = env_int("CREASE_LOGIN_FAILURES_PER_ACCOUNT", 10)
CREASE_LOGIN_FAILURES_PER_ADDRESS = env_int("CREASE_LOGIN_FAILURES_PER_ADDRESS", 50)
CREASE_LOGIN_WINDOW_SECONDS = env_int("CREASE_LOGIN_WINDOW_SECONDS", 15 * 60)
# Password-reset throttling (chat.resets): requests within the window, counted in the database,
# per client address (over it: 429) and per email address (over it: the same "sent" page, but no
# email, so the limit tells nobody whether the address has an account). 0 turns a limit off.
CREASE_PASSWORD_RESETS_PER_CLIENT = env_int("CREASE_PASSWORD_RESETS_PER_CLIENT", 10)
CREASE_PASSWORD_RESETS_PER_EMAIL = env_int("CREASE_PASSWORD_RESETS_PER_EMAIL", 3)
CREASE_PASSWORD_RESET_WINDOW_SECONDS = env_int("CREASE_PASSWORD_RESET_WINDOW_SECONDS", 60 * 60)

# Email (password resets): printed to the console in development; in production sent over SMTP
# to EMAIL_HOST (a local relay on port 25 unless set). EMAIL_BACKEND overrides either choice
# (tests use the in-memory backend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Crease <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if "EMAIL_HOST" in os.environ or not DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Production hardening, switched on whenever DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Structured logs: JSON lines in production (LOG_FORMAT=json), readable lines locally; every
# record carries the id of the connection or request it belongs to.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "realtime.context.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(conn_id)s] %(message)s"},
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

# How fast one scorer connection may send commands before `slow_down` (scores/pacing.py).
CREASE_SCORER_RATE = env_float("CREASE_SCORER_RATE", 20.0)
CREASE_SCORER_BURST = env_int("CREASE_SCORER_BURST", 60)
