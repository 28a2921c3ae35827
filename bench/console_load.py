"""The scorer console's first load and its offline reload on a phone-class CPU (issue 12).

    python -m bench.console_load [--rates 4,1] [--events 120] [--json out.json]

Starts a real server (uvicorn, DEBUG on: the static files come uncompressed from the finders),
imports a real T20 with a logged-in scorer and records its first `--events` entries, then for
each CPU throttling rate (Chromium's CDP `Emulation.setCPUThrottlingRate`; 4 is a phone-class
CPU, 1 this machine, measured in the same run for the ratio) opens the console in a fresh
phone-sized context with an empty cache and reads the page's own marks (console.js): the pad
usable (drawn, taking taps), ready (the link live too) and the local engine loaded. Bytes are
every response body Chromium reports finished (Playwright's `requestfinished` sizes), the
engine's being /static/pyodide/ and /matches/engine/. Then, once the service worker is active
and its cache full, the network goes off (`set_offline`) and the page is reloaded: the time to
a usable pad and whether and when the engine loads.

CDP's CPU throttling slows the page's main thread only: the engine boots in a dedicated worker,
which it does not reach (a busy loop in a worker runs as fast at rate 4 in this Chromium), so
the engine's times at rate 4 are this machine's, not a phone's; the pad's are throttled.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bench.servers import (
    BIN,
    ROOT,
    WORKDIR,
    free_port,
    login_session,
    manage,
    scores_setup,
    spawn,
    stop,
    wait_ready,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PHONE = {"width": 390, "height": 844}
T20 = ROOT / "tests" / "data" / "cricsheet" / "1370353.json"
PYODIDE_DIR = ROOT / "var" / "pyodide" / "314.0.8"
ENGINE_PATHS = ("/static/pyodide/", "/matches/engine/")
CACHE = "crease-console-v1"
MARKS = """() => Object.fromEntries(performance.getEntriesByType("mark")
  .filter((m) => m.name.startsWith("crease:")).map((m) => [m.name.slice(7), m.startTime]))"""
CACHE_FULL = """async ([name, page]) => {
  if (!navigator.serviceWorker.controller) return false;
  const cache = await caches.open(name);
  const urls = (await cache.keys()).map((r) => new URL(r.url).pathname);
  return urls.includes(page) && urls.includes("/static/scores/console.js")
    && urls.filter((u) => u.startsWith("/static/pyodide/")).length >= 5;
}"""


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def publish(base: str, match_id: int, token: str, seq: int, event: dict[str, Any]) -> None:
    body = json.dumps({"expect_seq": seq, "command": event}).encode()
    request = urllib.request.Request(
        f"{base}/api/matches/{match_id}/events", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 201:
            raise RuntimeError(f"publish seq {seq}: HTTP {response.status}")


def unpacked_sizes(base: str) -> dict[str, int]:
    """The engine's files as the browser unpacks them, and gzip -9 of each (what a compressing
    server would send; production's WhiteNoise serves such copies)."""
    sizes: dict[str, int] = {}
    for path in sorted(PYODIDE_DIR.iterdir()):
        data = path.read_bytes()
        sizes[path.name] = len(data)
        sizes[f"{path.name}.gz"] = len(gzip.compress(data, 9))
    with urllib.request.urlopen(f"{base}/matches/engine/cricket.json", timeout=30) as response:
        bundle = response.read()
    sizes["cricket.json"] = len(bundle)
    sizes["cricket.json.gz"] = len(gzip.compress(bundle, 9))
    return sizes


class Transfers:
    """Response bodies as Chromium reports them (encoded, i.e. as sent), by path."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, bool]] = []

    def __call__(self, request: Any) -> None:
        try:
            body = request.sizes()["responseBodySize"]
        except Exception:
            body = 0
        path = urllib.request.urlparse(request.url).path
        self.rows.append((path, max(0, int(body)), request.service_worker is not None))

    def total(self, prefixes: tuple[str, ...] = ("/",)) -> int:
        return sum(size for path, size, _ in self.rows if path.startswith(prefixes))

    def clear(self) -> None:
        self.rows.clear()


def wait_marks(page: Any, names: tuple[str, ...], timeout_s: float) -> dict[str, float]:
    """Poll the page's marks until every name is there or the time is up."""
    deadline = time.monotonic() + timeout_s
    while True:
        marks = page.evaluate(MARKS)
        if all(any(m in marks for m in name.split("|")) for name in names):
            return marks
        if time.monotonic() > deadline:
            return marks
        page.wait_for_timeout(100)


