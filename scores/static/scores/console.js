// The scorer console: commands over ws/matches/<id>/score/, each acknowledged or refused with the
// engine's reason. The same socket carries the fans' frames (snapshot, update) in seq order, so
// `expect_seq` is always the seq of the scoreboard on screen.
import { LiveSocket } from "../realtime/live.js";
import {
  applyUpdate,
  el,
  embeddedSnapshot,
  fromSnapshot,
  renderBoard,
  renderCommentary,
} from "./scoreboard.js";

const root = document.getElementById("console");
const matchId = root.dataset.matchId;
const rules = JSON.parse(document.getElementById("rules-data").textContent) || {};
const $ = (id) => document.getElementById(id);
const awaitingText = $("awaiting");
const commentaryList = $("commentary");
const commentaryInput = $("commentary-text");
const logList = $("console-log");
const wicketForm = $("wicket-form");
const PENDING_TIMEOUT_MS = 15000;

let state = fromSnapshot(embeddedSnapshot());
let pending = null; // {id, what, ackSeq, timer}
let editing = null; // {at, entry}
let counter = 0;
const extras = new Set();

function log(text, kind = "info") {
  const item = el("li", { class: kind }, `${new Date().toLocaleTimeString()} ${text}`);
  logList.prepend(item);
  while (logList.children.length > 30) logList.lastElementChild.remove();
}

// Rendering

function render() {
  renderBoard(root, state);
  renderCommentary(commentaryList, state.commentary);
  markEditable();
  renderPanels();
  document.body.dataset.seq = String(state.seq);
}

function markEditable() {
  const items = commentaryList.querySelectorAll("li[data-seq]");
  items.forEach((item, index) => {
    const entry = state.commentary[index];
    if (!entry || !entry.label) return; // only deliveries are edited here
    item.tabIndex = 0;
    item.dataset.at = String(state.scoreboard.seq - index);
    item.classList.add("editable");
    item.title = "Edit this ball";
  });
}

function describeAwaiting(board) {
  const cur = board.current || {};
  switch (board.awaiting) {
    case "delivery":
      return `Next ball: ${cur.bowler} to ${cur.striker}${cur.free_hit ? " (free hit)" : ""}`;
    case "new_batter":
      return "A wicket or a new innings: who comes in?";
    case "new_bowler":
      return "Over complete: who bowls the next over?";
    case "innings_start":
      return "Innings break: start the next innings.";
    case "match_over":
      return `Match over: ${board.result || board.status}`;
    default:
      return board.awaiting;
  }
}

function choice(label, command, what, disabled = false) {
  const button = el("button", { type: "button", class: "choice", disabled }, label);
  button.addEventListener("click", () => send(command, what));
  return button;
}

function renderPanels() {
  const board = state.scoreboard;
  const cur = board.current || {};
  const panel = editing ? "delivery" : board.awaiting;
  root.dataset.awaiting = board.awaiting;
  for (const node of root.querySelectorAll(".panel")) node.hidden = node.id !== `panel-${panel}`;
  awaitingText.textContent = editing
    ? `Editing ball ${editing.entry.over}: tap what really happened.`
    : describeAwaiting(board);
  $("editing").hidden = !editing;
  if (editing) {
    $("editing-text").textContent = `${editing.entry.over} ${editing.entry.description}`;
  }

  $("batter-choices").replaceChildren(
    ...(board.batters_available || []).map((name) =>
      choice(name, { kind: "new_batter", player: name }, `${name} comes in`),
    ),
  );
  $("bowler-choices").replaceChildren(
    ...(board.bowlers || []).map((b) =>
      el(
        "li", { class: b.eligible ? "eligible" : "not-eligible" },
        choice(b.name, { kind: "new_bowler", bowler: b.name }, `${b.name} to bowl`, !b.eligible),
        b.reason ? el("span", { class: "reason" }, b.reason) : null,
      ),
    ),
  );
  $("innings-choices").replaceChildren(
    ...(board.next_innings || []).map((o) => {
      const tag = o.super_over ? " (super over)" : o.follow_on ? " (follow-on)" : "";
      const command = { kind: "start_innings", batting: o.batting, super_over: o.super_over, follow_on: o.follow_on };
      return choice(`${o.batting} to bat${tag}`, command, `${o.batting} to bat${tag}`);
    }),
  );

  const out = wicketForm.elements.player_out;
  const outNames = [cur.striker, cur.non_striker].filter(Boolean);
  if ([...out.options].map((o) => o.value).join("|") !== outNames.join("|")) {
    out.replaceChildren(...outNames.map((name) => el("option", { value: name }, name)));
  }
  const fielder = wicketForm.elements.fielder;
  const fielders = (board.bowlers || []).map((b) => b.name);
  if ([...fielder.options].slice(1).map((o) => o.value).join("|") !== fielders.join("|")) {
    fielder.replaceChildren(el("option", { value: "" }, "none"), ...fielders.map((n) => el("option", { value: n }, n)));
  }
  setEnabled();
}

