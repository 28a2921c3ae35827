"""Real server processes on free ports, for tests that go over real sockets."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bench.servers import BIN, ROOT, free_port, login_session, manage, spawn, stop, wait_ready

# The process machinery is the benchmark's (bench/servers.py): one launcher for both.
__all__ = [
    "ROOT",
    "Databases",
    "ServerProcess",
    "base_env",
    "create_session",
    "free_port",
    "manage",
    "running",
]


def base_env(**extra: str) -> dict[str, str]:
    """The environment a test server runs with: local defaults, no inherited layer or database."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONUNBUFFERED": "1", "DEBUG": "1"})
    env.update(extra)
    return env


@dataclass
class ServerProcess:
    """One running server (uvicorn, daphne or runserver) serving config.asgi:application."""

    kind: str
    port: int
    env: dict[str, str]
    log_path: Path
    app: str = "config.asgi:application"
    extra_args: list[str] = field(default_factory=list)
    nofile: int | None = None
    """The server's open-file limit (RLIMIT_NOFILE), when a test needs a small one."""
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        if self.kind == "uvicorn":
            return [
                str(BIN / "uvicorn"), self.app, "--host", "127.0.0.1", "--port", str(self.port),
                "--no-access-log", "--ws-max-size", "1048576", *self.extra_args,
            ]  # fmt: skip
        if self.kind == "serve":  # uvicorn with the draining shutdown (realtime/serve.py)
            return [
                sys.executable, "-m", "realtime.serve", self.app, "--host", "127.0.0.1",
                "--port", str(self.port), "--no-access-log", "--ws-max-size", "1048576",
                *self.extra_args,
            ]  # fmt: skip
        if self.kind == "daphne":
            return [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), self.app]
        if self.kind == "runserver":
            return [
                sys.executable,
                "manage.py",
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
            ]
        raise ValueError(self.kind)

    def start(self, *, ready_path: str | None = "/healthz", timeout: float = 30) -> ServerProcess:
        self._log = self.log_path.open("ab")
        self.process = spawn(self.command(), self.env, self._log, nofile=self.nofile)
        try:
            ready = wait_ready(self.process, self.port, ready_path, timeout)
        except RuntimeError as exc:
            raise RuntimeError(f"{self.kind} {exc}:\n{self.log()}") from None
        if not ready:
            self.stop()
            raise RuntimeError(f"{self.kind} not ready in {timeout}s:\n{self.log()}")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL) and return its exit code."""
        if self.process is None:
            return None
        stop(self.process, sig, timeout)
        if self._log is not None:
            self._log.close()
        return self.process.returncode

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


class Databases:
    """Fresh, migrated databases for server processes: SQLite files, or PostgreSQL databases
    when the suite runs on PostgreSQL (DATABASE_URL set by `make test`)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.postgres_url = os.environ.get("DATABASE_URL", "")
        self._template: str | None = None
        self._created: list[str] = []

    @property
    def on_postgres(self) -> bool:
        return self.postgres_url.startswith(("postgres://", "postgresql://"))

    def _admin(self) -> object:
        import psycopg

        base, _, _ = self.postgres_url.rpartition("/")
        return psycopg.connect(base + "/postgres", autocommit=True)

    def _migrate_template(self) -> str:
        if self._template is not None:
            return self._template
        if self.on_postgres:
            name = f"crease_tmpl_{uuid.uuid4().hex[:10]}"
            with self._admin() as conn:  # type: ignore[attr-defined]
                conn.execute(f'CREATE DATABASE "{name}"')
            self._created.append(name)
            url = self.postgres_url.rpartition("/")[0] + "/" + name
        else:
            path = self.workdir / "template.sqlite3"
            url = f"sqlite:///{path}"
        manage("migrate", "--no-input", env=base_env(DATABASE_URL=url))
        self._template = url
        return url

    def fresh(self) -> str:
        """A new database with every migration applied; returns its DATABASE_URL."""
        template = self._migrate_template()
        if self.on_postgres:
            name = f"crease_live_{uuid.uuid4().hex[:10]}"
            tmpl = template.rpartition("/")[2]
            with self._admin() as conn:  # type: ignore[attr-defined]
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{tmpl}"')
            self._created.append(name)
            return self.postgres_url.rpartition("/")[0] + "/" + name
        path = self.workdir / f"live-{uuid.uuid4().hex[:10]}.sqlite3"
        shutil.copy(template.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}"

    def drop_all(self) -> None:
        if not self.on_postgres:
            return
        with self._admin() as conn:  # type: ignore[attr-defined]
            for name in reversed(self._created):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


create_session = login_session
"""Create (or reuse) a user in a server's database and return a logged-in session key."""


@contextlib.contextmanager
def running(server: ServerProcess, **kwargs: object) -> Iterator[ServerProcess]:
    server.start(**kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
