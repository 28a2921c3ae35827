"""The one exception the engine raises for anything a scorer did wrong."""

from __future__ import annotations


class IllegalEvent(ValueError):
    """An event (or input) that cannot be applied; ``str(exc)`` is a reason a scorer understands."""
