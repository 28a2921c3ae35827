#!/usr/bin/env bash
# `make run`: migrate the embedded SQLite database, serve on http://127.0.0.1:8000 with uvicorn
# (in-process channel layer unless REDIS_URL is set), and replay a real match live through the
# server's HTTP publish API so a new visitor sees balls arrive. CREASE_DEMO=0 skips the replay;
# DEMO_SPEED sets deliveries per second (default 0.4: a ball every 2.5 s).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
DEMO=${CREASE_DEMO:-1}
DEMO_SPEED=${DEMO_SPEED:-0.4}
DEMO_FILE=scores/demo/1370353.json  # IPL final 2023, data by Cricsheet (cricsheet.org)
mkdir -p var
$PY manage.py migrate --no-input

if [ "$DEMO" = "0" ]; then
  echo "Crease on http://$HOST:$PORT/  (practice socket: ws://localhost:$PORT/practice)"
  exec $PY -m realtime.serve config.asgi:application --host "$HOST" --port "$PORT" \
    --ws-max-size 1048576 --ws-ping-interval 20 --ws-ping-timeout 20 --no-access-log
fi

# Idempotent demo data: a scorer with a fresh token, and the match (reused while unfinished).
TOKEN=$($PY manage.py scorer_token demo-scorer --create-user --name demo --replace)
# Cricsheet files do not name captains and keepers: the final's are given here.
MATCH=$($PY manage.py import_cricsheet "$DEMO_FILE" --reuse --scorer demo-scorer \
  --captain "Chennai Super Kings=MS Dhoni" --keeper "Chennai Super Kings=MS Dhoni" \
  --captain "Gujarat Titans=HH Pandya" --keeper "Gujarat Titans=WP Saha")

$PY -m realtime.serve config.asgi:application --host "$HOST" --port "$PORT" \
  --ws-max-size 1048576 --ws-ping-interval 20 --ws-ping-timeout 20 --no-access-log &
SERVER=$!
REPLAY=""
stop() {
  trap - INT TERM EXIT
  if [ -n "$REPLAY" ]; then kill "$REPLAY" 2>/dev/null || true; fi
  kill -TERM "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
}
trap stop INT TERM EXIT

URL="http://$HOST:$PORT"
case "$HOST" in 0.0.0.0 | "::") URL="http://127.0.0.1:$PORT" ;; esac
for _ in $(seq 1 100); do
  if $PY -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "$URL/healthz" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then wait "$SERVER"; exit 1; fi
  sleep 0.2
done

echo "Crease on http://$HOST:$PORT/  (live demo: http://$HOST:$PORT/matches/$MATCH/)"
$PY manage.py replay_match "$MATCH" --speed "$DEMO_SPEED" --url "$URL" --token "$TOKEN" \
  --progress lines &
REPLAY=$!
wait "$SERVER"
