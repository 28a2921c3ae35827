"""Recording what the umpires allowed that the conditions forbid: an explicit override with a
reason, a note on the scorecard, and never a silent acceptance."""

from __future__ import annotations

import copy

import pytest

from cricket import IllegalEvent, Match
from cricket.codec import event_from_dict, event_to_dict
from cricket.events import Delivery, MiscountedOver, NewBatter, NewBowler, StartInnings, Wicket
from cricket.result import outcome
from cricket.scoreboard import snapshot
from tests.cricket.helpers import play_innings, started

UMPIRES = "the umpires miscounted and allowed it"


def dots(m: Match, n: int) -> None:
    for _ in range(n):
        m.apply(Delivery())


def refused(m: Match, event: object) -> IllegalEvent:
    before = copy.deepcopy(snapshot(m))
    with pytest.raises(IllegalEvent) as info:
        m.apply(event)  # type: ignore[arg-type]
    assert snapshot(m) == before
    return info.value


def test_consecutive_overs_are_refused_as_overridable_then_recorded_with_a_note() -> None:
    m = started()
    dots(m, 6)
    exc = refused(m, NewBowler("A11"))
    assert (exc.code, exc.overridable) == ("consecutive_overs", True)
    assert "record it anyway with an override" in str(exc)
    m.apply(NewBowler("A11", override=UMPIRES))
    notes = snapshot(m)["notes"]
    assert notes == [
        {
            "seq": 11,
            "innings": 1,
            "over": 2,
            "code": "consecutive_overs",
            "text": "A11 bowled the previous over",
            "reason": UMPIRES,
        }
    ]
    assert snapshot(m)["innings"][0]["notes"] == notes


def test_an_override_does_not_excuse_what_no_umpire_can_allow() -> None:
    m = started()
    dots(m, 6)
    exc = refused(m, NewBowler("H1", override=UMPIRES))
    assert (exc.code, exc.overridable) == ("not_in_side", False)


def test_the_quota_can_be_overridden_and_is_noted() -> None:
    m = started(overs=20, max_overs_per_bowler=1)
    dots(m, 6)
    m.apply(NewBowler("A10"))
    dots(m, 6)
    exc = refused(m, NewBowler("A11"))
    assert exc.code == "bowler_quota"
    m.apply(NewBowler("A11", override=UMPIRES))
    assert [n["text"] for n in snapshot(m)["notes"]] == ["A11 has bowled the maximum 1 overs"]


def test_law_17_8_neither_bowler_of_a_shared_over_may_bowl_the_next() -> None:
    m = started()
    m.apply(Delivery())
    m.apply(NewBowler("A10", mid_over=True))  # A11 hurt; A10 finishes the over
    dots(m, 5)
    for bowler in ("A11", "A10"):
        exc = refused(m, NewBowler(bowler))
        assert exc.code == "bowled_part_of_previous_over"
        assert "Law 17.8" in str(exc)
    rows = {r["name"]: r for r in snapshot(m)["bowlers"]}
    assert rows["A11"]["eligible"] is False
    assert rows["A9"]["eligible"] is True
    m.apply(NewBowler("A10", override=UMPIRES))
    assert snapshot(m)["notes"][0]["code"] == "bowled_part_of_previous_over"


def test_a_bowler_who_bowled_the_last_over_cannot_finish_this_one_either() -> None:
    m = started()
    dots(m, 6)
    m.apply(NewBowler("A10"))
    m.apply(Delivery())
    exc = refused(m, NewBowler("A11", mid_over=True))
    assert exc.code == "consecutive_overs"


def test_a_ball_after_the_innings_should_have_ended_is_recorded_with_an_override() -> None:
    m = started(overs=1, max_overs_per_bowler=1, tie_break="none")
    play_innings(m, ["A11"], per_ball=2)
    assert m.state.innings[0].close_reason == "overs"
    exc = refused(m, NewBowler("A10"))
    assert (exc.code, exc.overridable) == ("innings_over", True)
    assert "the innings has ended (its overs are up)" in str(exc)
    m.apply(NewBowler("A10", override=UMPIRES))
    m.apply(Delivery(runs=4))  # the innings is open for this ball, then closes again
    inn = m.state.innings[0]
    assert (inn.runs, inn.overs_display, inn.closed, inn.close_reason) == (16, "1.1", True, "overs")
    assert [n["code"] for n in snapshot(m)["notes"]] == ["innings_over"]
    assert snapshot(m)["notes"][0]["text"] == (
        "A10 came on to bowl after the innings should have ended (its overs were up)"
    )
    exc = refused(m, Delivery())
    assert exc.code == "innings_over"