def measure(browser: Any, base: str, console_url: str, session: str, rate: float,
            timeout_s: float) -> dict[str, Any]:  # fmt: skip
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    transfers = Transfers()
    ctx.on("requestfinished", transfers)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    cdp = ctx.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    result: dict[str, Any] = {"rate": rate}
    try:
        page.goto(console_url, wait_until="commit")
        first = wait_marks(
            page, ("pad-usable", "pad-ready", "engine-ready|engine-unavailable"), timeout_s
        )
        result["first"] = {
            "pad_usable_ms": first.get("pad-usable"),
            "pad_ready_ms": first.get("pad-ready"),
            "engine_ms": first.get("engine-ready"),
            "engine": page.evaluate("() => document.body.dataset.engine || 'not loaded'"),
        }
        deadline = time.monotonic() + timeout_s
        path = urllib.request.urlparse(console_url).path
        while not page.evaluate(CACHE_FULL, [CACHE, path]):
            if time.monotonic() > deadline:
                raise RuntimeError("the service worker's cache did not fill")
            page.wait_for_timeout(200)
        page.wait_for_timeout(500)  # let the service worker's own downloads finish reporting
        result["bytes"] = {
            "engine": transfers.total(ENGINE_PATHS),
            "engine_by_service_worker": sum(
                s for p, s, sw in transfers.rows if sw and p.startswith(ENGINE_PATHS)
            ),
            "all": transfers.total(),
            "requests": len(transfers.rows),
        }
        transfers.clear()
        ctx.set_offline(True)
        page.reload(wait_until="commit")
        again = wait_marks(page, ("pad-usable", "engine-ready|engine-unavailable"), timeout_s)
        result["offline"] = {
            "pad_usable_ms": again.get("pad-usable"),
            "engine_ms": again.get("engine-ready"),
            "engine_unavailable_ms": again.get("engine-unavailable"),
            "engine": page.evaluate("() => document.body.dataset.engine || 'not loaded'"),
            "note": page.evaluate("() => document.getElementById('engine-status').textContent"),
            "bytes": transfers.total(),
        }
    finally:
        result["errors"] = errors
        ctx.close()
    return result


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (int, float)):
        return f"{value:,.0f}"
    return str(value)


def table(runs: list[dict[str, Any]]) -> str:
    slow, fast = runs[0], runs[-1]
    rows = [
        ("first load: pad usable (ms)", lambda r: r["first"]["pad_usable_ms"]),
        ("first load: pad ready, link live (ms)", lambda r: r["first"]["pad_ready_ms"]),
        ("first load: engine loaded (ms)", lambda r: r["first"]["engine_ms"]),
        ("first load: engine", lambda r: r["first"]["engine"]),
        ("first load: engine bytes transferred", lambda r: r["bytes"]["engine"]),
        ("  of which the service worker's", lambda r: r["bytes"]["engine_by_service_worker"]),
        ("first load: all bytes transferred", lambda r: r["bytes"]["all"]),
        ("offline reload: pad usable (ms)", lambda r: r["offline"]["pad_usable_ms"]),
        ("offline reload: engine loaded (ms)", lambda r: r["offline"]["engine_ms"]),
        ("offline reload: engine", lambda r: r["offline"]["engine"]),
        ("offline reload: bytes from the network", lambda r: r["offline"]["bytes"]),
    ]  # fmt: skip
    head = f"| figure | CPU x{fmt(slow['rate'])} | CPU x{fmt(fast['rate'])} | ratio |"
    lines = [head, "|---|---:|---:|---:|"]
    for name, get in rows:
        a, b = get(slow), get(fast)
        numbers = isinstance(a, (int, float)) and isinstance(b, (int, float))
        ratio = f"{a / b:.2f}" if numbers and b else "-"
        lines.append(f"| {name} | {fmt(a)} | {fmt(b)} | {ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="4,1", help="CPU throttling rates, slowest first")
    parser.add_argument(
        "--events", type=int, default=120, help="log entries before the console opens"
    )
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for each step")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing (make install; scripts/services.sh)")
    from playwright.sync_api import sync_playwright

    WORKDIR.mkdir(parents=True, exist_ok=True)
    database = WORKDIR / f"console-{uuid.uuid4().hex[:10]}.sqlite3"
    env = server_env(f"sqlite:///{database}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    match_id, token, events = scores_setup(env, str(T20))
    session = login_session(env, "benchscorer")
    port = free_port()
    log_path = WORKDIR / f"console-{port}.log"
    command = [str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    with log_path.open("wb") as log:
        process = spawn(command, env, log)
    try:
        if not wait_ready(process, port, "/healthz", 60):
            raise RuntimeError(f"server not ready:\n{log_path.read_text()[-3000:]}")
        base = f"http://127.0.0.1:{port}"
        for seq, event in enumerate(events[: args.events]):
            publish(base, match_id, token, seq, event)
        sizes = unpacked_sizes(base)
        console_url = f"{base}/matches/{match_id}/score/"
        runs = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for rate in rates:
                    runs.append(measure(browser, base, console_url, session, rate, args.timeout))
            finally:
                browser.close()
    finally:
        stop(process)
        database.unlink(missing_ok=True)
    record = {
        "command": "python -m bench.console_load "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "events": args.events,
        "runs": runs,
        "unpacked": sizes,
        "load_average": os.getloadavg()[0],
    }
    print(table(runs))
    runtime = sum(v for k, v in sizes.items() if not k.endswith(".gz"))
    packed = sum(v for k, v in sizes.items() if k.endswith(".gz"))
    files = ", ".join(f"{k} {v:,}" for k, v in sizes.items() if not k.endswith(".gz"))
    print(f"\nengine unpacked: {runtime:,} bytes ({files})")
    print(f"engine gzip -9: {packed:,} bytes")
    print(f"load average (1 min) at the end: {record['load_average']:.1f}")
    print("CPU throttling reaches the page's main thread (the pad), not the engine's worker")
    if len(runs) > 1 and runs[-1]["first"]["engine_ms"] and runs[0]["first"]["engine_ms"]:
        ratio = runs[0]["first"]["engine_ms"] / runs[-1]["first"]["engine_ms"]
        print(f"first-load engine time, CPU x{fmt(rates[0])} / x{fmt(rates[-1])}: {ratio:.2f}")
    for run in runs:
        if run["errors"]:
            print(f"page errors at CPU x{fmt(run['rate'])}: {run['errors']}")
    if args.json:
        args.json.write_text(json.dumps(record, indent=2))
    return record


if __name__ == "__main__":
    main()
