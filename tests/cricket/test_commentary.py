"""Commentary lines: written as each event is applied, kept in step through undo and edits."""

from __future__ import annotations

import pytest

from cricket import Match, cricsheet
from cricket.commentary import ball_kind
from cricket.events import Delivery
from tests.cricket.helpers import out, started
from tests.support.servers import ROOT

T20 = ROOT / "tests" / "data" / "cricsheet" / "1370353.json"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("0", "dot"),
        ("1", "runs"),
        ("3", "runs"),
        ("4", "four"),
        ("6", "six"),
        ("1wd", "extra"),
        ("5wd", "extra"),
        ("nb", "extra"),
        ("nb+4", "extra"),
        ("2b", "extra"),
        ("1lb", "extra"),
        ("0 +5p", "extra"),
        ("W", "wicket"),
        ("1 W", "wicket"),
        ("1wd W", "wicket"),
        (None, "event"),
        ("", "event"),
    ],
)
def test_each_ball_label_has_one_kind(label: str | None, kind: str) -> None:
    assert ball_kind(label) == kind


def test_a_ball_is_described_with_bowler_batter_and_what_happened() -> None:
    m = started()
    m.apply(Delivery(runs=4))
    m.apply(out("caught", fielders=("A3",)))
    four, wicket = m.commentary[-2:]
    assert (four.innings, four.over, four.label, four.kind) == (1, "0.1", "4", "four")
    assert four.description == "A11 to H1, FOUR"
    assert (wicket.over, wicket.label, wicket.kind) == ("0.2", "W", "wicket")
    assert wicket.description == "A11 to H1, OUT (caught)"
    assert [line.kind for line in m.commentary[:4]] == ["event"] * 4
    assert m.commentary[1].description == "H1 comes in"


def _real() -> Match:
    setup, events = cricsheet.load(T20)
    return Match.from_events(setup, events[:120])


def _fresh(m: Match) -> Match:
    return Match.from_events(m.setup, m.events)


def test_commentary_after_undo_and_every_edit_equals_a_fresh_replay() -> None:
    m = _real()
    assert len(m.commentary) == m.event_count == 120
    m.undo()
    assert m.commentary == _fresh(m).commentary
    # A dot ball early on becomes a four: every later ball's over and label may move.
    at = next(
        i + 1
        for i, e in enumerate(m.events)
        if isinstance(e, Delivery) and e.legal and e.total == 0 and not e.wickets
    )
    m.replace(at, Delivery(runs=4))
    assert m.commentary == _fresh(m).commentary
    assert m.commentary[at - 1].label == "4"
    m.insert(at, Delivery(wides=1))  # an extra ball that does not end the over early
    assert m.commentary == _fresh(m).commentary
    m.delete(at)
    assert m.commentary == _fresh(m).commentary
    assert len(m.commentary) == m.event_count


def test_a_refused_edit_leaves_the_commentary_as_it_was() -> None:
    m = _real()
    before = m.commentary
    with pytest.raises(ValueError, match="illegal"):
        m.replace(1, Delivery(runs=1))  # a ball before any innings has started
    assert m.commentary == before


def test_the_state_before_an_event_is_the_state_the_events_before_it_give() -> None:
    m = _real()
    for at in (1, 2, 57, 120, 121):
        before = m.state_before(at)
        replayed = Match.from_events(m.setup, m.events[: at - 1]).state
        assert before == replayed
