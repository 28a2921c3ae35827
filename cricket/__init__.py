"""Crease cricket scoring engine: scorer events in, match state out (standard library only)."""

from cricket.errors import IllegalEvent
from cricket.match import Match
from cricket.setup import MatchSetup, Rules, Team

__all__ = ["IllegalEvent", "Match", "MatchSetup", "Rules", "Team"]
