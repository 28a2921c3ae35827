"""The names of formats: each preset's label, and a short name for any playing conditions."""

from __future__ import annotations

from cricket.setup import PRESETS, Rules

PRESET_LABELS: dict[str, str] = {
    "T20": "T20 (20 overs)",
    "ODI": "ODI (50 overs)",
    "Hundred": "The Hundred (100 balls)",
    "Test": "Test (two innings each)",
}
"""What a person picking a preset reads, by the preset's name in cricket.setup.PRESETS."""
assert set(PRESET_LABELS) == set(PRESETS), "every preset needs a label"


def format_name(rules: Rules) -> str:
    """A short name for the playing conditions: T20, ODI, The Hundred, Test or "N overs"."""
    if rules.overs is None:
        return "Test" if rules.innings_per_side == 2 else "unlimited overs"
    if rules.balls_per_over == 5 and rules.overs == 20:
        return "The Hundred"
    return {20: "T20", 50: "ODI"}.get(rules.overs, f"{rules.overs} overs")
