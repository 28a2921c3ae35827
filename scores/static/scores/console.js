// The scorer console: commands over ws/matches/<id>/score/, each acknowledged or refused with the
// engine's reason. The same socket carries the fans' frames (snapshot, update) in seq order, so
// `expect_seq` is always the seq of the scoreboard on screen.
import { LiveSocket } from "../realtime/live.js";
import { applyUpdate, currentInnings, fromSnapshot } from "./feed.js";
import { el, embeddedSnapshot, renderBoard, renderCommentary } from "./scoreboard.js";
import { showConflict } from "./conflict.js";
import { openOutbox } from "./outbox.js";
import { confirmFirst, toast } from "./pad-notices.js";
import { Sender } from "./sender.js";

const root = document.getElementById("console");
const matchId = root.dataset.matchId;
const rules = JSON.parse(document.getElementById("rules-data").textContent) || {};
const squads = JSON.parse(document.getElementById("squads-data").textContent) || {};
const $ = (id) => document.getElementById(id);
const awaitingText = $("awaiting");
const commentaryList = $("commentary");
const commentaryInput = $("commentary-text");
const logList = $("console-log");
const wicketForm = $("wicket-form");
// Taps of the same command closer than this are one tap (a bounce, a double tap).
const SAME_TAP_MS = 500;

let state = fromSnapshot(embeddedSnapshot()); // the server's state, as its frames say
let preview = null; // the local engine's state: the server's plus the queued commands
let engine = null; // the local engine once loaded (offline scoring)
let engineNote = "loading the offline engine…";
let lastTap = { key: "", at: 0 };
// Commands are stored one after another: each frame's expect_seq follows the one stored before
// it, which a second tap during the first's IndexedDB write (a strict-durability commit, slow on
// a busy phone) would not see yet. `storing` counts those still being written.
let stored = Promise.resolve();
let storing = 0;
let editing = null; // {at, entry, mode: "replace" | "insert", context: the ball as scored, or null}
const extras = new Set();

function log(text, kind = "info") {
  const item = el("li", { class: kind }, `${new Date().toLocaleTimeString()} ${text}`);
  logList.prepend(item);
  while (logList.children.length > 30) logList.lastElementChild.remove();
}

// Rendering

/** What the pad shows: the server's state, or with queued commands the engine's preview; also
 * the engine's when its stored log is ahead of the page (a page reloaded offline is the service
 * worker's copy, with the snapshot of its last load online). */
function shown() {
  return preview && (outbox.size || preview.seq > state.seq) ? preview : state;
}

function render() {
  const now = shown();
  renderBoard(root, now);
  renderCommentary(commentaryList, now.commentary);
  if (now === state) markEditable(); // past balls are edited once the queue is sent
  renderPanels();
  renderOutbox();
  document.body.dataset.seq = String(state.seq);
}

let previewToken = 0;

/** Ask the local engine for the state after the queued commands (when it is loaded). */
async function refreshPreview() {
  const token = ++previewToken;
  if (!engine || (!outbox.size && engine.seq <= state.seq)) {
    preview = null;
    render();
    return;
  }
  try {
    const commands = outbox.entries.map((e) =>
      e.frame.override ? { ...e.frame.command, override: e.frame.override } : e.frame.command,
    );
    // The queue follows the seq its first entry expects (the page's own state may be older).
    const first = outbox.entries[0];
    const result = await engine.preview(Math.max(state.seq, first ? first.frame.expect_seq : engine.seq), commands);
    if (token !== previewToken) return;
    preview = result.snapshot ? fromSnapshot(result.snapshot) : null;
    engineNote = result.refused ? `the engine would refuse queued entry ${result.refused.index + 1}: ${result.refused.reason}` : "";
  } catch (error) {
    preview = null;
    engineNote = `offline preview failed (${error.message})`;
  }
  render();
}

