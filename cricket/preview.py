"""What the scorer's console shows before the server has answered: the stored log replayed,
then the commands still waiting to be sent, as a fans' `snapshot` message.

The browser runs this module in Pyodide (scores/static/scores/engine-worker.js) so that an
offline console keeps score by the server's own rules: one engine, not two. JSON in, JSON out.
"""

from __future__ import annotations

import json
from typing import Any

from cricket import codec
from cricket.commands import InvalidCommand, command_from_dict
from cricket.errors import IllegalEvent
from cricket.scorebook import Scorebook, board_parts, board_status, scorebook_replay


def _queued(item: Any) -> tuple[Any, str | None]:
    """A queued item is a socket envelope (`{"command", "commentary"?, ...}`) or a bare command."""
    if isinstance(item, dict) and "command" in item:
        text = item.get("commentary")
        return item["command"], text if isinstance(text, str) and text.strip() else None
    return item, None


def preview(log: dict[str, Any], base_seq: int, queued: list[Any]) -> dict[str, Any]:
    """`log` is the scorer log endpoint's answer (`setup`, `match`, `entries`: seq, command,
    commentary). The snapshot is the log up to `base_seq`, then each queued command in turn as
    provisional seqs base_seq+1, ...; `refused` names the first queued command the engine
    refuses (the snapshot is then the state before it)."""
    rows = [
        (e["seq"], e["command"], e.get("commentary"))
        for e in log["entries"]
        if e["seq"] <= base_seq
    ]
    book: Scorebook = scorebook_replay(codec.setup_from_dict(log["setup"]), rows)
    refused: dict[str, Any] | None = None
    for index, item in enumerate(queued):
        payload, text = _queued(item)
        try:
            book.execute(command_from_dict(payload), book.seq + 1, text)
        except InvalidCommand as exc:
            refused = {"index": index, "code": "invalid_command", "reason": str(exc)}
            refused["overridable"] = False
            break
        except IllegalEvent as exc:
            reason = str(exc) or "that event is not allowed here"
            refused = {"index": index, "code": "illegal_event", "reason": reason}
            refused["overridable"] = exc.overridable
            break
    parts = board_parts(book)
    match = dict(log["match"], status=board_status(parts["scoreboard"]))
    snapshot = {"type": "snapshot", "seq": book.seq, "match": match, **parts}
    return {"snapshot": snapshot, "refused": refused}


def preview_json(log_json: str, base_seq: int, queued_json: str) -> str:
    """preview() over JSON text: what the worker calls (no Python objects cross into JS)."""
    return json.dumps(preview(json.loads(log_json), base_seq, json.loads(queued_json)))
