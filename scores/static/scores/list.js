// The match list: summary lines, statuses and watcher counts kept live over ws/matches/.
import { LiveSocket } from "../realtime/live.js";
import { el, statusLabel } from "./scoreboard.js";

const list = document.getElementById("match-list");
const RANK = { live: 0, innings_break: 1, scheduled: 2, finished: 3 };
const watching = new Map(); // match id -> count, kept across re-renders

function row(id) {
  return list.querySelector(`li.match-row[data-match-id="${CSS.escape(String(id))}"]`);
}

function setField(item, name, text) {
  const node = item.querySelector(`[data-field="${name}"]`);
  if (node) node.textContent = text;
  return node;
}

function setStatus(item, status) {
  item.dataset.status = status;
  const badge = setField(item, "status", statusLabel(status));
  if (badge) badge.dataset.value = status;
}

function newRow(match) {
  return el(
    "li", { class: "match-row", "data-match-id": String(match.id), "data-status": match.status },
    el(
      "a", { class: "match-link", href: `/matches/${encodeURIComponent(match.id)}/` },
      el("span", { class: "badge", "data-field": "status", "data-value": match.status }, statusLabel(match.status)),
      el("span", { class: "title" }, match.title),
      el("span", { class: "teams muted" }, (match.teams || []).join(" v ")),
      el("span", { class: "summary", "data-field": "summary" }, match.summary || "not started"),
      el("span", { class: "watching" }, el("span", { "data-field": "watching" }, String(watching.get(String(match.id)) ?? match.watching ?? 0)), " watching"),
    ),
  );
}

function upsert(match) {
  const old = row(match.id);
  const item = newRow(match);
  if (old) old.replaceWith(item);
  else list.prepend(item);
}

/** Live matches first, then innings breaks, scheduled, finished; otherwise keep the order. */
function sort() {
  const rows = [...list.querySelectorAll("li.match-row")];
  const sorted = rows
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (RANK[a.item.dataset.status] ?? 9) - (RANK[b.item.dataset.status] ?? 9) || a.index - b.index)
    .map(({ item }) => item);
  if (sorted.some((item, i) => item !== rows[i])) list.replaceChildren(...sorted);
  if (rows.length) list.querySelector("li.empty")?.remove();
}

function changed(id, status, summary) {
  const item = row(id);
  if (!item) return;
  if (summary !== undefined) setField(item, "summary", summary);
  if (status) setStatus(item, status);
  sort();
}

function handle(message) {
  switch (message.type) {
    case "matches":
      list.replaceChildren(...message.matches.map(newRow));
      if (!message.matches.length) list.append(el("li", { class: "muted empty" }, "No matches yet."));
      sort();
      document.body.dataset.live = "true";
      break;
    case "match":
      if (message.match) upsert(message.match);
      changed(message.match_id, message.status);
      break;
    case "update":
      changed(message.match_id, message.status, message.summary);
      break;
    case "snapshot":
      changed(message.match.id, message.match.status, message.summary);
      break;
    case "presence": {
      const id = /^match\.(\d+)$/.exec(message.group || "");
      if (!id) break;
      watching.set(id[1], message.count);
      const item = row(id[1]);
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
new LiveSocket("/ws/matches/", {
  resume: false,
  statusElement: document.getElementById("live-status"),
  onMessage: handle,
}).start();
