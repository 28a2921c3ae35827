"""Cricsheet JSON (data versions 1.0.0 and 1.1.0) to match setup + event log, and back."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from cricket import events as ev
from cricket.apply import runs_run
from cricket.conditions import PRESETS
from cricket.cricsheet_conditions import DISMISSED_BY_BOWLER, deliveries, infer_rules
from cricket.errors import IllegalEvent
from cricket.match import Match
from cricket.result import outcome as match_outcome
from cricket.setup import MatchSetup, Team
from cricket.values import is_whole_number

VERSIONS = ("1.0.0", "1.1.0", "1.2.0")
RETIRED: dict[str, ev.RetirementReason] = {
    "retired hurt": "hurt",
    "retired not out": "not out",
    "retired out": "out",
}
_NO_WINNER: dict[str, ev.ResultKind] = {"tie": "tie", "draw": "draw", "no result": "no result"}
# Result methods that are rain rules (Cricsheet's labels, shown as recorded, e.g. "(D/L)").
RAIN_METHODS = ("D/L", "DLS", "VJD")
# The reason given when the importer records what the umpires allowed against the conditions.
IMPORT_OVERRIDE = "as recorded in the match data"


class CricsheetError(IllegalEvent):
    """Bad Cricsheet data; the message names the innings, over and ball where relevant."""


def _read(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    if isinstance(source, dict):
        data = source
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CricsheetError(f"cannot read {source}: {exc}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CricsheetError(f"{source} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
        raise CricsheetError("not a Cricsheet match: no 'info' object")
    if not isinstance(data.get("innings"), list):
        raise CricsheetError("not a Cricsheet match: no 'innings' list")
    version = (data.get("meta") or {}).get("data_version")
    if version not in VERSIONS:
        raise CricsheetError(f"unsupported Cricsheet data_version {version!r}")
    return data


def _replacement_ins(data: dict[str, Any]) -> dict[str, list[str]]:
    ins: dict[str, list[str]] = {}
    for _idx, _inn, d in deliveries(data):
        for r in (d.get("replacements") or {}).get("match", []):
            ins.setdefault(r["team"], []).append(r["in"])
    return ins


def _setup(data: dict[str, Any]) -> MatchSetup:
    info = data["info"]
    teams = info.get("teams")
    if not isinstance(teams, list) or len(teams) != 2:
        raise CricsheetError("info.teams must name two teams")
    players = info.get("players") or {}
    ins = _replacement_ins(data)
    built = []
    for name in teams:
        listed = list(players.get(name) or [])
        if not listed:  # very old files have no players list: collect names from the deliveries
            listed = _names_from_deliveries(data, name)
        subs = list(dict.fromkeys(ins.get(name, [])))
        xi = [p for p in listed if p not in subs]
        built.append(Team(name, tuple(xi), tuple(subs)))
    toss = info.get("toss") or {}
    return MatchSetup(
        home=built[0],
        away=built[1],
        rules=infer_rules(data),
        toss_winner=toss.get("winner"),
        toss_decision=toss.get("decision"),
    )


def _names_from_deliveries(data: dict[str, Any], team: str) -> list[str]:
    names: dict[str, None] = {}
    for _idx, inn, d in deliveries(data):
        if inn.get("team") == team:
            names[d["batter"]] = None
            names[d["non_striker"]] = None
        else:
            names[d["bowler"]] = None
    return list(names)


def _int(value: Any, what: str, where: object) -> int:
    if type(value) is not int or value < 0:
        if isinstance(where, tuple):
            where = "innings {}, over {}, ball {}".format(*where)
        raise CricsheetError(f"{where}: {what} must be a non-negative whole number, not {value!r}")
    return value


def _overs_parts(value: Any, bpo: int) -> tuple[int, int] | None:
    """Cricsheet's target overs (18, 25.3 or "25.3") as whole overs and balls."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    whole, _, part = str(value).partition(".")
    if not whole.isdigit() or (part and not part.isdigit()):
        return None
    balls = int(part) if part else 0
    return (int(whole), balls) if balls < bpo else None


def _legal(d: dict[str, Any]) -> bool:
    e = d.get("extras") or {}
    return not e.get("wides") and not e.get("noballs")


