"""Shared fixtures: real server processes, fresh databases, a real Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.servers import Databases, ServerProcess, base_env, free_port

REDIS_URL = os.environ.get("CREASE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _services_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("CREASE_REQUIRE_SERVICES"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis; missing Redis fails the run under CI / make test instead of skipping."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_URL}: {exc} (make test starts one)"
        if _services_required():
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


@pytest.fixture
def layer_prefix() -> str:
    """A channel-layer prefix of this test's own, so tests sharing one Redis never cross."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture
def start_server(tmp_path: Path, databases: Databases) -> Iterator[Callable[..., ServerProcess]]:
    """Start real servers: start_server("uvicorn"|"daphne"|"runserver", database_url=..., ...)."""
    started: list[ServerProcess] = []
    # One prefix per test: every server a test starts on one Redis shares groups by default.
    test_prefix = f"t{uuid.uuid4().hex[:10]}"

    def start(
        kind: str = "uvicorn",
        *,
        database_url: str | None = None,
        redis_url: str | None = None,
        layer_prefix: str | None = None,
        env: dict[str, str] | None = None,
        app: str = "config.asgi:application",
        ready_path: str | None = "/healthz",
        extra_args: list[str] | None = None,
        port: int | None = None,
        nofile: int | None = None,
    ) -> ServerProcess:
        extra = {"DATABASE_URL": database_url or databases.fresh()}
        if redis_url:
            extra["REDIS_URL"] = redis_url
            extra["CHANNEL_LAYER_PREFIX"] = layer_prefix or test_prefix
        extra.update(env or {})
        port = port or free_port()
        server = ServerProcess(
            kind=kind,
            port=port,
            env=base_env(**extra),
            log_path=tmp_path / f"{kind}-{port}.log",
            app=app,
            extra_args=extra_args or [],
            nofile=nofile,
        )
        started.append(server)
        return server.start(ready_path=ready_path)

    yield start
    for server in started:
        server.stop()


@pytest.fixture
async def hub_teardown() -> object:
    """After a consumer test: close the test loop's process hub, so no task outlives its loop,
    and the database connection of asgiref's sync thread, so that the PostgreSQL test database
    can be dropped at the end of the session."""
    yield None
    from asgiref.sync import sync_to_async
    from django.db import connections

    from realtime.hub import current_hub

    hub = current_hub()
    if hub is not None:
        await hub.close()
    await sync_to_async(connections.close_all)()


ORIGIN = (b"origin", b"http://localhost")