function setEnabled() {
  const ready = live.status === "live" && !pending;
  root.dataset.ready = String(ready);
  for (const control of root.querySelectorAll(".console-pad button, .console-pad input, .console-pad select")) {
    if (control.closest("li.not-eligible")) continue; // stays disabled: the engine said why
    control.disabled = !ready;
  }
}

// Commands

function send(command, what) {
  if (pending) {
    log("wait for the last entry to be acknowledged", "error");
    return;
  }
  let wrapped = command;
  if (editing && command.kind === "delivery") {
    wrapped = { kind: "replace", at: editing.at, event: command };
    what = `edit ${editing.entry.over}: ${what}`;
  }
  const id = `c${Date.now().toString(36)}-${++counter}`;
  const frame = { type: "command", id, expect_seq: live.lastSeq ?? state.seq, command: wrapped };
  const text = commentaryInput.value.trim();
  if (text) frame.commentary = text;
  if (!live.send(frame)) {
    log(`not connected: "${what}" was not sent`, "error");
    return;
  }
  pending = { id, what, ackSeq: null };
  pending.timer = window.setTimeout(() => {
    if (pending && pending.id === id) {
      log(`no answer for "${what}"; check the scoreboard before entering it again`, "error");
      pending = null;
      setEnabled();
    }
  }, PENDING_TIMEOUT_MS);
  log(`sent: ${what}`);
  setEnabled();
}

function settle() {
  // An ack may overtake the update it acknowledges: stay busy until the board shows that seq.
  if (pending && pending.ackSeq !== null && state.seq >= pending.ackSeq) {
    window.clearTimeout(pending.timer);
    pending = null;
    setEnabled();
  }
}

function acknowledged(message) {
  if (!pending || message.id !== pending.id) {
    log(`stored #${message.seq}`, "ok");
    return;
  }
  log(`✓ #${message.seq} ${pending.what}`, "ok");
  pending.ackSeq = message.seq;
  commentaryInput.value = "";
  extras.clear();
  editing = null;
  wicketForm.hidden = true;
  renderPanels();
  settle();
}

function refused(message) {
  const mine = pending && message.id === pending.id;
  const what = mine ? ` (${pending.what})` : "";
  log(`✗ ${message.code}${what}: ${message.reason}`, "error");
  if (mine) {
    window.clearTimeout(pending.timer);
    pending = null;
  }
  setEnabled();
}

function delivery(runs) {
  const d = { kind: "delivery" };
  const bye = extras.has("bye");
  const legbye = extras.has("legbye");
  if (extras.has("wide")) {
    d.wides = (rules.wide_runs ?? 1) + runs; // a wide's runs, run or boundary, are all wides
  } else {
    if (extras.has("noball")) d.noballs = rules.no_ball_runs ?? 1;
    if (bye) d.byes = runs;
    else if (legbye) d.legbyes = runs;
    else {
      d.runs = runs;
      if (runs === 4 || runs === 6) d.boundary = true;
    }
  }
  return d;
}

function deliveryWords(d) {
  const parts = [];
  if (d.wides) parts.push(`wide (${d.wides})`);
  if (d.noballs) parts.push("no-ball");
  if (d.byes) parts.push(`${d.byes} bye${d.byes === 1 ? "" : "s"}`);
  if (d.legbyes) parts.push(`${d.legbyes} leg-bye${d.legbyes === 1 ? "" : "s"}`);
  if (d.runs !== undefined && !(d.noballs && !d.runs)) parts.push(d.boundary ? (d.runs === 4 ? "FOUR" : "SIX") : `${d.runs} run${d.runs === 1 ? "" : "s"}`);
  if (d.wickets) parts.push(`wicket (${d.wickets[0].kind})`);
  return parts.join(", ") || "ball";
}

function renderExtras() {
  for (const button of root.querySelectorAll("[data-extra]")) {
    button.setAttribute("aria-pressed", String(extras.has(button.dataset.extra)));
  }
}

// Wiring

