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
    return {"seq": frame["seq"], **json.loads(text)}


class Feed:
    """A feed folded frame by frame as `fold` does, keeping the document's canonical text and
    parsing it only when read: many fans in one test process stay cheap per ball."""

    def __init__(self) -> None:
        self.seq: int | None = None
        self._text: str | None = None
        self._state: dict[str, Any] | None = None

    def fold(self, frame: dict[str, Any]) -> None:
        """Fold one `snapshot` or `update`; delta.Doubt (the feed left as it was) if it does
        not fit."""
        if frame["type"] == "snapshot":
            self._state, self._text = fan_state(frame), None
        else:
            if frame["type"] != "update" or self.seq is None or frame["base"] != self.seq:
                raise delta.Doubt(f"a {frame['type']} from #{frame.get('base')} at #{self.seq}")
            text = delta.apply(self._document_text(), frame["edit"])
            if delta.checksum(text) != frame["sum"]:
                raise delta.Doubt("the edited document's checksum differs")
            self._state, self._text = None, text
        self.seq = frame["seq"]

    @property
    def state(self) -> dict[str, Any] | None:
        if self._state is None and self._text is not None:
            self._state = {"seq": self.seq, **json.loads(self._text)}
        return self._state

    @property
    def summary(self) -> str:
        """The match's summary line (part of the document)."""
        return str((self.state or {}).get("summary", ""))

    def _document_text(self) -> str:
        if self._text is None:
            state = self.state or {}
            document = {k: v for k, v in state.items() if k not in NOT_IN_DOCUMENT}
            self._text = delta.canonical(document)
        return self._text
