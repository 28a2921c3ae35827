"""The one exception the engine raises for anything a scorer did wrong."""

from __future__ import annotations

# Codes of refusals the scorer may record anyway ("the umpires allowed it"): resend the same
# event with ``override`` set to the reason, and the scorecard carries a note.
OVERRIDABLE = frozenset(
    {
        "consecutive_overs",  # Law 17.6 / playing conditions: the previous over (or too many)
        "bowled_part_of_previous_over",  # Law 17.8: a bowler of part of the last over
        "bowler_quota",  # overs or balls per bowler
        "innings_over",  # an event after the innings should have ended
    }
)


class IllegalEvent(ValueError):
    """An event (or input) that cannot be applied; ``str(exc)`` is a reason a scorer understands.

    ``code`` is a stable name for the refusal ("illegal" unless more is known); ``overridable``
    says the scorer may record the event anyway by resending it with ``override="reason"``.
    """

    def __init__(self, reason: str = "", *, code: str = "illegal") -> None:
        super().__init__(reason)
        self.code = code
        self.overridable = code in OVERRIDABLE

    def again(self, reason: str) -> IllegalEvent:
        """The same refusal (code and all) with a reworded reason, e.g. naming the event."""
        return type(self)(reason, code=self.code)
