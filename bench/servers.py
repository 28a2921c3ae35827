"""Server processes for the benchmark: Crease on uvicorn, or the reference, pinned to a core.

Every server listens on 127.0.0.1 only, gets the file limit raised to its hard limit before it
starts, and is stopped (SIGTERM, then SIGKILL) when the run ends, whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKDIR = ROOT / "var" / "bench"


def raise_file_limit() -> int:
    """Raise this process's soft RLIMIT_NOFILE to its hard limit; return the new limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def cores() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its threads, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    """Run a manage.py command with a server's settings and return its stdout."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def spawn(
    command: list[str],
    env: dict[str, str],
    log: IO[bytes],
    *,
    core: int | None = None,
    nofile: int | None = None,
) -> subprocess.Popen[bytes]:
    """Start a server process in its own session (so it can be signalled as a group), its
    output to `log`, the file limit raised to its hard limit (or set to `nofile`) and (with
    `core`) pinned to one core."""

    def prepare() -> None:  # runs in the child before exec
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        else:
            raise_file_limit()
        if core is not None:
            os.sched_setaffinity(0, {core})

    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        preexec_fn=prepare, start_new_session=True,
    )  # fmt: skip


def answers(port: int, http_path: str | None) -> bool:
    """Whether a server on `port` accepts connections (`http_path` None) or answers 200 there."""
    try:
        if http_path is None:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return True
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{http_path}", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_ready(
    process: subprocess.Popen[bytes], port: int, http_path: str | None, timeout: float
) -> bool:
    """Wait until the server answers; False on timeout. RuntimeError if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited early with {process.returncode}")
        if answers(port, http_path):
            return True
        time.sleep(0.1)
    return False


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Signal the server's process group (SIGTERM by default), then SIGKILL after `timeout`."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def login_session(env: dict[str, str], username: str, *, staff: bool = False) -> str:
    """Create (or reuse) a user with a password in a server's database; a logged-in session key."""
    return login_sessions(env, [username], staff=staff, password=True)[0]


def login_sessions(
    env: dict[str, str], usernames: list[str], *, staff: bool = False, password: bool = False
) -> list[str]:
    """Create (or reuse) users in a server's database; a logged-in session key for each. With
    `password`, each gets the password "pw-<name>-Secret9" (hashing one costs ~0.3 s)."""
    set_password = "u.set_password('pw-' + u.username + '-Secret9'); " if password else ""
    code = (
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        f"for name in {usernames!r}:\n"
        "    u, _ = get_user_model().objects.get_or_create(username=name)\n"
        f"    u.is_staff = {staff!r}; {set_password}u.save()\n"
        "    s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
        "    s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "    s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)\n"
    )
    return manage("shell", "-c", code, env=env).strip().splitlines()[-len(usernames) :]


@dataclass
class Server:
    """One running benchmark server process."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def rss(self) -> int:
        return rss_bytes(self.pid)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self, timeout: float = 10.0) -> None:
        stop(self.process, timeout=timeout)


def _spawn(name: str, command: list[str], env: dict[str, str], core: int | None) -> Server:
    port = int(command[command.index("--port") + 1]) if "--port" in command else int(command[-1])
    WORKDIR.mkdir(parents=True, exist_ok=True)
    log_path = WORKDIR / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = spawn(command, env, log, core=core)
    return Server(name, port, process, log_path)


def _wait_ready(server: Server, http_path: str | None, timeout: float = 60.0) -> Server:
    try:
        ready = wait_ready(server.process, server.port, http_path, timeout)
    except RuntimeError as exc:
        raise RuntimeError(f"{server.name} {exc}:\n{server.log_tail()}") from None
    if not ready:
        server.stop()
        raise RuntimeError(f"{server.name} not ready in {timeout}s:\n{server.log_tail()}")
    return server


def start_reference(core: int | None) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "bench.reference", str(port)]
    return _wait_ready(_spawn("reference", command, dict(os.environ), core), None)


def crease_env(database_url: str, redis_url: str | None, prefix: str) -> dict[str, str]:
    """Production-like settings for a local benchmark (DEBUG off, plain HTTP on 127.0.0.1)."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_hex(32),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "BEHIND_TLS_PROXY": "0",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            # Every bench fan comes from 127.0.0.1: the per-IP limits (realtime/limits.py) would
            # refuse all but 2,000 of them. They are policy, not part of the fan-out path.
            "CREASE_WS_MAX_OPEN_PER_IP": "0",
            "CREASE_WS_NEW_PER_IP_PER_MINUTE": "0",
            # Persistent database connections on SQLite (PostgreSQL uses its pool instead,
            # docs/deployment.md): with 0 every chat connect opens and closes two connections.
            "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
            # The soak benchmark reads /metrics; the bench's servers listen on 127.0.0.1 only.
            "METRICS_PUBLIC": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CHANNEL_LAYER_PREFIX"] = prefix
    return env


def prepare_database(env: dict[str, str]) -> None:
    """Migrate the bench's own database (a fresh SQLite file unless DATABASE_URL was given)."""
    manage("migrate", "--no-input", "-v", "0", env=env)


def chat_setup(env: dict[str, str], *, room: str, usernames: list[str]) -> list[str]:
    """Create the chat room and the posting users; return a logged-in session key for each."""
    manage(
        "shell", "-c",
        f"from chat.services import room_ensure; room_ensure(slug={room!r}, title='Benchmark')",
        env=env,
    )  # fmt: skip
    return login_sessions(env, usernames)


def scores_setup(env: dict[str, str], file: str) -> tuple[int, str, list[dict[str, Any]]]:
    """Import a real match with a scorer and a token; return (match id, token, its events)."""
    match_id = int(manage("import_cricsheet", file, "--scorer", "benchscorer", env=env).split()[-1])
    token = manage("scorer_token", "benchscorer", "--name", "bench", env=env).split()[-1]
    code = (
        "import json; from scores.models import Match; "
        f"print(json.dumps(Match.objects.get(pk={match_id}).replay_events))"
    )
    events = json.loads(manage("shell", "-c", code, env=env).strip().splitlines()[-1])
    return match_id, token, events


def start_crease(env: dict[str, str], core: int | None, ws: str) -> Server:
    """One uvicorn process (with Crease's draining shutdown, as in production) serving
    config.asgi:application, with pings off and no access log."""
    port = free_port()
    command = [
        sys.executable, "-m", "realtime.serve", "config.asgi:application", "--host", "127.0.0.1",
        "--port", str(port), "--ws", ws, "--ws-ping-interval", "86400",
        "--ws-ping-timeout", "86400", "--ws-max-size", "1048576", "--backlog", "4096",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    return _wait_ready(_spawn("crease", command, env, core), "/healthz")
