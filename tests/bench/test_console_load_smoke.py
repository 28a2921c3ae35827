"""bench/console_load.py runs end to end at CPU x1 and reports its figures (not the benchmark)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]


def test_console_load_bench_reports_the_first_load_the_offline_reload_and_the_bytes(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.console_load", "--rates", "1", "--events", "10",
         "--timeout", "120", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=400, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    run = json.loads(out.read_text())["runs"][0]
    assert run["first"]["pad_usable_ms"] > 0
    assert run["first"]["engine"] == "ready"
    assert run["first"]["engine_ms"] > run["first"]["pad_usable_ms"]
    assert run["bytes"]["engine"] > 10_000_000
    assert run["offline"]["pad_usable_ms"] > 0
    assert run["offline"]["bytes"] == 0
    assert "first load: pad usable (ms)" in done.stdout
