#!/usr/bin/env bash
# The suite for `make test`: every test on SQLite, and the database tests again on PostgreSQL,
# as two processes at once. On this 2-core machine the browser tests (Chromium and the Pyodide
# engine) are most of the CPU, while many others mostly wait (on sockets, timeouts, restarts):
# so each process runs the two halves in the opposite order, and one's browser tests overlap the
# other's waiting tests rather than its browser tests. One after the other they took 25 minutes.
#
#   bash scripts/test.sh [pytest args...]    (POSTGRES_TEST_URL, PY from the Makefile)
#
# Each process's lines are printed as they come, marked [sqlite] or [postgres]; the whole output
# of each is kept in var/test-logs/. Tests marked `solo` (a server under attack on 2 s deadlines,
# which a starved CPU fails) run after both, alone, on SQLite and then on PostgreSQL. Fails if any
# part fails.
set -uo pipefail

PY=${PY:-.venv/bin/python}
POSTGRES_TEST_URL=${POSTGRES_TEST_URL:-postgres://postgres:postgres@127.0.0.1:5432/crease}
LOGS=var/test-logs
mkdir -p "$LOGS"
export CREASE_REQUIRE_SERVICES=1

# run NAME MARKER... : one pytest session per marker expression, in order; fails if any failed.
# A session that selects nothing (pytest's exit 5) fails the whole run, unless pytest arguments
# narrowed it (e.g. `bash scripts/test.sh tests/cricket`).
run() {
  local name=$1 status=0 rc
  shift
  for marker in "$@"; do
    echo "test.sh: $name: -m \"$marker\""
    "$PY" -m pytest -p no:cacheprovider -m "$marker" "${ARGS[@]}"
    rc=$?
    if [ $rc -ne 0 ] && ! { [ $rc -eq 5 ] && [ ${#ARGS[@]} -gt 0 ]; }; then status=1; fi
  done
  return $status
}

ARGS=("$@")
(run sqlite "browser and not solo" "not browser and not solo" 2>&1 | tee "$LOGS/sqlite.log" \
  | sed -u 's/^/[sqlite] /') &
sqlite=$!
(DATABASE_URL=$POSTGRES_TEST_URL run postgres "db and not browser and not solo" \
  "db and browser and not solo" 2>&1 | tee "$LOGS/postgres.log" | sed -u 's/^/[postgres] /') &
postgres=$!

status=0
wait $sqlite || { status=1; echo "test.sh: the SQLite run failed (var/test-logs/sqlite.log)"; }
wait $postgres || { status=1; echo "test.sh: the PostgreSQL run failed (var/test-logs/postgres.log)"; }
echo "test.sh: the solo tests, alone"
run solo "solo" || status=1
DATABASE_URL=$POSTGRES_TEST_URL run solo "solo and db" || status=1
exit $status
