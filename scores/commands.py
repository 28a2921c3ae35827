"""The scorer's command envelope, decoded once for the socket and the HTTP API alike.

Pure (no Django, no I/O): `envelope_decode` turns an untrusted JSON object into a
`ScoreCommand` or raises `CommandRefused` with the code a client is told (docs/protocol.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cricket.commands import Command, InvalidCommand, command_from_dict
from cricket.errors import IllegalEvent
from realtime.errors import Refused
from realtime.values import has_nul, is_whole_number

RefusalCode = Literal[
    "invalid_command",  # the envelope or the command is malformed
    "illegal_event",  # the engine refuses the cricket (its reason is given)
    "stale_seq",  # someone else scored first: `seq` is the match's
    "not_found",  # no such match
    "login_required",  # an anonymous socket
    "not_a_scorer",  # a logged-in user without scorer rights for this match
    "unauthorized",  # an API token that is missing, wrong or revoked
    "forbidden",  # an API token whose user has no scorer rights for this match
    "storage_failed",  # the database is away: nothing was stored or sent
    "id_reused",  # the command id is already stored for a different command
    "slow_down",  # commands come faster than the server takes them: `retry_after` seconds
]
ENVELOPE_KEYS = frozenset({"type", "id", "command", "expect_seq", "commentary", "override"})
OVERRIDE_KINDS = frozenset({"delivery", "new_batter", "new_bowler"})
"""The events an `override` (what the umpires allowed, in words) may be recorded on."""
MAX_OVERRIDE_CHARS = 200
MAX_ID_CHARS = 100
MAX_COMMENTARY_CHARS = 500
STORAGE_FAILED = "the event could not be stored; nothing was sent"


class CommandRefused(Refused):
    """A refused scorer command; nothing was stored. `seq` is the match's current log seq when
    known (sent to the client, so it can tell how far behind it is)."""

    code: RefusalCode

    def __init__(
        self,
        code: RefusalCode,
        reason: str,
        *,
        seq: int | None = None,
        overridable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, reason)
        self.seq = seq
        self.overridable = overridable
        self.retry_after = retry_after

    def details(self) -> dict[str, Any]:
        """The refusal's facts beyond code and reason, for the error frame or JSON body."""
        out: dict[str, Any] = {}
        if self.seq is not None:
            out["seq"] = self.seq
        if self.overridable is not None:
            out["overridable"] = self.overridable
        if self.retry_after is not None:
            out["retry_after"] = self.retry_after
        return out


@dataclass(frozen=True)
class ScoreCommand:
    """A decoded envelope: the command, the log seq the client last saw (None: append
    wherever the log is), the scorer's commentary line and the client's id for it."""

    command: Command
    expect_seq: int | None = None
    commentary: str | None = None
    id: str | int | None = None

    @property
    def stored_id(self) -> str | None:
        """The id as stored with the log entry (compared as text)."""
        return None if self.id is None else str(self.id)


def client_id(content: Mapping[str, Any]) -> str | int | None:
    """The envelope's `id` (echoed in the answer): a short string or number, or absent."""
    value = content.get("id")
    if value is None:
        return None
    if not (isinstance(value, str) or is_whole_number(value)) or len(str(value)) > MAX_ID_CHARS:
        raise CommandRefused("invalid_command", f"'id' must be a string of at most {MAX_ID_CHARS}")
    if isinstance(value, str) and "\x00" in value:
        raise CommandRefused("invalid_command", "'id' may not contain NUL characters")
    return value


def envelope_decode(content: Mapping[str, Any], *, expect_seq_required: bool) -> ScoreCommand:
    """Decode `{"type"?, "id"?, "expect_seq", "command", "commentary"?}`; raises CommandRefused."""
    command_id = client_id(content)
    unknown = sorted(set(content) - ENVELOPE_KEYS)
    if unknown:
        raise CommandRefused("invalid_command", f"unknown key(s): {', '.join(unknown)}")
    expect_seq = content.get("expect_seq")
    if expect_seq is None and expect_seq_required:
        raise CommandRefused("invalid_command", "'expect_seq' must be the last seq you saw")
    if expect_seq is not None and (not is_whole_number(expect_seq) or expect_seq < 0):
        raise CommandRefused("invalid_command", "'expect_seq' must be a whole number or absent")
    if "command" not in content:
        raise CommandRefused("invalid_command", "the envelope needs a 'command'")
    if has_nul(content["command"]):
        raise CommandRefused("invalid_command", "command text may not contain NUL characters")
    raw = _with_override(content["command"], content.get("override"))
    try:
        command = command_from_dict(raw)
    except InvalidCommand as exc:
        raise CommandRefused("invalid_command", str(exc)) from None
    except IllegalEvent as exc:
        raise illegal_event(exc) from None
    return ScoreCommand(
        command=command,
        expect_seq=expect_seq,
        commentary=_commentary(content.get("commentary")),
        id=command_id,
    )


def _commentary(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise CommandRefused("invalid_command", "commentary must be text")
    text = (value or "").strip() or None
    if text is not None and len(text) > MAX_COMMENTARY_CHARS:
        raise CommandRefused(
            "invalid_command", f"commentary is limited to {MAX_COMMENTARY_CHARS} characters"
        )
    if text is not None and "\x00" in text:
        raise CommandRefused("invalid_command", "commentary may not contain NUL characters")
    return text


def _with_override(command: object, override: object) -> object:
    """The command with the envelope's `override` put on its event (the engine's own place for
    it: the event dict's "override"); the command as is when there is none."""
    if override is None:
        return command
    if not isinstance(override, str) or not override.strip():
        raise CommandRefused("invalid_command", "'override' must say what the umpires allowed")
    if len(override) > MAX_OVERRIDE_CHARS or "\x00" in override:
        raise CommandRefused(
            "invalid_command", f"'override' is limited to {MAX_OVERRIDE_CHARS} characters"
        )
    if not isinstance(command, dict):
        return command  # the decoder says what is wrong with it
    edit = command.get("kind") in ("replace", "insert")
    target = command.get("event") if edit else command
    if not isinstance(target, dict) or target.get("kind") not in OVERRIDE_KINDS:
        raise CommandRefused(
            "invalid_command", "an override can be given only with a delivery, new batter or bowler"
        )
    if target.get("override") not in (None, override):
        raise CommandRefused("invalid_command", "two different overrides given")
    target = {**target, "override": override.strip()}
    return {**command, "event": target} if edit else target


def illegal_event(exc: IllegalEvent, *, seq: int | None = None) -> CommandRefused:
    """The engine's refusal as the client is told it: plain words and whether `override` may
    record it anyway."""
    return CommandRefused(
        "illegal_event", illegal_reason(exc), seq=seq, overridable=exc.overridable
    )


def illegal_reason(exc: IllegalEvent) -> str:
    """The engine's reason for a refusal, in the scorer's words."""
    return str(exc) or "that event is not allowed here"
