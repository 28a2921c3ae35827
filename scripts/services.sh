#!/usr/bin/env bash
# Make sure the services the tests talk to are up: Redis, PostgreSQL and Debian's chromium.
# Installs Debian packages when missing. Any part that cannot be had fails the run (never a skip).
set -euo pipefail

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "services: $* is missing and apt-get is not available to install it" >&2
    exit 1
  fi
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Redis: start one if none answers on 127.0.0.1:6379.
if ! (command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG); then
  command -v redis-server >/dev/null || apt_install redis-server redis-tools
  mkdir -p /tmp/crease-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/crease-redis --logfile /tmp/crease-redis/redis.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG || { echo "services: Redis did not start" >&2; exit 1; }
echo "services: redis ok"

# PostgreSQL: start the local cluster if it is installed but down; install it when absent.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null; then
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "services: PostgreSQL did not start" >&2; exit 1; }
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
  # A fresh Debian cluster has no trust login over TCP: allow local test logins.
  runuser -u postgres -- psql -q -c "ALTER USER postgres PASSWORD 'postgres'" || true
  echo "services: PostgreSQL needs trust or a password for postgres@127.0.0.1" >&2
fi
echo "services: postgres ok"

# Chromium for the browser tests (Playwright drives Debian's build; it cannot download its own).
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
/usr/bin/chromium --version >/dev/null 2>&1 || { echo "services: chromium does not run" >&2; exit 1; }
echo "services: chromium ok"
