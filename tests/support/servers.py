"""Real server processes on free ports, for tests that go over real sockets."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    """The environment a test server runs with: local defaults, no inherited layer or database."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONUNBUFFERED": "1", "DEBUG": "1"})
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run a manage.py command against a test server's settings and return its stdout."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


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
        nofile = self.nofile

        def limit_files() -> None:
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=limit_files if nofile else None,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early:\n{self.log()}")
            if self._ready(ready_path):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.kind} not ready in {timeout}s:\n{self.log()}")

    def _ready(self, path: str | None) -> bool:
        if path is None:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.5),
            ):
                return True
            return False
        try:
            with urllib.request.urlopen(self.http_url + path, timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL) and return its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
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


def create_session(env: dict[str, str], username: str, *, staff: bool = False) -> str:
    """Create (or reuse) a user in a server's database and return a logged-in session key."""
    code = (
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        f"u, _ = get_user_model().objects.get_or_create(username={username!r})\n"
        f"u.is_staff = {staff!r}; u.set_password('pw-' + u.username + '-Secret9'); u.save()\n"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)\n"
    )
    return manage("shell", "-c", code, env=env).strip().splitlines()[-1]


@contextlib.contextmanager
def running(server: ServerProcess, **kwargs: object) -> Iterator[ServerProcess]:
    server.start(**kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