/** The state of sending: live or offline, what waits to be sent, and any refusal. */
function renderOutbox() {
  const waiting = outbox.size;
  const box = $("outbox");
  box.dataset.waiting = String(waiting);
  document.body.dataset.waiting = String(waiting);
  $("outbox-count").textContent = waiting
    ? `${waiting} waiting to send${live.status === "live" ? "" : " (offline: they go when the connection is back)"}`
    : live.status === "live" ? "all sent" : "offline: taps are queued on this phone";
  $("outbox-paused").hidden = !sender.paused;
  if (sender.paused) $("outbox-paused-text").textContent = `Sending stopped at "${sender.paused.entry.what}".`;
  $("outbox-list").replaceChildren(
    ...outbox.entries.map((entry) => {
      const flying = sender.inFlight === entry.id;
      const remove = el("button", { type: "button", class: "secondary small", disabled: flying }, "remove");
      remove.addEventListener("click", () => removeQueued(entry));
      return el("li", { "data-id": entry.id }, el("span", {}, `${entry.what}${flying ? " (sending…)" : ""}`), remove);
    }),
  );
  const offlineNote = live.status !== "live" || waiting ? engineNote : "";
  $("engine-status").textContent = offlineNote;
  $("engine-status").hidden = !offlineNote;
}

async function removeQueued(entry) {
  if (sender.inFlight === entry.id) return;
  if (!(await confirmFirst(`Remove "${entry.what}" without sending it?`, "Remove it"))) return;
  const at = outbox.entries.indexOf(entry);
  const base = entry.frame.expect_seq;
  await sender.discard([entry.id]);
  // The ones after it now come one place earlier in the log.
  const later = outbox.entries.slice(at).map((e, i) => ({ ...e, frame: { ...e.frame, expect_seq: base + i } }));
  if (later.length) await outbox.update(later);
  toast(`${entry.what}: removed, not sent`);
  refreshPreview();
}

