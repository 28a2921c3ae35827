// Match cards (the match list and the home page), kept live over ws/matches/: each card's
// status, score lines (both sides' scores, then the equation or result) and watcher count.
// Matches in play go to #match-list (live first); finished ones to #match-results if the page
// has it. A list's data-limit caps its cards (the home page shows a few).
import { LiveSocket } from "../realtime/live.js";
import { el, statusLabel } from "./scoreboard.js";

const inPlay = document.getElementById("match-list");
const results = document.getElementById("match-results");
const lists = [inPlay, results].filter(Boolean);
const RANK = { live: 0, innings_break: 1, scheduled: 2, finished: 3 };
// One innings in a summary line ("CSK 171/5 (15)"): the same pattern as the server's
// summary_lines filter (scores/templatetags/scores.py).
const SCORE_LINE = /^.+ \d+\/\d+d? \([^)]*\)( \[SO\])?$/;
const watching = new Map(); // match id -> count, kept across re-renders

function listFor(status) {
  return status === "finished" && results ? results : inPlay;
}

function card(id) {
  for (const list of lists) {
    const found = list.querySelector(`li.match-card[data-match-id="${CSS.escape(String(id))}"]`);
    if (found) return found;
  }
  return null;
}

/** "GT 214/4 (20) · CSK 171/5 (15) · CSK won by 5 wickets" as card lines. */
export function summaryLines(summary) {
  return (summary || "not started")
    .split(" · ")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((text) => el("span", { class: `line ${SCORE_LINE.test(text) ? "score" : "note"}` }, text));
}

function setField(item, name, ...children) {
  const node = item.querySelector(`[data-field="${name}"]`);
  if (node) node.replaceChildren(...children);
  return node;
}

function setStatus(item, status) {
  item.dataset.status = status;
  const badge = setField(item, "status", statusLabel(status));
  if (badge) badge.dataset.value = status;
}

function context(match) {
  return [match.stage, match.competition].filter(Boolean).join(", ");
}

function where(match) {
  if (!match.venue && !match.start_date) return null;
  const date = match.start_date ? el("time", { datetime: match.start_date }, match.start_date) : null;
  return el("span", { class: "where muted small" }, match.venue || "", match.venue && date ? " · " : "", date);
}

function newCard(match) {
  const id = String(match.id);
  return el(
    "li", { class: "match-card", "data-match-id": id, "data-status": match.status },
    el(
      "a", { class: "match-link", href: `/matches/${encodeURIComponent(id)}/` },
      el(
        "span", { class: "card-top" },
        el("span", { class: "badge", "data-field": "status", "data-value": match.status }, statusLabel(match.status)),
        el("span", { class: "context muted small" }, context(match)),
        el("span", { class: "watching small" }, el("span", { "data-field": "watching" }, String(watching.get(id) ?? match.watching ?? 0)), " watching"),
      ),
      el("span", { class: "title" }, match.title),
      el("span", { class: "lines", "data-field": "lines" }, summaryLines(match.summary)),
      where(match),
    ),
  );
}

function limitOf(list) {
  const limit = Number.parseInt(list.dataset.limit || "", 10);
  return Number.isFinite(limit) && limit > 0 ? limit : Infinity;
}

/** Cards in play: live first, then innings breaks, scheduled (otherwise as they are); each
 * list cut to its limit, with its empty line when it has no card. */
function tidy() {
  for (const list of lists) {
    const cards = [...list.querySelectorAll("li.match-card")];
    const sorted = list === results ? cards : cards
      .map((item, index) => ({ item, index }))
      .sort((a, b) => (RANK[a.item.dataset.status] ?? 9) - (RANK[b.item.dataset.status] ?? 9) || a.index - b.index)
      .map(({ item }) => item);
    const kept = sorted.slice(0, limitOf(list));
    const empty = el("li", { class: "muted empty" }, list.dataset.empty || "No matches yet.");
    if (kept.length !== cards.length || kept.some((item, i) => item !== cards[i]) || (!kept.length && !list.querySelector("li.empty"))) {
      list.replaceChildren(...(kept.length ? kept : [empty]));
    }
    if (kept.length) list.querySelector("li.empty")?.remove();
  }
}

/** Put a card in the list its status belongs to (a match that finishes moves to the results,
 * newest first). */
function place(item) {
  const list = listFor(item.dataset.status);
  if (item.parentElement === list) return;
  item.remove();
  if (list === results) list.prepend(item);
  else list.append(item);
}

function upsert(match) {
  const old = card(match.id);
  const item = newCard(match);
  if (old) old.replaceWith(item);
  else listFor(match.status).prepend(item);
  place(item);
}

function changed(id, status, summary) {
  const item = card(id);
  if (!item) return;
  if (summary !== undefined) setField(item, "lines", ...summaryLines(summary));
  if (status) setStatus(item, status);
  place(item);
  tidy();
}

function handle(message) {
  switch (message.type) {
    case "matches":
      for (const list of lists) list.replaceChildren();
      for (const match of message.matches) listFor(match.status).append(newCard(match));
      tidy();
      document.body.dataset.live = "true";
      break;
    case "match":
      if (message.match) upsert(message.match);
      changed(message.match_id, message.status);
      break;
    case "score":
      changed(message.match_id, message.status, message.summary);
      break;
    case "update":
    case "snapshot":
      break; // a match's own frames, sent to list pages by servers before 2026-12: the line comes in `score`
    case "presence": {
      const id = /^match\.(\d+)$/.exec(message.group || "");
      if (!id) break;
      watching.set(id[1], message.count);
      const item = card(id[1]);
      if (item) setField(item, "watching", String(message.count));
      break;
    }
    case "error":
      console.warn(`match list feed: ${message.code}: ${message.reason}`);
      break;
    default:
      throw new Error(`match list feed: unknown message type ${JSON.stringify(message.type)}`);
  }
}

// Updates of many matches share this socket, each with its own seq: no resume by seq here; on
// every (re)connection the server sends the whole list again (`matches`).
if (inPlay) {
  new LiveSocket("/ws/matches/", {
    resume: false,
    statusElement: document.getElementById("live-status"),
    onMessage: handle,
  }).start();
}
