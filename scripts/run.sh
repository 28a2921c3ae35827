#!/usr/bin/env bash
# `make run`: migrate the embedded SQLite database and serve on http://127.0.0.1:8000 with uvicorn
# (in-process channel layer unless REDIS_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var
$PY manage.py migrate --no-input
echo "Crease on http://$HOST:$PORT/  (practice socket: ws://localhost:$PORT/practice)"
exec .venv/bin/uvicorn config.asgi:application --host "$HOST" --port "$PORT" \
  --ws-max-size 1048576 --ws-ping-interval 20 --ws-ping-timeout 20 --no-access-log
