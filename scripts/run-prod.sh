#!/usr/bin/env bash
# `make run-prod`: a production-like run on this machine: DEBUG off, several uvicorn worker
# processes (with Crease's draining shutdown) sharing Redis and PostgreSQL, static files collected
# and served by WhiteNoise. See docs/deployment.md for several hosts behind a load balancer.
#
# Every variable has a local default:
#   WORKERS        worker processes (default: the number of cores)
#   HOST, PORT     where to listen (default 127.0.0.1:8000)
#   DATABASE_URL   default postgres://postgres:postgres@127.0.0.1:5432/crease (created if missing)
#   REDIS_URL      default redis://127.0.0.1:6379/0
#   SECRET_KEY     default: generated once into var/secret_key (mode 600) and reused
#   METRICS_TOKEN  default: generated once into var/metrics_token (mode 600) and reused
#   ALLOWED_HOSTS  default localhost,127.0.0.1 (also the WebSocket origin check)
#   SECURE_SSL_REDIRECT  default 0 here (plain HTTP on this machine); keep 1 behind a TLS proxy
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var

export DEBUG=0
export HOST=${HOST:-127.0.0.1}
export PORT=${PORT:-8000}
WORKERS=${WORKERS:-$(nproc)}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/crease}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
# PostgreSQL connections come from a pool per worker (DB_POOL_MAX_SIZE, default 10): keep
# WORKERS x DB_POOL_MAX_SIZE (x hosts) below the server's max_connections.
export DB_POOL_MAX_SIZE=${DB_POOL_MAX_SIZE:-10}
# A secret generated once into var/<name> (mode 600) and reused, unless the variable is set.
secret() {
  if [ ! -s "var/$1" ]; then
    (umask 077 && $PY -c "import secrets; print(secrets.token_urlsafe(50))" > "var/$1")
  fi
  cat "var/$1"
}
if [ -z "${SECRET_KEY:-}" ]; then
  SECRET_KEY=$(secret secret_key)
  export SECRET_KEY
fi
# /metrics needs `Authorization: Bearer $METRICS_TOKEN` in production (your scraper reads it
# from var/metrics_token unless you set the variable).
if [ -z "${METRICS_TOKEN:-}" ]; then
  METRICS_TOKEN=$(secret metrics_token)
  export METRICS_TOKEN
fi
# /metrics sums every worker from this directory; it must start empty.
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$PWD/var/prometheus}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

# The local services (Redis, PostgreSQL) when the defaults point at them.
case "$DATABASE_URL$REDIS_URL" in
  *127.0.0.1*) bash scripts/services.sh >/dev/null ;;
esac
case "$DATABASE_URL" in
  postgres://* | postgresql://*)
    $PY - <<'EOF'
import os

import psycopg

url = os.environ["DATABASE_URL"]
base, _, name = url.rpartition("/")
name = name.split("?")[0]
with psycopg.connect(base + "/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"run-prod: created database {name}")
EOF
    ;;
esac

$PY manage.py migrate --no-input
$PY manage.py collectstatic --no-input -v 0
$PY manage.py check --deploy --fail-level ERROR

# Raise the file limit to the hard limit: each WebSocket is a file descriptor.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "run-prod: $WORKERS workers on http://$HOST:$PORT/ (files per process: $(ulimit -n))"
# No permessage-deflate: every browser asks for it, and it compresses each frame once per fan
# (~30 us of CPU per frame per fan, ~38 KiB held per fan) where Crease encodes a frame once for
# all; delta updates are already ~500 B a ball (docs/protocol.md, `python -m bench.delta`).
exec $PY -m realtime.serve config.asgi:application --host "$HOST" --port "$PORT" \
  --workers "$WORKERS" --ws websockets-sansio --ws-max-size 1048576 --ws-per-message-deflate false \
  --ws-ping-interval 20 --ws-ping-timeout 20 --timeout-graceful-shutdown 30 \
  --no-access-log --log-level warning --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