def test_balls_after_the_target_keep_the_result_a_win_by_wickets() -> None:
    m = started(overs=2, max_overs_per_bowler=1)
    play_innings(m, ["A11", "A10"])  # 12
    m.apply(StartInnings())
    m.apply(NewBatter("A1"))
    m.apply(NewBatter("A2"))
    m.apply(NewBowler("H11"))
    m.apply(Delivery(runs=6))
    m.apply(Delivery(runs=6))
    m.apply(Delivery(runs=1))  # 13 of 13: won
    assert m.state.finished
    m.apply(Delivery(runs=2, override="recorded after the target was reached"))
    res = outcome(m.state)
    assert res is not None
    assert res.text == "Away won by 10 wickets"
    assert m.state.innings[1].runs == 15
    assert snapshot(m)["notes"][0]["text"] == (
        "a ball was bowled after the innings should have ended (the target had been reached)"
    )


def test_a_short_over_with_a_wide_after_its_last_legal_ball() -> None:
    m = started()
    dots(m, 5)
    m.apply(Delivery(wides=1))
    m.apply(MiscountedOver(5, reason="umpire called over early"))
    live = m.state.live
    assert live is not None
    assert (live.overs, live.balls, live.bowler) == (1, 0, None)
    note = snapshot(m)["notes"][0]
    assert (note["code"], note["text"], note["reason"]) == (
        "over_length",
        "over 1 had 5 legal balls instead of 6",
        "umpire called over early",
    )


def test_a_long_over_is_noted_once_with_its_final_count() -> None:
    m = started()
    m.apply(MiscountedOver(8))
    m.apply(MiscountedOver(7))
    dots(m, 7)
    assert [n["text"] for n in snapshot(m)["notes"]] == ["over 1 had 7 legal balls instead of 6"]


def test_an_override_on_a_legal_event_adds_no_note() -> None:
    m = started()
    m.apply(Delivery(runs=1, override="just in case"))
    assert snapshot(m)["notes"] == []


def test_an_override_survives_the_wire_format_and_a_replay() -> None:
    m = started()
    dots(m, 6)
    m.apply(NewBowler("A11", override=UMPIRES))
    wire = [event_from_dict(event_to_dict(e)) for e in m.events]
    assert wire == list(m.events)
    replayed = Match.from_events(m.setup, wire)
    assert snapshot(replayed)["notes"] == snapshot(m)["notes"]


def test_undo_removes_the_overridden_event_and_its_note() -> None:
    m = started()
    dots(m, 6)
    m.apply(NewBowler("A11", override=UMPIRES))
    m.undo()
    assert snapshot(m)["notes"] == []


def test_replaying_a_log_names_the_refused_event_and_keeps_its_code() -> None:
    m = started()
    dots(m, 6)
    events = [*m.events, NewBowler("A11")]
    with pytest.raises(IllegalEvent, match="event #11") as info:
        Match.from_events(m.setup, events)
    assert (info.value.code, info.value.overridable) == ("consecutive_overs", True)


def test_an_edit_refused_because_of_a_later_event_is_not_overridable() -> None:
    m = started()
    m.apply(Delivery(wickets=(Wicket("bowled"),)))
    m.apply(NewBatter("H3"))
    with pytest.raises(IllegalEvent, match="event #6") as info:
        m.replace(5, Delivery())
    assert (info.value.code, info.value.overridable) == ("edit_conflict", False)


def test_setups_stored_before_law_17_8_replay_as_they_did() -> None:
    m = started(law_17_8=False)
    m.apply(Delivery())
    m.apply(NewBowler("A10", mid_over=True))
    dots(m, 5)
    m.apply(NewBowler("A11"))  # replaced during the last over: allowed, as it was
    assert snapshot(m)["notes"] == []
    dots(m, 6)
    m.apply(NewBowler("A9"))
    m.apply(Delivery())
    assert refused(m, NewBowler("A11", mid_over=True)).code == "consecutive_overs"
