"""bench/delta.py runs over a whole real T20 and reports what docs/protocol.md quotes."""

from __future__ import annotations

import pytest

from bench import delta as bench_delta

pytestmark = [pytest.mark.slow]


def test_the_delta_bench_measures_every_ball_of_a_real_t20(capsys):
    result = bench_delta.main(["--rounds", "1"])
    assert result["events"] == result["updates"] == 268
    assert result["balls"] == 216  # deliveries (wides and no-balls among them)
    assert result["bytes_per_ball"] <= 600 < result["snapshot"]["mean"]
    # Deflate shrinks the frames, at a CPU cost per fan that the choice in the docs weighs.
    assert result["deflate_takeover"]["mean"] < result["update"]["mean"]
    assert result["deflate_takeover"]["cpu_us"] > 0
    assert result["compressor_bytes"] > 0
    assert "target <= 600 B: met" in capsys.readouterr().out
