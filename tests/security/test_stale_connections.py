"""The first fan after the database dropped its connections is served, not refused with 500:
a kept connection is checked before use (the pool's check, or CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import json

import psycopg
import pytest
from websockets.asyncio.client import connect

from tests.faults.scoring import demo_match

pytestmark = [pytest.mark.server, pytest.mark.db, pytest.mark.slow]


def _drop_connections(url: str) -> int:
    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        ).fetchall()
    return len(rows)


async def _snapshot(server, path: str) -> dict:
    async with connect(server.ws_url + path, origin=server.origin, open_timeout=10) as ws:
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "snapshot":
                return frame


@pytest.mark.parametrize(
    "env",
    [
        {"DB_CONN_MAX_AGE": "60"},  # run-prod's former setting: now the pool (the default)
        {"DB_POOL_MAX_SIZE": "0", "DB_CONN_MAX_AGE": "60"},  # no pool: persistent, checked
    ],
    ids=["pool", "persistent"],
)
async def test_the_first_fan_after_the_database_dropped_its_connections_is_served(
    start_server, databases, env
):
    if not databases.on_postgres:
        pytest.skip("needs a database server to drop connections: make test runs it on PostgreSQL")
    url = databases.fresh()
    server = start_server("uvicorn", database_url=url, env=env)
    demo = demo_match(server.env)
    assert (await _snapshot(server, demo.path))["seq"] == 0  # the server now holds connections
    assert _drop_connections(url) >= 1  # a restart or failover: every backend terminated
    assert (await _snapshot(server, demo.path))["seq"] == 0
    assert "Traceback" not in server.log()
