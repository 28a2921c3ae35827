"""The database goes away for a moment: scoring fails cleanly, fans carry on, scoring resumes.

What "goes away" means here, for real:
- PostgreSQL: the server's database refuses new connections (`ALLOW_CONNECTIONS false`) and every
  open connection to it is terminated (`pg_terminate_backend`): a database restarting or failing
  over.
- SQLite (no server to lose): another process holds the database's write lock
  (`BEGIN EXCLUSIVE`) and the server waits at most `SQLITE_TIMEOUT=1` second for it: a disk or
  backup stall during which no write can be made.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import connect

from tests.faults.scoring import assert_every_seq_once_in_order, db_state, demo_match, publish
from tests.support.fans import all_reach, fans_between

pytestmark = [pytest.mark.server, pytest.mark.db, pytest.mark.slow, pytest.mark.timeout(90)]


@contextlib.contextmanager
def database_away(url: str) -> Iterator[None]:
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            try:
                yield
            finally:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        return
    locker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None, timeout=10)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        yield
        locker.execute("ROLLBACK")
    finally:
        locker.close()


async def reply_to(ws, command_id: str, timeout: float = 15) -> dict:
    """The scorer's ack or error for one command (fan frames in between are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "ack" and frame["id"] == command_id:
                return frame
            if frame["type"] == "error" and frame.get("id") in (command_id, None):
                return frame


async def ping(ws, timeout: float = 5) -> None:
    await ws.send(json.dumps({"type": "ping"}))
    async with asyncio.timeout(timeout):
        while json.loads(await ws.recv())["type"] != "pong":
            pass


async def test_scoring_fails_cleanly_while_the_database_is_away_and_fans_carry_on(
    start_server, databases
):
    db = databases.fresh()
    server = start_server("uvicorn", database_url=db, env={"SQLITE_TIMEOUT": "1"})
    match = demo_match(server.env)
    events = match.events
    fans = fans_between([server.ws_url], match.path, 5)
    scorer_url = f"{server.ws_url}{match.path}score/"
    cookie = {"Cookie": f"sessionid={match.session}"}
    try:
        async with (
            connect(scorer_url, origin=server.origin, additional_headers=cookie) as scorer,
            connect(server.ws_url + match.path, origin=server.origin) as watcher,
        ):
            await all_reach(fans, 0, timeout=20)

            async def command(seq: int, name: str) -> dict:
                message = {"type": "command", "id": name, "expect_seq": seq, "command": events[seq]}
                await scorer.send(json.dumps(message))
                return await reply_to(scorer, name)

            for seq in range(5):
                assert await command(seq, f"c{seq}") == {
                    "type": "ack",
                    "id": f"c{seq}",
                    "seq": seq + 1,
                }
            await all_reach(fans, 5, timeout=10)

            with database_away(db):
                refused = await command(5, "lost")
                assert refused["type"] == "error"
                assert (refused["code"], refused["id"]) == ("storage_failed", "lost")
                status, body = await asyncio.to_thread(
                    publish, server.http_url, match.match_id, match.token, 5, events[5]
                )
                assert (status, body["error"]) == (503, "storage_failed")
                # Everyone stays connected and is answered; nobody saw anything new.
                await ping(scorer)
                await ping(watcher)
                assert all(fan.live and fan.connections == 1 and fan.last == 5 for fan in fans)

            # Nothing was half-written, and scoring works again.
            state = db_state(server.env, match.match_id)
            assert (state["seq"], state["log"]) == (5, [1, 2, 3, 4, 5])
            assert await command(5, "back") == {"type": "ack", "id": "back", "seq": 6}
            status, body = await asyncio.to_thread(
                publish, server.http_url, match.match_id, match.token, 6, events[6]
            )
            assert (status, body["seq"]) == (201, 7)
            await all_reach(fans, 7, timeout=10)
        state = db_state(server.env, match.match_id)
    finally:
        for fan in fans:
            await fan.stop()

    assert (state["seq"], state["log"]) == (7, list(range(1, 8)))
    assert_every_seq_once_in_order(fans, 0, 7)
    for fan in fans:
        assert fan.connections == 1
        assert fan.board == state["snapshot"]["scoreboard"]