function markEditable() {
  const items = commentaryList.querySelectorAll("li[data-seq]");
  items.forEach((item, index) => {
    const entry = state.commentary[index];
    if (!entry || !entry.label) return; // only deliveries are edited here
    item.tabIndex = 0;
    item.dataset.at = String(state.scoreboard.events - index);
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
      return (board.innings || []).length
        ? "Innings break: start the next innings."
        : "Match not started: who bats first?";
    case "match_over":
      return `Match over: ${board.result || board.status}`;
    default:
      return board.awaiting;
  }
}

function choice(label, command, what, disabled = false) {
  const button = el("button", { type: "button", class: "choice", disabled }, label);
  button.addEventListener("click", () => send(command, what, button));
  return button;
}

function renderPanels() {
  const board = shown().scoreboard;
  const cur = board.current || {};
  const panel = editing ? "delivery" : board.awaiting;
  root.dataset.awaiting = board.awaiting;
  for (const node of root.querySelectorAll(".panel")) node.hidden = node.id !== `panel-${panel}`;
  awaitingText.textContent = !editing
    ? describeAwaiting(board)
    : editing.mode === "insert"
      ? `Inserting a missed ball before ${editing.entry.over}: tap what happened.`
      : `Editing ball ${editing.entry.over}: tap what really happened.`;
  $("editing").hidden = !editing;
  if (editing) {
    $("editing-text").textContent = `${editing.entry.over} ${editing.entry.description}`;
    $("edit-insert").setAttribute("aria-pressed", String(editing.mode === "insert"));
  }
  root.dataset.editing = editing ? editing.mode : "";
  renderTools(board, cur);

  const now = currentInnings(board);
  const cards = new Map((now && !now.closed ? now.batting : []).map((row) => [row.name, row]));
  $("batter-choices").replaceChildren(
    ...(board.batters_available || []).map((name) => {
      const retired = cards.get(name)?.status?.startsWith("retired") ? cards.get(name).status : null;
      const label = retired ? `${name} (resumes, ${retired})` : name;
      return choice(label, { kind: "new_batter", player: name }, retired ? `${name} resumes` : `${name} comes in`);
    }),
  );
  $("bowler-choices").replaceChildren(...bowlerChoices(board, false));
  $("innings-choices").replaceChildren(
    ...(board.next_innings || []).map((o) => {
      const tag = o.super_over ? " (super over)" : o.follow_on ? " (follow-on)" : "";
      const command = { kind: "start_innings", batting: o.batting, super_over: o.super_over, follow_on: o.follow_on };
      return choice(`${o.batting} to bat${tag}`, command, `${o.batting} to bat${tag}`);
    }),
  );

  // Editing a past ball: the batters and fielders of that moment, once the server said who.
  const ctx = editing && editing.context;
  setOptions(wicketForm.elements.player_out, (ctx ? [ctx.striker, ctx.non_striker] : [cur.striker, cur.non_striker]).filter(Boolean));
  setOptions(wicketForm.elements.fielder, ctx ? ctx.fielders : (board.bowlers || []).map((b) => b.name), "none");
  setEnabled();
}

/** Replace a select's options when the names changed (keeps the choice otherwise). */
function setOptions(select, names, blank = null) {
  const values = [...(blank === null ? [] : [""]), ...names];
  if ([...select.options].map((o) => o.value).join("|") === values.join("|")) return;
  const kept = select.value;
  select.replaceChildren(...values.map((v) => el("option", { value: v }, v || blank)));
  if (values.includes(kept)) select.value = kept;
}

/** The bowlers with the engine's eligibility; `midOver` replaces the bowler during an over. */
function bowlerChoices(board, midOver) {
  return (board.bowlers || []).map((b) => {
    const command = midOver ? { kind: "new_bowler", bowler: b.name, mid_over: true } : { kind: "new_bowler", bowler: b.name };
    const what = midOver ? `${b.name} finishes the over` : `${b.name} to bowl`;
    const button = b.eligible ? choice(b.name, command, what) : recordAnyway(b, command, what);
    return el("li", { class: b.eligible ? "eligible" : "not-eligible" }, button, b.reason ? el("span", { class: "reason" }, b.reason) : null);
  });
}

// A bowler the conditions rule out can still be recorded when the umpires allowed it (issue
// 11): the scorer says why, and the command carries that reason as its override; the engine
// refuses it still if no override can make it legal.
function recordAnyway(bowler, command, what) {
  const button = el("button", { type: "button", class: "choice anyway", title: `${bowler.reason}: record anyway` }, bowler.name);
  button.addEventListener("click", () => {
    const reason = (window.prompt(`${bowler.name}: ${bowler.reason}. The umpires allowed it? Say why to record it anyway.`) || "").trim();
    if (reason) send({ ...command, override: reason }, `${what} (recorded anyway: ${reason})`, button);
  });
  return button;
}

const IN_PLAY = new Set(["delivery", "new_bowler", "new_batter"]);

/** Show only the tools whose event the engine would take now (see docs/protocol.md: awaiting). */
function renderTools(board, cur) {
  const wait = board.awaiting;
  const batting = IN_PLAY.has(wait) && Boolean(cur.striker || cur.non_striker);
  const allowed = {
    events: (board.events || 0) > 0,
    delivery: wait === "delivery",
    batting,
    innings: IN_PLAY.has(wait),
    not_over: wait !== "match_over",
  };
  for (const node of root.querySelectorAll(".tools [data-when]")) {
    node.hidden = Boolean(editing) || !allowed[node.dataset.when];
  }
  root.querySelector(".tools").hidden = Boolean(editing);

  // Change bowler: before the over's first ball the named bowler is swapped; during the over
  // (an injury, a suspension) another bowler finishes it.
  const midOver = (cur.this_over || []).length > 0;
  $("bowler-change-hint").textContent = midOver
    ? `${cur.bowler} cannot finish the over: who bowls the rest of it?`
    : `Name a different bowler for this over before its first ball (instead of ${cur.bowler}).`;
  $("bowler-change-choices").replaceChildren(...(wait === "delivery" ? bowlerChoices(board, midOver) : []));

  setOptions($("retire-form").elements.player, [cur.striker, cur.non_striker].filter(Boolean));
  substituteNames(board);
}

/** Suggestions for the substitute form: who is playing for the chosen team, and its named subs. */
function substituteNames(board) {
  const team = $("substitute-form").elements.team.value;
  const now = currentInnings(board);
  const live = now && !now.closed;
  let playing = (squads[team] || {}).players || [];
  if (live && team === now.batting_team) {
    playing = [...now.batting.map((b) => b.name), ...now.yet_to_bat];
  } else if (live && (board.bowlers || []).length) {
    playing = board.bowlers.map((b) => b.name);
  }
  const fill = (id, names) => {
    const list = $(id);
    if ([...list.options].map((o) => o.value).join("|") !== names.join("|")) {
      list.replaceChildren(...names.map((n) => el("option", { value: n })));
    }
  };
  fill("sub-out-names", playing);
  fill("sub-in-names", ((squads[team] || {}).substitutes || []).filter((n) => !playing.includes(n)));
}

/** The pad stays usable offline (taps queue); `data-ready` says all is stored and sent, the board shows
 * it (an ack can come before its update: until the update, the pad still offers the step the
 * ball was for), and the next tap is a new ball (not a repeat of the last within SAME_TAP_MS). */
function setEnabled() {
  const settled = Date.now() - lastTap.at >= SAME_TAP_MS;
  const shownAll = state.seq >= (sender.lastAckSeq ?? 0);
  const ready = live.status === "live" && !outbox.size && !storing && !sender.paused && settled && shownAll;
  root.dataset.ready = String(ready);
  root.dataset.live = live.status;
  for (const control of root.querySelectorAll(".console-pad button, .console-pad input, .console-pad select")) {
    if (control.closest("li.not-eligible")) continue; // stays disabled: the engine said why
    if (control.closest("#outbox")) continue;
    control.disabled = false;
  }
  // Marks for bench/console_load.py: the pad is drawn and takes taps (queued when offline),
  // and the first time it is ready with the link live.
  if (!root.dataset.pad) {
    root.dataset.pad = "usable";
    performance.mark("crease:pad-usable");
  }
  if (ready && !performance.getEntriesByName("crease:pad-ready").length) performance.mark("crease:pad-ready");
}

// Commands

/** The server's seq as far as this page knows (an ack may come before its update). */
function serverSeq() {
  return Math.max(live.lastSeq ?? state.seq, sender.lastAckSeq ?? 0, engine ? engine.seq : 0);
}

let syncing = false;

/** Keep the engine's stored log up with the board while online, so that an offline reload
 * starts from the last ball seen, not from the page's older copy. */
function keepLogFresh() {
  if (!engine || syncing || live.status !== "live" || engine.seq >= state.seq) return;
  syncing = true;
  engine
    .sync()
    .then(() => {
      syncing = false;
      document.body.dataset.engineSeq = String(engine.seq);
      keepLogFresh(); // the board may have moved on meanwhile
    })
    .catch(() => {
      syncing = false; // tried again with the next update
    });
}

/** Queue a command: stored in IndexedDB first, then sent in order (sender.js). */
async function send(command, what, form = null) {
  let wrapped = command;
  if (editing && command.kind === "delivery") {
    wrapped = { kind: editing.mode, at: editing.at, event: command };
    what = editing.mode === "insert"
      ? `insert before ${editing.entry.over}: ${what}`
      : `edit ${editing.entry.over}: ${what}`;
  }
  const key = JSON.stringify(wrapped);
  const now = Date.now();
  if (key === lastTap.key && now - lastTap.at < SAME_TAP_MS) return; // a double tap: one ball
  lastTap = { key, at: now };
  setEnabled(); // not ready from this tap on: `data-ready` never speaks of a board before it
  window.setTimeout(setEnabled, SAME_TAP_MS);
  const id = crypto.randomUUID();
  const text = commentaryInput.value.trim();
  const store = stored.then(() => {
    const last = outbox.entries[outbox.size - 1];
    const frame = { type: "command", id, expect_seq: last ? last.frame.expect_seq + 1 : serverSeq(), command: wrapped };
    if (text) frame.commentary = text;
    return outbox.add({ id, frame, what });
  });
  stored = store.catch(() => {});
  storing += 1;
  try {
    await store;
  } catch (error) {
    toast(`${what}: NOT recorded (this phone could not store it: ${error.message})`, "error");
    setEnabled();
    return;
  } finally {
    storing -= 1;
  }
  // Stored on the phone: the pad moves on.
  commentaryInput.value = "";
  extras.clear();
  renderExtras();
  editing = null;
  wicketForm.hidden = true;
  markPrevious(null);
  if (form) {
    if (form instanceof HTMLFormElement) form.reset();
    const tool = form.closest("details");
    if (tool) tool.open = false;
  }
  toast(`${what}: ${live.status === "live" && !sender.paused ? "sending…" : "queued"}`);
  log(`queued: ${what}`);
  sender.kick();
  render();
  setEnabled();
  refreshPreview();
}

function recorded(entry, message) {
  log(`✓ #${message.seq} ${entry.what}${message.duplicate ? " (already stored)" : ""}`, "ok");
  toast(`${entry.what}: recorded`, "ok");
}

function conflicted(entry, error) {
  log(`✗ ${error.code} (${entry.what}): ${error.reason}`, "error");
  openConflict();
}

/** The prompt for the refusal that stopped sending. */
function openConflict() {
  const paused = sender.paused;
  if (!paused) return;
  const { entry, error } = paused;
  showConflict(entry, error, outbox.size, {
    after: () => sender.resume(Number.isInteger(error.seq) ? error.seq : serverSeq()),
    discard: async () => {
      if (error.code === "stale_seq") {
        await sender.discard(outbox.entries.map((e) => e.id));
        toast(`discarded your entries; the board shows the other scorer's`);
        await sender.resume();
      } else {
        await sender.discard([entry.id]);
        toast(`${entry.what}: discarded`);
        await sender.resume(Number.isInteger(error.seq) ? error.seq : serverSeq());
      }
      refreshPreview();
    },
    edit: () => {
      toast("sending stopped: your entries wait below the pad");
      render();
    },
    override: async (reason) => {
      await sender.amend(entry, { ...entry.frame, override: reason });
      await sender.resume();
    },
  });
}

$("outbox-resolve").addEventListener("click", openConflict);

function acknowledged(message) {
  sender.acked(message).then((mine) => {
    if (!mine) log(`stored #${message.seq}`, "ok");
    render();
    setEnabled();
    refreshPreview();
  });
}

function refused(message) {
  if (sender.refusedFrame(message)) return;
  log(`✗ ${message.code}: ${message.reason}`, "error");
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
  if (wicketForm.hidden) return;
  if (!(editing && editing.context && editing.mode === "replace")) {
    // A fresh wicket: the striker is out unless the scorer says otherwise.
    const cur = state.scoreboard.current || {};
    const ctx = editing && editing.context;
    wicketForm.reset();
    wicketForm.elements.player_out.value = (ctx ? ctx.striker : cur.striker) || "";
  }
  wicketForm.elements.kind.focus();
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

/** Undo takes back the last queued entry if it was not sent yet, else asks the server. */
function undoTarget() {
  const last = outbox.entries[outbox.size - 1];
  if (last && sender.inFlight !== last.id) return { queued: last, words: `${last.what} (not sent yet)` };
  const entry = (shown().commentary || [])[0];
  return { queued: null, words: entry ? `${entry.over ? `${entry.over} ` : ""}${entry.description || entry.text || "the last entry"}` : "the last entry" };
}

$("undo").addEventListener("click", async () => {
  const { queued, words } = undoTarget();
  if (queued) {
    await removeQueuedNow(queued);
    toast(`undone: ${words}`);
    return;
  }
  send({ kind: "undo" }, `undo ${words}`);
});

async function removeQueuedNow(entry) {
  await sender.discard([entry.id]);
  refreshPreview();
}
for (const button of root.querySelectorAll("[data-command]")) {
  button.addEventListener("click", async () => {
    const words = button.textContent;
    if (await confirmFirst(`${words}: end the innings now?`, words)) send({ kind: button.dataset.command }, words);
  });
}

function numberOrNull(value) {
  return value === "" ? null : Number(value);
}

$("end-innings-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const reason = event.target.elements.reason.value.trim();
  const words = `end of innings${reason ? ` (${reason})` : ""}`;
  confirmFirst(`End the innings now (${reason || "no reason given"})?`, "End the innings").then((yes) => {
    if (yes) send({ kind: "end_innings", reason }, words, event.target);
  });
});
/** A pasted par table as the engine's rows [balls, [par for 0 to 9 wickets]]: one line per over
 * end or ball, "overs,par0,...,par9" with overs as 12 or 12.3 (commas, tabs or spaces between);
 * a line not starting with a number (a heading) is skipped. A bad cell goes to the engine as
 * null, which refuses it with the row; an empty table is null. */
function parTable(text, ballsPerOver) {
  const rows = [];
  for (const line of text.split("\n")) {
    const cells = line.trim().split(/[\s,;]+/).filter(Boolean);
    if (!cells.length || !/^\d/.test(cells[0])) continue;
    const at = /^(\d+)(?:\.(\d+))?$/.exec(cells[0]);
    const part = at ? Number(at[2] || 0) : NaN;
    const balls = at && part < ballsPerOver ? Number(at[1]) * ballsPerOver + part : null;
    rows.push([balls, cells.slice(1).map((cell) => (/^\d+$/.test(cell) ? Number(cell) : null))]);
  }
  return rows.length ? rows : null;
}

$("revised-form")?.addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target.elements;
  const command = { kind: "revised_target", runs: numberOrNull(f.runs.value), overs: numberOrNull(f.overs.value), method: f.method.value.trim() || "DLS" };
  const par = parTable(f.par.value, rules.balls_per_over || 6);
  if (par) command.par = par;
  const words = `revised target ${command.runs ?? "–"} in ${command.overs ?? "–"} overs${par ? ` with a par table of ${par.length} row${par.length === 1 ? "" : "s"}` : ""}`;
  send(command, words, event.target);
});
$("result-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target.elements;
  const command = { kind: "result", outcome: f.outcome.value, winner: f.winner.value || null, text: f.text.value.trim() || null };
  const words = `result: ${command.text || command.outcome}`;
  confirmFirst(`Record the ${words} and end the match?`, "End the match").then((yes) => {
    if (yes) send(command, words, event.target);
  });
});
$("abandon-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const reason = event.target.elements.reason.value.trim();
  const words = `match abandoned${reason ? ` (${reason})` : ""}`;
  confirmFirst(`Abandon the match (${reason || "no reason given"})?`, "Abandon the match").then((yes) => {
    if (yes) send({ kind: "abandon", reason }, words, event.target);
  });
});

