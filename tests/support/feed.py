"""A fan's feed in Python, folded exactly as feed.js folds it (docs/protocol.md, "Delta
updates"): tests check what a fan holds, not how the frames spell it."""

from __future__ import annotations

import json
from typing import Any

from realtime import delta
from scores.messages import NOT_IN_DOCUMENT


def fan_state(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What a fan holds after a snapshot (feed.js fromSnapshot): everything but its type."""
    return {key: value for key, value in snapshot.items() if key != "type"}


def fold(state: dict[str, Any] | None, frame: dict[str, Any]) -> dict[str, Any]:
    """The state after one `snapshot` or `update` frame; delta.Doubt when it does not fit."""
    if frame["type"] == "snapshot":
        return fan_state(frame)
    if frame["type"] != "update" or state is None:
        raise delta.Doubt(f"a {frame['type']} frame for a feed at {state and state['seq']}")
    if frame["base"] != state["seq"]:
        raise delta.Doubt(f"an update from #{frame['base']} for a feed at #{state['seq']}")
    document = {key: value for key, value in state.items() if key not in NOT_IN_DOCUMENT}
    text = delta.apply(delta.canonical(document), frame["edit"])
    if delta.checksum(text) != frame["sum"]:
        raise delta.Doubt("the edited document's checksum differs")
    return {"seq": frame["seq"], "summary": frame["summary"], **json.loads(text)}