for (const button of root.querySelectorAll("[data-extra]")) {
  button.addEventListener("click", () => {
    const kind = button.dataset.extra;
    if (extras.has(kind)) extras.delete(kind);
    else {
      // Wides exclude no-balls and byes of either kind; a no-ball may carry byes or leg-byes.
      if (kind === "wide") extras.clear();
      if (kind === "noball") extras.delete("wide");
      if (kind === "bye" || kind === "legbye") {
        extras.delete("wide");
        extras.delete(kind === "bye" ? "legbye" : "bye");
      }
      extras.add(kind);
    }
    renderExtras();
  });
}

for (const button of root.querySelectorAll("[data-runs]")) {
  button.addEventListener("click", () => {
    const d = delivery(Number(button.dataset.runs));
    send(d, deliveryWords(d));
  });
}

$("wicket-open").addEventListener("click", () => {
  wicketForm.hidden = !wicketForm.hidden;
  if (!wicketForm.hidden) wicketForm.elements.kind.focus();
});
$("wicket-cancel").addEventListener("click", () => {
  wicketForm.hidden = true;
});
wicketForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const f = wicketForm.elements;
  const d = delivery(Number(f.runs.value) || 0);
  if (d.boundary) delete d.boundary;
  d.wickets = [{
    kind: f.kind.value,
    player_out: f.player_out.value || null,
    fielders: f.fielder.value ? [f.fielder.value] : [],
    crossed: f.crossed.checked,
  }];
  send(d, `${d.wickets[0].player_out || "batter"} ${f.kind.value}; ${deliveryWords(d)}`);
});

$("undo").addEventListener("click", () => send({ kind: "undo" }, "undo"));
for (const button of root.querySelectorAll("[data-command]")) {
  button.addEventListener("click", () => send({ kind: button.dataset.command }, button.textContent));
}

function numberOrNull(value) {
  return value === "" ? null : Number(value);
}

$("end-innings-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const reason = event.target.elements.reason.value.trim();
  send({ kind: "end_innings", reason }, `end of innings${reason ? ` (${reason})` : ""}`);
});
$("revised-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target.elements;
  const command = { kind: "revised_target", runs: numberOrNull(f.runs.value), overs: numberOrNull(f.overs.value), method: f.method.value.trim() || "DLS" };
  send(command, `revised target ${command.runs ?? "–"} in ${command.overs ?? "–"} overs`);
});
$("result-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target.elements;
  const command = { kind: "result", outcome: f.outcome.value, winner: f.winner.value || null, text: f.text.value.trim() || null };
  send(command, `result: ${command.text || command.outcome}`);
});
$("abandon-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const reason = event.target.elements.reason.value.trim();
  send({ kind: "abandon", reason }, `match abandoned${reason ? ` (${reason})` : ""}`);
});

function startEditing(item) {
  if (!item || !item.dataset.at) return;
  const index = [...commentaryList.querySelectorAll("li[data-seq]")].indexOf(item);
  editing = { at: Number(item.dataset.at), entry: state.commentary[index] };
  extras.clear();
  renderExtras();
  renderPanels();
  awaitingText.scrollIntoView({ block: "nearest" });
}
commentaryList.addEventListener("click", (event) => startEditing(event.target.closest("li.editable")));
commentaryList.addEventListener("keydown", (event) => {
  if (event.key === "Enter") startEditing(event.target.closest("li.editable"));
});
$("edit-cancel").addEventListener("click", () => {
  editing = null;
  renderPanels();
});
$("edit-delete").addEventListener("click", () => {
  if (!editing) return;
  const { at, entry } = editing;
  editing = null;
  send({ kind: "delete", at }, `delete ball ${entry.over}`);
});

// The feed

function handle(message) {
  switch (message.type) {
    case "snapshot":
      state = fromSnapshot(message);
      if (editing) editing = null; // the log changed under the edit: pick the ball again
      render();
      settle();
      break;
    case "update":
      applyUpdate(state, message);
      render();
      settle();
      break;
    case "ack":
      acknowledged(message);
      break;
    case "error":
      refused(message);
      break;
    case "presence":
      break; // scorers are not counted as watchers
    default:
      throw new Error(`scorer feed: unknown message type ${JSON.stringify(message.type)}`);
  }
}

const live = new LiveSocket(`/ws/matches/${matchId}/score/`, {
  since: state.seq,
  statusElement: $("live-status"),
  onMessage: handle,
  onStatus: (status, detail) => {
    if (status !== "live" && pending) {
      window.clearTimeout(pending.timer);
      log(`connection lost while "${pending.what}" was pending; check the scoreboard`, "error");
      pending = null;
    }
    if (status === "offline" && detail) log(`offline: ${detail}`, "error");
    setEnabled();
  },
  onOpen: () => {
    document.body.dataset.live = "true";
    setEnabled();
  },
});
render();
live.start();
window.creaseLive = live;