class _Importer:
    def __init__(self, setup: MatchSetup, data: dict[str, Any]) -> None:
        self.setup = setup
        self.data = data
        # No checkpoints: an import only appends (an undo replays from the start).
        self.match = Match(setup, checkpoint_every=0)
        self._where: str | tuple[int, int, int] = ""
        outcome = data["info"].get("outcome") or {}
        method = outcome.get("method")
        self.rain = str(method) if method in RAIN_METHODS else ""
        # Replacements Cricsheet lists after the player already played, by the ball they move to.
        self.early: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self.moved: set[int] = set()
        # No-balls that cannot have earned a free hit (a striker was out bowled, caught... off
        # the next legal ball): under front-foot free hits they were called for something else.
        self.not_front_foot: set[int] = set()
        self._plan()

    def _plan(self) -> None:
        first_seen: dict[str, tuple[int, int]] = {}
        records: list[tuple[tuple[int, int], dict[str, Any]]] = []
        for idx, inn in enumerate(self.data["innings"]):
            pos = 0
            chain: list[int] = []
            for over in inn.get("overs") or []:
                for d in over.get("deliveries") or []:
                    key = (idx, pos)
                    pos += 1
                    for who in ("batter", "non_striker", "bowler"):
                        first_seen.setdefault(str(d.get(who)), key)
                    for r in (d.get("replacements") or {}).get("match", []):
                        records.append((key, r))
                    extras = d.get("extras") or {}
                    if extras.get("noballs"):
                        chain.append(id(d))
                    elif _legal(d):
                        if chain and any(
                            w.get("kind") in DISMISSED_BY_BOWLER
                            and w.get("player_out") == d.get("batter")
                            for w in d.get("wickets") or []
                        ):
                            self.not_front_foot.update(chain)
                        chain = []
        for key, r in records:
            first = first_seen.get(str(r.get("in")))
            if first is not None and first < key:
                self.early.setdefault(first, []).append(r)
                self.moved.add(id(r))

    @property
    def where(self) -> str:
        """Where the importer is, for error messages ("innings 2, over 14, ball 3")."""
        if isinstance(self._where, tuple):
            return "innings {}, over {}, ball {}".format(*self._where)
        return self._where

    @where.setter
    def where(self, value: str) -> None:
        self._where = value

    def emit(self, event: ev.Event) -> None:
        try:
            self.match.apply(event)
            return
        except IllegalEvent as exc:
            error = exc
        # What the umpires allowed against the conditions is in the data: record it as such.
        if error.overridable and not getattr(event, "override", True):
            try:
                self.match.apply(dataclasses.replace(event, override=IMPORT_OVERRIDE))  # type: ignore[call-arg, arg-type]
                return
            except IllegalEvent as exc:
                error = exc
        raise CricsheetError(f"{self.where}: {error}" if self.where else str(error)) from None

    def run(self) -> list[ev.Event]:
        rules = self.setup.rules
        innings = self.data["innings"]
        regular_seen: list[str] = []
        for idx, inn in enumerate(innings):
            if not isinstance(inn, dict) or not isinstance(inn.get("team"), str):
                raise CricsheetError(f"innings {idx + 1}: no team")
            team = inn["team"]
            so = bool(inn.get("super_over"))
            self.where = f"innings {idx + 1}"
            pen = inn.get("penalty_runs") or {}
            if pen.get("pre"):
                self.emit(ev.PenaltyRuns(team, _int(pen["pre"], "penalty runs", self.where)))
            if inn.get("forfeited"):
                self.emit(ev.Forfeit())
                regular_seen.append(team)
                continue
            follow_on = (
                not so
                and rules.innings_per_side == 2
                and len(regular_seen) == 2
                and regular_seen[1] == team
            )
            self.emit(ev.StartInnings(team, super_over=so, follow_on=follow_on))
            if not so:
                regular_seen.append(team)
            revision, at_stoppage = self._revision(inn)
            if revision is not None and not at_stoppage:
                self.emit(revision)
            self._overs(idx, inn)
            self.where = f"innings {idx + 1}"
            live = self.match.state.live
            if revision is not None and at_stoppage and live is not None:
                # Play was called off: the target is the par score at this point plus one.
                self.emit(dataclasses.replace(revision, overs=live.overs, balls=live.balls or None))
            for player in inn.get("absent_hurt") or []:
                live = self.match.state.live
                if live is not None and player in self.match.state.available(live):
                    self.emit(ev.Absent(str(player)))
            if not so and not inn.get("declared") and self._ended_all_out(idx):
                # Cricsheet does not record absent batters: the innings ended with fewer than
                # ten wickets because nobody else could bat (absent or retired hurt).
                live = self.match.state.live
                for player in self.match.state.available(live) if live else []:
                    self.emit(ev.Absent(player))
            live = self.match.state.live
            if live is not None and live.number == len(self.match.state.innings):
                self.emit(ev.Declaration() if inn.get("declared") else ev.EndInnings())
            if pen.get("post"):
                self.emit(ev.PenaltyRuns(team, _int(pen["post"], "penalty runs", self.where)))
        self.where = "result"
        self._result()
        return list(self.match.events)

    def _revision(self, inn: dict[str, Any]) -> tuple[ev.RevisedTarget | None, bool]:
        """The rain-rule revision of a chase, and whether it comes at the stoppage (the target
        Cricsheet gives is then the par score there plus one, as in a chase won "by runs")."""
        rules = self.setup.rules
        state = self.match.state
        live = state.live
        if live is None or live.super_over or rules.overs is None or len(state.regular()) != 2:
            return None, False
        natural = state.target(live)
        out = self.data["info"].get("outcome") or {}
        winner, by = out.get("winner"), out.get("by") or {}
        chaser_won_by_runs = winner == live.batting and "runs" in by
        # Level with par when play was called off (all out, the tie is on the target itself).
        par_tie = out.get("result") == "tie" and not self._all_out(inn)
        target = inn.get("target")
        if isinstance(target, dict):
            t_runs = target.get("runs")
            if not is_whole_number(t_runs):
                t_runs = None
            parts = _overs_parts(target.get("overs"), rules.balls_per_over)
            if (chaser_won_by_runs or par_tie) and self.rain and t_runs is not None:
                return ev.RevisedTarget(t_runs, method=self.rain), True
            new_overs = parts if parts is not None and parts != (rules.overs, 0) else None
            new_runs = t_runs if t_runs is not None and t_runs != natural else None
            if new_overs is None and new_runs is None:
                return None, False
            return (
                ev.RevisedTarget(
                    new_runs,
                    new_overs[0] if new_overs else None,
                    self.rain,
                    (new_overs[1] or None) if new_overs else None,
                ),
                False,
            )
        if not self.rain:
            return None, False
        # No target in the file: the official result implies it.
        balls = [d for o in inn.get("overs") or [] for d in o.get("deliveries") or []]
        pen = int((inn.get("penalty_runs") or {}).get("pre") or 0)
        final = pen + sum(int(d["runs"]["total"]) for d in balls)
        if winner == live.bowling and "runs" in by:
            return ev.RevisedTarget(final + int(by["runs"]) + 1, method=self.rain), False
        if chaser_won_by_runs:
            return ev.RevisedTarget(final - int(by["runs"]) + 1, method=self.rain), True
        if winner == live.batting and balls:
            before = final - int(balls[-1]["runs"]["total"])
            if natural is not None and before < natural <= final:
                return ev.RevisedTarget(natural, method=self.rain), False
            return ev.RevisedTarget(before + 1, method=self.rain), False
        return ev.RevisedTarget(natural, method=self.rain), False

    def _all_out(self, inn: dict[str, Any]) -> bool:
        """Whether the innings lost all its wickets in the file."""
        team = self.setup.team(str(inn.get("team")))
        wickets = sum(
            1
            for o in inn.get("overs") or []
            for d in o.get("deliveries") or []
            for w in d.get("wickets") or []
            if w.get("kind") not in ("retired hurt", "retired not out")
        )
        return wickets >= len(team.players) - 1

    def _overs(self, idx: int, inn: dict[str, Any]) -> None:
        overs = inn.get("overs") or []
        flat: list[tuple[int, int, dict[str, Any]]] = []
        for o in overs:
            for k, d in enumerate(o.get("deliveries") or []):
                flat.append((int(o.get("over", 0)), k, d))
        miscounted = inn.get("miscounted_overs") or {}
        legal_per_over: dict[int, int] = {}
        trailing: dict[int, bool] = {}
        for onum, _k, d in flat:
            legal = isinstance(d, dict) and _legal(d)
            if legal:
                legal_per_over[onum] = legal_per_over.get(onum, 0) + 1
            trailing[onum] = not legal
        last_over = flat[-1][0] if flat else -1
        legal_so_far = 0
        for pos, (onum, k, d) in enumerate(flat):
            if k == 0:
                legal_so_far = 0
            self._where = (idx + 1, onum, legal_so_far + 1)
            if not isinstance(d, dict) or not all(
                x in d for x in ("batter", "non_striker", "bowler", "runs")
            ):
                raise CricsheetError(
                    f"{self.where}: delivery lacks batter, non_striker, bowler or runs"
                )
            for r in self.early.get((idx, pos), []):
                self._replacement(r)
            nxt = flat[pos + 1][2] if pos + 1 < len(flat) else None
            balls = (miscounted.get(str(onum)) or {}).get("balls")
            length = int(balls) if balls is not None else legal_per_over.get(onum, 0)
            miscount = length != self.setup.rules.balls_per_over and (
                onum != last_over or balls is not None
            )
            self._delivery(d, nxt, length if miscount else None, trailing[onum])
            if _legal(d):
                legal_so_far += 1
            ends_over = nxt is None or flat[pos + 1][0] != onum
            live = self.match.state.live
            if (
                ends_over
                and miscount
                and trailing[onum]
                and live is not None
                and live.over_deliveries
                and live.balls == length
            ):
                # Extras after the last legal ball of a miscounted over: the umpire called over.
                self.emit(ev.MiscountedOver(length))

    def _replacement(self, r: dict[str, Any]) -> None:
        inn = self.match.state.live
        if inn is not None and r.get("out") in (inn.striker, inn.non_striker):
            self.emit(ev.Retirement(str(r["out"]), "hurt"))
        self.emit(ev.Substitute(r["team"], r["in"], r["out"], True, str(r.get("reason", ""))))

    def _delivery(
        self,
        d: dict[str, Any],
        nxt: dict[str, Any] | None,
        miscount: int | None,
        trailing: bool,
    ) -> None:
        state = self.match.state
        inn = state.live
        if inn is None:
            last = state.innings[-1] if state.innings else None
            if last is None or last.close_reason not in ("target", "overs"):
                raise CricsheetError(f"{self.where}: a ball after the innings ended")
            inn = last  # play went on after it should have ended: the events carry overrides
        reps = d.get("replacements") or {}
        for r in reps.get("match", []):
            if id(r) not in self.moved:
                self._replacement(r)
        for r in reps.get("role", []):
            if r.get("role") == "batter" and r.get("out") in (inn.striker, inn.non_striker):
                self.emit(ev.Retirement(r["out"], "hurt"))
        wickets = d.get("wickets") or []
        # Cricsheet lists a timed-out batter on the ball before they were due in (with the
        # wicket that made the vacancy), or on the next ball. No ball is bowled to them.
        timed_out_first = inn.vacancy
        if timed_out_first:
            for w in wickets:
                if w.get("kind") == "timed out":
                    self.emit(ev.TimedOut(w["player_out"]))
        batter, non_striker, bowler = d["batter"], d["non_striker"], d["bowler"]
        for name in (batter, non_striker):
            if name not in (inn.striker, inn.non_striker):
                if not inn.vacancy:
                    gone = [
                        p for p in (inn.striker, inn.non_striker) if p not in (batter, non_striker)
                    ]
                    self.emit(ev.Retirement(str(gone[0]), "hurt"))
                self.emit(ev.NewBatter(name))
        bpo = self.setup.rules.balls_per_over
        if inn.bowler is None and inn.over_deliveries:
            self.emit(ev.NewBowler(bowler, mid_over=True))  # the bowler was replaced mid-over
        elif inn.bowler is None:
            self.emit(ev.NewBowler(bowler))
            if miscount is not None and miscount > 0:
                if not trailing:
                    self.emit(ev.MiscountedOver(miscount))
                elif miscount >= bpo:
                    # Keep the over open for the extras after its last legal ball; the
                    # importer ends it with the true count after them.
                    self.emit(ev.MiscountedOver(miscount + 1))
        elif inn.bowler != bowler:
            self.emit(ev.NewBowler(bowler, mid_over=True))
        runs = d["runs"]
        e = d.get("extras") or {}
        where = self._where
        noballs = _int(e.get("noballs", 0), "noballs", where)
        byes = _int(e.get("byes", 0), "byes", where)
        nb_value = self.setup.rules.no_ball_runs
        if noballs > nb_value and not self.setup.rules.no_ball_byes_are_no_balls:
            byes += noballs - nb_value
            noballs = nb_value
        ws: list[ev.Wicket] = []
        after: list[ev.Retirement | ev.TimedOut] = []
        for w in wickets:
            kind = w.get("kind")
            if kind in RETIRED:
                after.append(ev.Retirement(w["player_out"], RETIRED[kind]))
            elif kind == "timed out":
                if not timed_out_first:
                    after.append(ev.TimedOut(w["player_out"]))
            else:
                fielders = tuple(f["name"] for f in w.get("fielders", []) if "name" in f)
                ws.append(ev.Wicket(ev.as_wicket_kind(kind), w.get("player_out"), fielders))
        delivery = ev.Delivery(
            runs=_int(runs.get("batter", 0), "batter runs", where),
            boundary=False if runs.get("non_boundary") else None,
            wides=_int(e.get("wides", 0), "wides", where),
            noballs=noballs,
            byes=byes,
            legbyes=_int(e.get("legbyes", 0), "legbyes", where),
            penalty=_int(e.get("penalty", 0), "penalty", where),
            wickets=tuple(ws),
            striker=batter,
            non_striker=non_striker,
            bowler=bowler,
            front_foot=id(d) not in self.not_front_foot,
        )
        if nxt is not None and ws:
            delivery = self._predict_crossing(delivery, nxt)
        self.emit(delivery)
        if nxt is not None and ws:
            self._check_crossing(delivery, nxt)
        for r in after:
            live = self.match.state.live
            at_crease = live is not None and r.player in (live.striker, live.non_striker)
            if isinstance(r, ev.TimedOut) or at_crease:
                self.emit(r)
            elif r.reason == "out" and self._can_come_in(r.player):
                # Retired out without facing (a side giving up its innings): they came in
                # and retired at once.
                self.emit(ev.NewBatter(r.player))
                self.emit(r)

    def _can_come_in(self, player: str) -> bool:
        state = self.match.state
        inn = state.live or (state.innings[-1] if state.innings else None)
        return inn is not None and inn.vacancy and player in state.available(inn)

    def _ended_all_out(self, idx: int) -> bool:
        """Whether an innings that stopped short (wickets, overs and target to spare) was all out.

        True when play went on after it (a later regular innings whose target, if any, is over
        the full length, so it was not cut short by the weather), or when it was the last
        innings and the fielding side won by runs without a rain-rule method.
        """
        live = self.match.state.live
        rules = self.setup.rules
        if live is None or not live.vacancy:
            return False
        later = [i for i in self.data["innings"][idx + 1 :] if not i.get("super_over")]
        if later:
            if rules.innings_per_side == 2:
                return True
            t_overs = (later[0].get("target") or {}).get("overs")
            return t_overs is None or t_overs == rules.overs
        out = self.data["info"].get("outcome") or {}
        return (
            out.get("winner") == live.bowling
            and "runs" in (out.get("by") or {})
            and not out.get("method")
        )

    def _crossing(self, delivery: ev.Delivery) -> int | None:
        """Index of the first wicket whose crossing decides the ends (run out, or a catch
        under the Laws before 2022), or None."""
        old_catch = not self.setup.rules.new_batter_on_strike_after_catch
        for i, w in enumerate(delivery.wickets):
            if w.kind == "run out" or (old_catch and w.kind in ("caught", "caught and bowled")):
                return i
        return None

    @staticmethod
    def _toggled(delivery: ev.Delivery, i: int) -> ev.Delivery:
        w = delivery.wickets[i]
        fixed = dataclasses.replace(w, crossed=not w.crossed)
        return dataclasses.replace(
            delivery, wickets=(*delivery.wickets[:i], fixed, *delivery.wickets[i + 1 :])
        )

    @staticmethod
    def _wanted(survivor: str, slot: str, nxt: dict[str, Any]) -> str:
        if nxt["batter"] == survivor:
            return "striker"
        return "non_striker" if nxt["non_striker"] == survivor else slot

    def _predict_crossing(self, delivery: ev.Delivery, nxt: dict[str, Any]) -> ev.Delivery:
        """Cricsheet does not say whether batters crossed; the next ball's ends tell us. Work
        out where the not-out batter ends without crossing (as the engine will) and set
        ``crossed`` when the next ball has them at the other end."""
        i = self._crossing(delivery)
        inn = self.match.state.live
        if i is None or inn is None:
            return delivery
        rules = self.setup.rules
        striker, non_striker = delivery.striker, delivery.non_striker
        out = {w.player_out or striker for w in delivery.wickets}
        survivors = [p for p in (striker, non_striker) if p is not None and p not in out]
        if len(survivors) != 1:
            return delivery
        boundary = delivery.boundary if delivery.boundary is not None else delivery.runs in (4, 6)
        moved = runs_run(delivery, rules, boundary=boundary)
        on_strike = (moved % 2 == 1) != (survivors[0] == striker)
        for w in delivery.wickets:
            if w.kind in ("caught", "caught and bowled") and rules.new_batter_on_strike_after_catch:
                on_strike = False  # Law 18.11: the not-out batter goes to the far end
        over_ends = delivery.legal and inn.balls + 1 >= inn.over_len
        if over_ends and (inn.overs + 1) % rules.change_ends_every == 0:
            on_strike = not on_strike
        slot = "striker" if on_strike else "non_striker"
        if self._wanted(survivors[0], slot, nxt) != slot:
            return self._toggled(delivery, i)
        return delivery

    def _check_crossing(self, delivery: ev.Delivery, nxt: dict[str, Any]) -> None:
        """If the prediction was wrong (an unusual ball), record the delivery the other way."""
        i = self._crossing(delivery)
        inn = self.match.state.live
        if i is None or inn is None:
            return
        out = {w.player_out for w in delivery.wickets}
        survivors = [p for p in (inn.striker, inn.non_striker) if p is not None and p not in out]
        if not survivors:
            return
        slot = "striker" if inn.striker == survivors[0] else "non_striker"
        if self._wanted(survivors[0], slot, nxt) != slot:
            self.match.undo()
            self.emit(self._toggled(delivery, i))

    def _result(self) -> None:
        info = self.data["info"]
        out = info.get("outcome") or {}
        state = self.match.state
        got = match_outcome(state)
        winner = out.get("winner") or out.get("eliminator") or out.get("bowl_out")
        result = out.get("result")
        if got is not None and got.winner == winner:
            if winner is not None or (result == "tie" and got.outcome == "tie"):
                return
            if result in ("draw", "no result") and got.outcome == result:
                return
        if not state.finished and winner is None and result in ("draw", "no result"):
            self.emit(ev.Abandon())
            after = match_outcome(self.match.state)
            if after is not None and after.outcome == result:
                return
        by = out.get("by") or {}
        method = out.get("method")
        if out.get("bowl_out") and result == "tie":
            self.emit(ev.BowlOut(str(out["bowl_out"]), *self._bowl_out_hits(str(out["bowl_out"]))))
            return
        if winner is not None and result == "tie":
            how = "bowl-out" if out.get("bowl_out") else "tie-break"
            self.emit(ev.Result("tie", None, text=f"match tied; {winner} won the {how}"))
            # A Result names no winner for a tie; keep who won the tie-break in the text.
            return
        if winner is not None:
            self.emit(
                ev.Result(
                    "win",
                    winner,
                    runs=by.get("runs"),
                    wickets=by.get("wickets"),
                    innings=bool(by.get("innings")),
                    method=method,
                )
            )
        elif result in ("tie", "draw", "no result"):
            self.emit(ev.Result(_NO_WINNER[result]))

    def _bowl_out_hits(self, winner: str) -> tuple[int | None, int | None]:
        """Hits per side from ``info.bowl_out`` (a list of {"bowler", "outcome": hit/miss})."""
        balls = self.data["info"].get("bowl_out")
        if not isinstance(balls, list):
            return None, None
        won = set(self.match.state.active.get(winner, ()))
        hits = [0, 0]
        for b in balls:
            if isinstance(b, dict) and b.get("outcome") == "hit":
                hits[0 if b.get("bowler") in won else 1] += 1
        return hits[0], hits[1]


