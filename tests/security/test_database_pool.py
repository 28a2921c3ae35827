"""A burst of requests well above the database pool is queued or refused with 503, never 500,
and scoring goes on through it (PostgreSQL: the pool is psycopg's, through Django)."""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.faults.scoring import demo_match, publish

pytestmark = [pytest.mark.server, pytest.mark.db, pytest.mark.slow, pytest.mark.timeout(120)]

POOL = 4
ROLE_LIMIT = 12
"""Connections PostgreSQL allows the server's role: well under the burst, above the pool. (A
role's limit, unlike a database's, holds for a non-superuser: the burst cannot reach the shared
server's own max_connections.)"""
IN_FLIGHT = 40
BURST = 400


def _get(url: str) -> tuple[int, str | None]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, exc.headers.get("Retry-After")


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.rpartition("/")[0] + "/postgres", autocommit=True)


def _connections(url: str) -> int:
    with _admin(url) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [url.rpartition("/")[2]]
        ).fetchone()
    return int(row[0]) if row else 0


@contextlib.contextmanager
def limited_role(url: str) -> Iterator[str]:
    """A login role of its own with CONNECTION LIMIT, granted the test database; its URL."""
    role = f"crease_pool_{uuid.uuid4().hex[:8]}"
    with _admin(url) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {ROLE_LIMIT}')
    with psycopg.connect(url, autocommit=True) as db:
        for what in ("ALL TABLES", "ALL SEQUENCES"):
            db.execute(f'GRANT ALL ON {what} IN SCHEMA public TO "{role}"')
        db.execute(f'GRANT ALL ON SCHEMA public TO "{role}"')
    scheme, rest = url.split("://", 1)
    try:
        yield f"{scheme}://{role}@{rest.split('@', 1)[1]}"
    finally:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f'DROP OWNED BY "{role}"')
        with _admin(url) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role]
            )
            admin.execute(f'DROP ROLE "{role}"')


def test_a_burst_well_above_the_pool_is_answered_while_a_scorer_keeps_scoring(
    start_server, databases
):
    if not databases.on_postgres:
        pytest.skip("PostgreSQL's pool: make test runs this with DATABASE_URL on PostgreSQL")
    admin_url = databases.fresh()
    with limited_role(admin_url) as url:
        # run-prod's old default (DB_CONN_MAX_AGE=60) is set too: the pool must win over it.
        server = start_server(
            "uvicorn",
            database_url=url,
            env={"DB_POOL_MAX_SIZE": str(POOL), "DB_POOL_TIMEOUT": "5", "DB_CONN_MAX_AGE": "60"},
        )
        demo = demo_match(server.env)
        state_url = f"{server.http_url}/api/matches/{demo.match_id}"
        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            burst = [pool.submit(_get, state_url) for _ in range(BURST)]
            # The scorer's commands go in while the burst is in flight.
            scored = [
                publish(server.http_url, demo.match_id, demo.token, seq, event)[0]
                for seq, event in enumerate(demo.events[:4])
            ]
            answers = [future.result() for future in burst]
        held = _connections(admin_url)
        log = server.log()
        server.stop()
    statuses = sorted({status for status, _ in answers})
    assert set(statuses) <= {200, 503}, (statuses, log)
    assert all(retry for status, retry in answers if status == 503)
    assert sum(status == 200 for status, _ in answers) > BURST // 2
    assert scored == [201] * 4
    # The process holds at most its pool afterwards (with persistent connections each request
    # thread kept its own after the burst).
    assert held <= POOL
    assert "Traceback" not in log
