"""Screenshots of the fan match page at a phone and a desktop size, live and finished.

    DATABASE_URL=... .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Imports the demo final (scores/demo/1370353.json) twice into the configured database (run
`manage.py migrate` first), scores one to the middle of the chase and the other to the end
through the scoring service, starts uvicorn on a free port, and saves full-page PNGs taken in
Debian's Chromium (/usr/bin/chromium) through Playwright.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scores" / "demo" / "1370353.json"
SIZES = {"phone": (360, 740), "desktop": (1366, 900)}
LIVE_EVENTS = 200  # GT's innings and the first overs of CSK's chase


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _match(scored: int | None) -> int:
    """Import the demo final and score its first `scored` events (all if None)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from scores.commands import envelope_decode
    from scores.models import Match
    from scores.services import scoring

    out = io.StringIO()
    call_command("import_cricsheet", str(DEMO), "--scorer", "screenshots", stdout=out)
    match_id = int(out.getvalue().split()[-1])
    events = Match.objects.get(pk=match_id).replay_events
    user = get_user_model().objects.get(username="screenshots")
    for event in events[:scored]:
        command = envelope_decode({"command": event, "expect_seq": None}, expect_seq_required=False)
        scoring.command_record(match_id=match_id, command=command, by=scoring.ByUser(user))
    return match_id


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(port)],
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("uvicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    _django()
    matches = {"live": _match(LIVE_EVENTS), "finished": _match(None)}
    port = _free_port()
    server = _serve(port)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for state, match_id in matches.items():
                for size, (width, height) in SIZES.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(f"http://127.0.0.1:{port}/matches/{match_id}/")
                    page.wait_for_selector("body[data-live='true']", timeout=20_000)
                    page.wait_for_timeout(500)
                    path = args.out / f"match-{state}-{size}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path.relative_to(ROOT))
                    page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
