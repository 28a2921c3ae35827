"""Delta updates over a whole real T20 (the 2023 IPL final): a fan that starts from a snapshot
and applies every stored frame holds exactly the next snapshot after every ball, and after a
resume; and the bytes each fan gets per ball stay small."""

from __future__ import annotations

import copy
import json
import statistics
from typing import Any

import pytest

from realtime import delta
from scores import selectors
from tests.scores.helpers import make_match, real_match, record
from tests.support.feed import fan_state, fold

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.db]

BYTES_PER_BALL_TARGET = 600
"""Issue 14: every frame a fan gets over a real T20, in bytes, over the balls bowled."""


def stored_snapshot(match_id: int) -> dict[str, Any]:
    """The snapshot a fan connecting now would get, as it arrives (JSON)."""
    return fan_state(json.loads(json.dumps(selectors.match_snapshot(match_id=match_id))))


def test_every_update_of_a_whole_t20_gives_exactly_the_next_snapshot_and_resumes_too(capsys):
    match = make_match()
    _, events = real_match()
    state = stored_snapshot(match.id)
    held = {0: copy.deepcopy(state)}
    sizes = []
    for seq, event in enumerate(events, 1):
        applied = record(match_id=match.id, command=event, expect_seq=seq - 1)
        frame = json.loads(applied.frame)
        assert frame["type"] == "update", f"seq {seq} went out as a {frame['type']}"
        sizes.append(len(applied.frame.encode()))
        state = fold(state, frame)
        assert state == stored_snapshot(match.id), f"after seq {seq}"
        held[seq] = copy.deepcopy(state)
    final = held[len(events)]
    assert final["scoreboard"]["result"], "the whole match was scored"

    # `?since=0` after a whole match gets a snapshot, not every frame again (issue 15.7).
    assert selectors.resume_frames(match_id=match.id, since=0) is None
    # A fan who left at any seq and resumes from it holds the final snapshot again.
    for since in (0, 1, 60, 119, 150, len(events) - 20, len(events) - 1, len(events)):
        frames = selectors.resume_frames(match_id=match.id, since=since)
        resumed = held[since] if frames is not None else None
        if frames is None:  # too far behind: the server sends a snapshot instead
            resumed = stored_snapshot(match.id)
        else:
            assert [seq for seq, _ in frames] == list(range(since + 1, len(events) + 1))
            for _, text in frames:
                resumed = fold(resumed, json.loads(text))
        assert resumed == final, f"resumed from {since}"

    balls = sum(event["kind"] == "delivery" for event in events)
    per_ball = sum(sizes) / balls
    sizes.sort()
    mean, p95 = statistics.mean(sizes), sizes[int(0.95 * len(sizes))]
    snapshot_bytes = len(json.dumps(selectors.match_snapshot(match_id=match.id)).encode())
    with capsys.disabled():
        print(
            f"\ndelta updates, 2023 IPL final ({len(sizes)} frames, {balls} balls): "
            f"{per_ball:.0f} B per ball (target <= {BYTES_PER_BALL_TARGET} B); a frame mean "
            f"{mean:.0f} B, p95 {p95} B, max {sizes[-1]} B (a snapshot: {snapshot_bytes} B)"
        )
    assert per_ball <= BYTES_PER_BALL_TARGET


def test_undo_and_edits_go_out_as_snapshots_and_later_updates_fold_onto_them():
    match = make_match()
    _, events = real_match()
    state = stored_snapshot(match.id)
    seq = 0
    commands: list[Any] = [*events[:12], {"kind": "undo"}, events[11], events[12]]
    commands += [{"kind": "replace", "at": 8, "event": events[7]}, events[13]]
    kinds = []
    for command in commands:
        applied = record(match_id=match.id, command=command, expect_seq=seq)
        seq = applied.seq
        frame = json.loads(applied.frame)
        kinds.append(frame["type"])
        state = fold(state, frame)
        assert state == stored_snapshot(match.id), f"after seq {seq}"
    assert kinds[12] == kinds[15] == "snapshot"
    assert kinds[13] == kinds[16] == "update"


def test_an_update_whose_edit_does_not_fit_is_a_doubt():
    match = make_match()
    _, events = real_match()
    state = stored_snapshot(match.id)
    frame = json.loads(record(match_id=match.id, command=events[0], expect_seq=0).frame)
    state["scoreboard"]["teams"].reverse()  # a copy that is not what the server edited
    with pytest.raises(delta.Doubt):
        fold(state, frame)