let editToken = 0;

$("retire-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target.elements;
  if (!f.player.value) return;
  send({ kind: "retirement", player: f.player.value, reason: f.reason.value }, `${f.player.value} retires ${f.reason.value}`, event.target);
});
$("substitute-form").addEventListener("change", (event) => {
  if (event.target.name === "team") substituteNames(state.scoreboard);
});
$("substitute-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target.elements;
  const command = {
    kind: "substitute",
    team: f.team.value,
    player_in: f.player_in.value.trim(),
    player_out: f.player_out.value.trim(),
    replacement: f.replacement.checked,
    reason: f.reason.value.trim(),
  };
  if (!command.player_in || !command.player_out) {
    log("name the player coming off and the one coming on", "error");
    return;
  }
  send(command, `${command.player_in} on for ${command.player_out} (${command.team})`, event.target);
});
$("penalty-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target.elements;
  const runs = Number(f.runs.value);
  if (!Number.isInteger(runs) || runs < 1) {
    log("penalty runs must be a whole number of at least 1", "error");
    return;
  }
  send({ kind: "penalty_runs", team: f.team.value, runs }, `${runs} penalty run${runs === 1 ? "" : "s"} to ${f.team.value}`, event.target);
});

function startEditing(item) {
  if (!item || !item.dataset.at) return;
  const index = [...commentaryList.querySelectorAll("li[data-seq]")].indexOf(item);
  editing = { at: Number(item.dataset.at), entry: state.commentary[index], mode: "replace", context: null };
  extras.clear();
  renderExtras();
  markPrevious(null);
  wicketForm.hidden = true;
  commentaryInput.value = editing.entry.text || "";
  renderPanels();
  awaitingText.scrollIntoView({ block: "nearest" });
  loadBall(editing);
}

