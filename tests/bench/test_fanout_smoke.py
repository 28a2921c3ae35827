"""The fan-out benchmark harness runs end to end on a tiny load (not the benchmark itself)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.db]

ROOT = Path(__file__).resolve().parents[2]


def test_bench_delivers_every_message_to_every_fan_on_both_servers(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.fanout", "--fans", "50", "--messages", "3", "--rate", "20",
         "--server", "both", "--batch", "25", "--timeout", "20", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads(out.read_text())
    for server in ("crease", "reference"):
        figures = record[server]
        assert figures["opened"] == 50
        assert figures["delivered"] == figures["expected"] == 150
        assert figures["fanout_max_ms"] > 0
        assert figures["server_cpu_s"] >= 0
    assert record["crease"]["presence_count"] >= 50
    assert "deliveries per second" in done.stdout
    assert record["targets"]["delivered_ratio"]["met"]