def _import(source: str | Path | dict[str, Any]) -> _Importer:
    data = _read(source)
    try:
        setup = _setup(data)
    except IllegalEvent as exc:
        raise CricsheetError(f"match info: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CricsheetError(f"match info is malformed: {exc!r}") from None
    importer: _Importer | None = None
    try:
        importer = _Importer(setup, data)
        importer.run()
    except IllegalEvent:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        where = importer.where if importer is not None else "innings"
        raise CricsheetError(f"{where}: malformed delivery data ({exc!r})") from None
    return importer


def load(source: str | Path | dict[str, Any]) -> tuple[MatchSetup, list[ev.Event]]:
    """Read a Cricsheet match (path or parsed dict) into a setup and an event log."""
    importer = _import(source)
    return importer.setup, list(importer.match.events)


def load_match(source: str | Path | dict[str, Any]) -> Match:
    """Read a Cricsheet match into a scored Match (what ``load`` gives, already applied)."""
    return _import(source).match


# --- export ---------------------------------------------------------------------------------


def dump(setup: MatchSetup, events: list[ev.Event]) -> dict[str, Any]:
    """Cricsheet JSON (data version 1.1.0) for a setup and event log."""
    match = Match(setup, checkpoint_every=0)  # replayed once, never edited
    rules = setup.rules
    innings_out: list[dict[str, Any]] = []
    pending_subs: list[dict[str, Any]] = []
    all_players = {t.name: list(t.players) for t in setup.teams}
    for event in events:
        state = match.state
        inn = state.live
        overridden = isinstance(event, (ev.Delivery, ev.NewBatter, ev.NewBowler)) and event.override
        if inn is None and state.innings and overridden:
            inn = state.innings[-1]  # play went on after the innings should have ended
        if isinstance(event, ev.Delivery) and inn is not None:
            cur = innings_out[-1]
            if not cur["overs"] or cur["overs"][-1]["over"] != inn.overs:
                cur["overs"].append({"over": inn.overs, "deliveries": []})
            striker, non_striker = inn.striker, inn.non_striker
            if event.striker is not None and event.striker != striker:
                striker, non_striker = non_striker, striker
            extras = {
                k: v
                for k, v in (
                    ("wides", event.wides),
                    ("noballs", event.noballs),
                    ("byes", event.byes),
                    ("legbyes", event.legbyes),
                    ("penalty", event.penalty),
                )
                if v
            }
            runs: dict[str, Any] = {
                "batter": event.runs,
                "extras": sum(extras.values()),
                "total": event.total,
            }
            if event.boundary is False and event.runs in (4, 6):
                runs["non_boundary"] = True
            d: dict[str, Any] = {
                "batter": striker,
                "bowler": inn.bowler,
                "non_striker": non_striker,
                "runs": runs,
            }
            if extras:
                d["extras"] = extras
            if event.wickets:
                d["wickets"] = []
                for w in event.wickets:
                    wd: dict[str, Any] = {"player_out": w.player_out or striker, "kind": w.kind}
                    if w.fielders:
                        wd["fielders"] = [{"name": f} for f in w.fielders]
                    d["wickets"].append(wd)
            if pending_subs:
                d["replacements"] = {"match": pending_subs}
                pending_subs = []
            cur["overs"][-1]["deliveries"].append(d)
        elif isinstance(event, ev.Retirement) and inn is not None and innings_out:
            last = _last_delivery(innings_out[-1])
            if last is not None:
                last.setdefault("wickets", []).append(
                    {"player_out": event.player, "kind": f"retired {event.reason}"}
                )
        elif isinstance(event, ev.TimedOut) and innings_out:
            last = _last_delivery(innings_out[-1])
            if last is not None:  # Cricsheet lists it on the ball that made the vacancy
                last.setdefault("wickets", []).append(
                    {"player_out": event.player, "kind": "timed out"}
                )
            else:
                innings_out[-1].setdefault("_timed_out", []).append(event.player)
        elif isinstance(event, ev.Substitute) and event.replacement:
            pending_subs.append(
                {
                    "in": event.player_in,
                    "out": event.player_out,
                    "team": event.team,
                    "reason": event.reason,
                }
            )
            all_players[event.team].append(event.player_in)
        elif isinstance(event, ev.MiscountedOver) and inn is not None:
            innings_out[-1].setdefault("miscounted_overs", {})[str(inn.overs)] = {
                "balls": event.balls,
                "umpire": "",
            }
        match.apply(event)
        if isinstance(event, (ev.StartInnings, ev.Forfeit)):
            new = match.state.innings[-1]
            entry: dict[str, Any] = {"team": new.batting, "overs": []}
            if new.super_over:
                entry["super_over"] = True
            if new.forfeited:
                entry["forfeited"] = True
            innings_out.append(entry)
        if isinstance(event, ev.Delivery) and innings_out and "_timed_out" in innings_out[-1]:
            last = _last_delivery(innings_out[-1])
            if last is not None:
                for p in innings_out[-1].pop("_timed_out"):
                    last.setdefault("wickets", []).insert(0, {"player_out": p, "kind": "timed out"})
    state = match.state
    for entry, inn in zip(innings_out, state.innings, strict=False):
        entry.pop("_timed_out", None)
        if inn.declared and not inn.forfeited:
            entry["declared"] = True
        pen = {k: v for k, v in (("pre", inn.penalty_pre), ("post", inn.penalty_post)) if v}
        if pen:
            entry["penalty_runs"] = pen
        target = state.target(inn)
        if target is not None:
            entry["target"] = {"runs": target}
            if inn.overs_limit is not None:
                entry["target"]["overs"] = (
                    float(inn.overs_limit_display or 0)
                    if inn.overs_limit_balls
                    else inn.overs_limit
                )
        if not entry["overs"] and not inn.forfeited:
            entry.pop("overs")
    info: dict[str, Any] = {
        "balls_per_over": rules.balls_per_over,
        "match_type": _match_type(setup),
        "teams": [t.name for t in setup.teams],
        "players": {k: list(dict.fromkeys(v)) for k, v in all_players.items()},
    }
    if rules.overs is not None:
        info["overs"] = rules.overs
    if rules.preset in PRESETS and rules.preset not in ("custom",):
        # Cricsheet has no field for the conditions; the competition's name lets an import
        # infer them again (The Hundred's sets, English 2-run no-balls).
        info["event"] = {"name": PRESETS[rules.preset].label}
    if setup.toss_winner:
        info["toss"] = {"winner": setup.toss_winner, "decision": setup.toss_decision}
    res = match_outcome(state)
    if res is not None:
        info["outcome"] = _cricsheet_outcome(res)
    return {"meta": {"data_version": "1.1.0", "revision": 1}, "info": info, "innings": innings_out}


def _last_delivery(entry: dict[str, Any]) -> dict[str, Any] | None:
    if entry.get("overs") and entry["overs"][-1]["deliveries"]:
        last: dict[str, Any] = entry["overs"][-1]["deliveries"][-1]
        return last
    return None


def _match_type(setup: MatchSetup) -> str:
    r = setup.rules
    if r.innings_per_side == 2:
        return "Test" if r.preset in ("", "test") else "MDM"
    if r.overs == 50:
        return "ODI"
    if r.overs == 20:
        return "T20"
    return "limited"


def _cricsheet_outcome(res: Any) -> dict[str, Any]:
    if res.outcome == "win":
        out: dict[str, Any] = {"winner": res.winner}
        if res.by:
            out["by"] = dict(res.by)
        if res.method:
            out["method"] = res.method
        return out
    if res.outcome == "tie":
        out = {"result": "tie"}
        if res.method and res.method != "bowl-out":
            out["method"] = res.method
        if res.winner:
            out["bowl_out" if res.method == "bowl-out" else "eliminator"] = res.winner
        return out
    return {"result": res.outcome}