/** Fetch the ball being edited as it was scored and pre-fill the pad and the wicket form. */
async function loadBall(target) {
  const token = ++editToken;
  root.dataset.editLoaded = "false";
  let context = null;
  try {
    const response = await fetch(`/matches/${matchId}/score/events/${target.at}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    context = await response.json();
  } catch (error) {
    log(`could not load ball ${target.entry.over} to edit (${error.message}); enter it afresh`, "error");
  }
  if (token !== editToken || editing !== target) return; // another edit began meanwhile
  if (context && context.event && context.event.kind === "delivery") {
    target.context = context;
    if (target.mode === "replace") prefill(context);
  }
  renderPanels();
  root.dataset.editLoaded = "true";
}

function prefill(context) {
  const d = context.event;
  extras.clear();
  let runs = d.runs || 0;
  if (d.wides) {
    extras.add("wide");
    runs = Math.max(0, d.wides - (rules.wide_runs ?? 1));
  } else {
    if (d.noballs) extras.add("noball");
    if (d.byes) {
      extras.add("bye");
      runs = d.byes;
    } else if (d.legbyes) {
      extras.add("legbye");
      runs = d.legbyes;
    }
  }
  renderExtras();
  markPrevious(runs);
  const wicket = (d.wickets || [])[0];
  wicketForm.hidden = !wicket;
  if (wicket) {
    setOptions(wicketForm.elements.player_out, [context.striker, context.non_striker].filter(Boolean));
    setOptions(wicketForm.elements.fielder, context.fielders, "none");
    const f = wicketForm.elements;
    f.kind.value = wicket.kind;
    f.player_out.value = wicket.player_out || context.striker || "";
    f.fielder.value = (wicket.fielders || [])[0] || "";
    f.runs.value = String(runs);
    f.crossed.checked = Boolean(wicket.crossed);
  }
}

/** Mark the runs button of the ball being edited (what was scored), or clear the mark. */
function markPrevious(runs) {
  for (const button of root.querySelectorAll("[data-runs]")) {
    const was = runs !== null && Number(button.dataset.runs) === runs;
    button.classList.toggle("was", was);
    if (was) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

commentaryList.addEventListener("click", (event) => startEditing(event.target.closest("li.editable")));
commentaryList.addEventListener("keydown", (event) => {
  if (event.key === "Enter") startEditing(event.target.closest("li.editable"));
});
$("edit-cancel").addEventListener("click", () => {
  editing = null;
  extras.clear();
  renderExtras();
  markPrevious(null);
  wicketForm.hidden = true;
  commentaryInput.value = "";
  renderPanels();
});
$("edit-insert").addEventListener("click", () => {
  if (!editing) return;
  editing.mode = editing.mode === "insert" ? "replace" : "insert";
  extras.clear();
  markPrevious(null);
  wicketForm.hidden = true;
  if (editing.mode === "insert") commentaryInput.value = "";
  else if (editing.context) prefill(editing.context);
  renderExtras();
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
      if (editing) {
        editing = null; // the log changed under the edit: pick the ball again
        markPrevious(null);
        wicketForm.hidden = true;
      }
      render();
      refreshPreview();
      keepLogFresh();
      break;
    case "update":
      applyUpdate(state, message);
      render();
      refreshPreview();
      keepLogFresh();
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

const outbox = await openOutbox(matchId);
const live = new LiveSocket(`/ws/matches/${matchId}/score/`, {
  since: state.seq,
  statusElement: $("live-status"),
  onMessage: handle,
  onStatus: (status, detail) => {
    if (status === "offline" && detail) log(`offline: ${detail}`, "error");
    sender.linkChanged();
    render();
    setEnabled();
  },
  onOpen: () => {
    document.body.dataset.live = "true";
    sender.linkChanged(); // resend whatever was waiting, same ids: stored once
    setEnabled();
  },
});
const sender = new Sender(outbox, live, { recorded, refused: conflicted, changed: () => render() });
render();
live.start();
window.creaseLive = live;
window.creaseOutbox = outbox;

// The local engine (interface: local-engine.js); without it the pad still queues, it just
// cannot show the score after the queued balls.
import("./local-engine.js")
  .then((module) => module.openLocalEngine(matchId))
  .then((opened) => {
    engine = opened;
    engineNote = "";
    engineSignal("ready");
    keepLogFresh(); // balls recorded while the engine loaded
    refreshPreview();
  })
  .catch((error) => {
    engineNote = `offline scoring unavailable (${error.message}): taps are queued and sent when back online`;
    engineSignal("unavailable");
    render();
  });

/** `body[data-engine]` says whether the local engine loaded ("ready") or not ("unavailable"),
 * with a performance mark at that moment (bench/console_load.py reads it); `data-engine-seq`
 * is the last seq of the log it holds. */
function engineSignal(status) {
  document.body.dataset.engine = status;
  if (engine) document.body.dataset.engineSeq = String(engine.seq); // the stored log's last seq
  performance.mark(`crease:engine-${status}`);
}
