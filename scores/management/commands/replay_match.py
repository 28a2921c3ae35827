"""manage.py replay_match ID --speed N: score an imported match ball by ball through the running
server's HTTP publish API, so its fans see it live with either channel layer."""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scores import selectors
from scores.models import Match

RETRIES = 20


class Command(BaseCommand):
    help = (
        "Replay the events kept with an imported match (import_cricsheet) through a running "
        "server's HTTP API (POST /api/matches/<id>/events), the same path a scoring app uses. "
        "Resumes where the match's log has got to. --speed N sends N deliveries per second "
        "(0.4 = a ball every 2.5 s; 0 = as fast as the server answers); the events between "
        "balls (new batter, new bowler, ...) follow at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("match_id", type=int)
        parser.add_argument(
            "--speed",
            type=float,
            default=1.0,
            help="deliveries per second (default 1; 0 = as fast as possible)",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
        parser.add_argument(
            "--token",
            default=os.environ.get("CREASE_API_TOKEN", ""),
            help="a scorer token of the match (default: $CREASE_API_TOKEN); see scorer_token",
        )
        parser.add_argument(
            "--until", type=int, default=None, help="stop once the match's log reaches this seq"
        )
        parser.add_argument(
            "--progress",
            choices=["bar", "lines", "none"],
            default=None,
            help="progress on stderr: a bar redrawn in place (default on a terminal) or a line "
            "per over",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        speed: float = options["speed"]
        if speed < 0:
            raise CommandError("--speed must be 0 (as fast as possible) or more")
        if not options["token"]:
            raise CommandError("give --token (or set CREASE_API_TOKEN); see manage.py scorer_token")
        try:
            match = selectors.match_get(match_id=options["match_id"])
        except Match.DoesNotExist:
            raise CommandError(f"no match {options['match_id']}") from None
        events: list[dict[str, Any]] = match.replay_events or []
        if not events:
            raise CommandError(f"match {match.id} has no events to replay (import_cricsheet it)")
        self.url = options["url"].rstrip("/")
        self.token = options["token"]
        self.progress = options["progress"] or ("bar" if sys.stderr.isatty() else "lines")
        seq = int(self.request("GET", f"/api/matches/{match.id}")["seq"])
        self.check_prefix(match, events, seq)
        total = len(events) if options["until"] is None else min(len(events), options["until"])
        started = time.monotonic()
        sent_balls = 0
        for index in range(seq, total):
            event = events[index]
            if event.get("kind") == "delivery" and speed > 0:
                # Pace deliveries from the start so slow answers do not slow the match down.
                due = started + sent_balls / speed
                time.sleep(max(0.0, due - time.monotonic()))
                sent_balls += 1
            reply = self.request(
                "POST",
                f"/api/matches/{match.id}/events",
                {"expect_seq": index, "command": event},
            )
            self.show(index + 1, total, str(reply.get("summary", "")), event)
        if self.progress == "bar":
            sys.stderr.write("\n")
        self.stdout.write(f"match {match.id} replayed: {total} of {len(events)} events")

    def check_prefix(self, match: Match, events: list[dict[str, Any]], seq: int) -> None:
        if seq > len(events):
            raise CommandError(f"match {match.id} is at seq {seq}, past the file's end")
        stored = selectors.log_payloads(match_id=match.id, upto=seq)
        if stored != events[:seq]:
            raise CommandError(
                f"match {match.id} was scored differently from its file (edits or other events);"
                " import the file again for a fresh match"
            )

    def request(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """One API call; retries while the server is unreachable (e.g. restarting)."""
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(RETRIES):
            request = urllib.request.Request(self.url + path, data=data, method=method)
            request.add_header("Authorization", f"Bearer {self.token}")
            if data is not None:
                request.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return dict(json.loads(response.read()))
            except urllib.error.HTTPError as exc:
                try:
                    detail = json.loads(exc.read())
                except ValueError:
                    detail = {"error": exc.code, "reason": exc.reason}
                if exc.code == 503 and attempt + 1 < RETRIES:
                    time.sleep(0.5)
                    continue
                raise CommandError(
                    f"{method} {path}: {exc.code} {detail.get('error')}: {detail.get('reason')}"
                ) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                if attempt + 1 == RETRIES:
                    raise CommandError(f"{self.url} does not answer: {exc}") from None
                time.sleep(min(0.25 * 2**attempt, 3.0))
        raise CommandError("unreachable")

    def show(self, done: int, total: int, summary: str, event: dict[str, Any]) -> None:
        if self.progress == "none":
            return
        if self.progress == "bar":
            width = 30
            filled = width * done // total
            bar = "#" * filled + "." * (width - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total}  {summary[:60]:<60}")
            sys.stderr.flush()
        elif event.get("kind") == "new_bowler" or done == total:
            sys.stderr.write(f"replay {done}/{total}: {summary}\n")
