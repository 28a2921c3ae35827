"""Settings switched by environment variables, checked in fresh interpreters."""

import subprocess
import sys

from tests.support.servers import ROOT, base_env

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 30 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "scores.example.com",
    "DATABASE_URL": "postgres://crease:secret@db.example.com:5432/crease",
    "REDIS_URL": "redis://cache.example.com:6379/0",
}


def run(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base_env(**env), capture_output=True, text=True,
        check=False,
    )  # fmt: skip


SHOW = "import django; django.setup(); from django.conf import settings as s; print({expr})"


def test_local_defaults_are_sqlite_and_the_in_process_layer():
    expr = "s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND']"
    done = run(SHOW.format(expr=expr))
    assert done.returncode == 0, done.stderr
    assert "sqlite3" in done.stdout
    assert "realtime.layers.InMemoryChannelLayer" in done.stdout


def test_redis_url_selects_the_redis_pubsub_layer_and_database_url_postgres():
    done = run(
        SHOW.format(expr="s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']"),
        DATABASE_URL=PRODUCTION["DATABASE_URL"], REDIS_URL=PRODUCTION["REDIS_URL"],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "postgresql" in done.stdout
    assert "channels_redis.pubsub.RedisPubSubChannelLayer" in done.stdout
    assert "cache.example.com" in done.stdout


def test_production_requires_a_secret_key():
    done = run(SHOW.format(expr="s.DEBUG"), DEBUG="0", ALLOWED_HOSTS="x.example.com")
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_a_malformed_boolean_is_a_clear_error():
    done = run(SHOW.format(expr="s.DEBUG"), DEBUG="maybe")
    assert done.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in done.stderr


def test_check_deploy_passes_with_production_variables():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=base_env(**PRODUCTION), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_requires_a_metrics_token_by_default():
    done = run(SHOW.format(expr="s.METRICS_PUBLIC, s.METRICS_TOKEN == ''"), **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
    done = run(SHOW.format(expr="s.METRICS_PUBLIC"), **PRODUCTION, METRICS_PUBLIC="1")
    assert done.stdout.split() == ["True"]
