"""Scoring a real match on test servers, and reading back what the database holds."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.servers import ROOT, manage

DEMO = ROOT / "tests" / "data" / "cricsheet" / "1370353.json"


_IMPORT = """
import io
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
out = io.StringIO()
call_command("import_cricsheet", {path!r}, "--scorer", "feed", stdout=out)
match_id = int(out.getvalue().strip())
out = io.StringIO()
call_command("scorer_token", "feed", stdout=out)
user = get_user_model().objects.get(username="feed")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(match_id, out.getvalue().strip(), session.session_key)
"""


@dataclass(frozen=True)
class Demo:
    """A real match imported into a test server's database, with a scorer named "feed"."""

    match_id: int
    token: str
    """The scorer's API token (HTTP publish API)."""
    session: str
    """A logged-in session key of the scorer (`sessionid` cookie, for the scorer socket)."""
    events: list[dict[str, Any]]

    @property
    def path(self) -> str:
        return f"/ws/matches/{self.match_id}/"


def demo_match(env: dict[str, str], path: Path = DEMO) -> Demo:
    """Import a real match into a server's database (one manage.py process, for speed)."""
    from cricket import codec, cricsheet

    out = manage("shell", "-c", _IMPORT.format(path=str(path)), env=env)
    match_id, token, session = out.strip().splitlines()[-1].split()
    _, events = cricsheet.load(path)
    return Demo(int(match_id), token, session, [codec.event_to_dict(e) for e in events])


def publish(
    base: str,
    match_id: int,
    token: str,
    seq: int | None,
    event: dict[str, Any],
    commentary: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """POST one command to the HTTP publish API; (HTTP status, JSON body), errors included."""
    body: dict[str, Any] = {"expect_seq": seq, "command": event}
    if commentary is not None:
        body["commentary"] = commentary
    request = urllib.request.Request(
        f"{base}/api/matches/{match_id}/events",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def replay(
    env: dict[str, str], base: str, match_id: int, token: str, until: int, speed: float = 0
) -> subprocess.Popen[str]:
    """Start `manage.py replay_match` through a server's HTTP API (returns the running process)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "replay_match", str(match_id), "--speed", str(speed),
         "--url", base, "--token", token, "--progress", "none", "--until", str(until)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


async def finished(process: subprocess.Popen[str], timeout: float) -> str:
    """Wait for a replay to end and return its stdout; fail with its stderr if it failed."""
    out, err = await asyncio.to_thread(process.communicate, timeout=timeout)
    assert process.returncode == 0, f"replay failed:\n{out}\n{err}"
    return out


_DB_STATE = """
import json
from scores import selectors
from scores.models import LogEntry, Match
m = Match.objects.get(pk={match_id})
print(json.dumps({{
    "seq": m.seq, "status": m.status, "summary": m.summary,
    "log": list(LogEntry.objects.filter(match=m).order_by("seq").values_list("seq", flat=True)),
    "snapshot": selectors.match_snapshot(match_id=m.pk),
}}))
"""


def db_state(env: dict[str, str], match_id: int) -> dict[str, Any]:
    """The match as its database holds it, read by a fresh process (no server's cache): its
    row's seq/status/summary, every log seq, and the snapshot rebuilt from the log."""
    out = manage("shell", "-c", _DB_STATE.format(match_id=match_id), env=env)
    return dict(json.loads(out.strip().splitlines()[-1]))


def assert_every_seq_once_in_order(fans: list[Any], start: int, end: int) -> None:
    """Every fan applied start..end exactly once each, in order, from its first snapshot on."""
    wanted = list(range(start, end + 1))
    bad = {fan.name: fan.describe() for fan in fans if fan.seqs != wanted}
    assert not bad, f"fans that did not see {start}..{end} exactly once in order: {bad}"


def differences(got: Any, want: Any, where: str = "") -> list[str]:
    """Where two JSON values differ (paths), for readable assertion messages."""
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for key in sorted(set(got) | set(want), key=str):
            out += differences(got.get(key), want.get(key), f"{where}.{key}")
        return out
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        out = []
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            out += differences(g, w, f"{where}[{i}]")
        return out
    return [] if got == want else [f"{where}: {got!r:.80} != {want!r:.80}"]
