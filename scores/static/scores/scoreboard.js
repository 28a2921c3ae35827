// Scoreboard rendering shared by the match page and the scorer console (the state it renders is
// feed.js's). Rendering fills every element carrying a `data-field` inside a root, with the same
// markup the server renders (scores/templates/scores/_scoreboard.html): text only, never HTML
// from data.
import { currentInnings } from "./feed.js";

/** Create an element; string children become text nodes (never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-")) node.dataset[camel(key.slice(5))] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

const dash = (value) => (value === null || value === undefined || value === "" ? "–" : String(value));

/** A match status's label ("innings_break" -> "Innings break"), as the server names it
 * (Match.Status, embedded by the page as #status-labels). */
const STATUS_LABELS = JSON.parse(document.getElementById("status-labels")?.textContent || "{}");
export const statusLabel = (status) => STATUS_LABELS[status] || status;

function fields(root, name) {
  return root.querySelectorAll(`[data-field="${name}"]`);
}

function setText(root, name, text) {
  for (const node of fields(root, name)) node.textContent = text;
}

function setRows(root, name, rows) {
  for (const node of fields(root, name)) node.replaceChildren(...rows());
}

function setHidden(root, name, text) {
  for (const node of fields(root, name)) {
    node.textContent = text || "";
    node.hidden = !text;
  }
}

function num(value) {
  return el("td", { class: "num" }, dash(value));
}

/** A rate (run rate, strike rate, economy) always with two decimals, as the server renders it:
 * 188.0 and 188 are both "188.00". */
export const rate = (value) => (value === null || value === undefined ? "–" : Number(value).toFixed(2));

function rateCell(value) {
  return el("td", { class: "num" }, rate(value));
}

/** The balls of an over, each `{label, kind}` as the engine gives them (kind: the CSS class). */
function ballChips(balls) {
  return () => (balls || []).map((ball) => el("li", { class: `ball ${ball.kind}` }, ball.label));
}

/** Render the whole scoreboard of `state` into every data-field under `root`. */
export function renderBoard(root, state) {
  const board = state.scoreboard;
  const cur = board.current || {};
  const now = currentInnings(board);
  const inPlay = now && !now.closed;
  setText(root, "score", now ? now.score : (board.teams || []).join(" v "));
  setText(root, "status", board.status || "");
  setText(root, "run_rate", rate(cur.run_rate));
  setText(root, "required_rate", rate(cur.required_rate));
  setText(root, "target", dash(cur.target));
  setText(root, "partnership", cur.partnership ? `${cur.partnership.runs} (${cur.partnership.balls})` : "–");
  const equation = cur.equation || cur.lead || "";
  setHidden(root, "equation", equation === board.status ? "" : equation);
  setHidden(root, "result", board.result || "");
  // A revised chase's par (the console's board; the fan page has it in its score bar).
  setHidden(root, "par", inPlay && !board.result && cur.par ? cur.par.text : "");
  setText(root, "summary", state.summary || "");
  for (const node of fields(root, "match_status")) {
    node.dataset.value = state.match.status;
    node.textContent = statusLabel(state.match.status);
  }

  const batting = new Map((inPlay ? now.batting : []).map((row) => [row.name, row]));
  setRows(root, "batters", () =>
    [cur.striker, cur.non_striker]
      .filter((name) => inPlay && name)
      .map((name) => {
        const b = batting.get(name) || { name, runs: 0, balls: 0, fours: 0, sixes: 0, strike_rate: null };
        const strike = name === cur.striker;
        return el(
          "tr",
          { class: strike ? "on-strike" : null },
          el("td", {}, strike ? `${b.name} *` : b.name),
          num(b.runs), num(b.balls), num(b.fours || 0), num(b.sixes || 0), rateCell(b.strike_rate),
        );
      }),
  );
  setRows(root, "bowler", () => {
    if (!inPlay || !cur.bowler) return [];
    const w = now.bowling.find((row) => row.name === cur.bowler) || {
      name: cur.bowler, overs: "0", maidens: 0, runs: 0, wickets: 0, economy: null,
    };
    return [el("tr", {}, el("td", {}, w.name), num(w.overs), num(w.maidens), num(w.runs), num(w.wickets), rateCell(w.economy))];
  });
  setRows(root, "this_over", ballChips(cur.this_over));
  setRows(root, "last_over", ballChips(cur.last_over));
  for (const node of fields(root, "cards")) renderCards(node, board.innings, state.match);
}

/** A player's name with Cricinfo's marks if they are `team`'s captain or wicket-keeper in the
 * match info: "Name (c)", "Name †", "Name (c) †" (the server's twin: selectors.player_name_marked). */
export function markedName(match, team, name) {
  const marks = [];
  if (match?.captains?.[team] === name) marks.push("(c)");
  if (match?.keepers?.[team] === name) marks.push("†");
  return [name, ...marks].join(" ");
}

/** A dismissal with Cricinfo's keeper mark on `team`'s (the fielding side's) wicket-keeper:
 * "c †K b B", "st †K b B", "run out (A/†K)" (the server's twin: selectors.dismissal_marked). */
export function markedDismissal(match, team, text) {
  const keeper = match?.keepers?.[team];
  if (!keeper || !text) return text;
  for (const how of ["c ", "st "]) {
    if (text.startsWith(`${how}${keeper} b `)) return `${how}†${text.slice(how.length)}`;
  }
  if (text.startsWith("run out (") && text.endsWith(")")) {
    const names = text.slice("run out (".length, -1).split("/");
    return `run out (${names.map((n) => (n === keeper ? `†${n}` : n)).join("/")})`;
  }
  return text;
}

/** Every innings' batting and bowling card, newest first; keeps which cards the reader opened.
 * `match`: the snapshot's match info, for the captain and keeper marks. */
export function renderCards(node, innings, match = null) {
  const open = new Map();
  for (const card of node.querySelectorAll("details.card")) open.set(card.dataset.innings, card.open);
  const newest = innings.length ? String(innings[innings.length - 1].number) : null;
  const cards = [...innings].reverse().map((inn) => {
    const key = String(inn.number);
    return card(inn, open.has(key) ? open.get(key) : key === newest, match);
  });
  node.replaceChildren(...cards);
}

function card(inn, isOpen, match) {
  const batter = (name) => markedName(match, inn.batting_team, name);
  const bowler = (name) => markedName(match, inn.bowling_team, name);
  const tag = inn.super_over ? " · super over" : inn.follow_on ? " · following on" : "";
  const total = `${inn.runs}/${inn.wickets}${inn.declared ? "d" : ""}`;
  const limit = inn.overs_limit ? ` of ${inn.overs_limit}` : "";
  const x = inn.extras;
  const totalLine = [`(${inn.overs} overs)`];
  if (inn.target) totalLine.push(`target ${inn.target}${inn.revised ? " (revised)" : ""}`);
  if (inn.close_reason) totalLine.push(inn.close_reason === "target" ? "target reached" : inn.close_reason);
  return el(
    "details",
    { class: "card", "data-innings": String(inn.number), open: isOpen },
    el(
      "summary", {},
      el("span", { class: "card-title" }, `${inn.batting_team}${tag}`), " ",
      el("span", { class: "card-score" }, total, " ", el("span", { class: "muted" }, `(${inn.overs} ov${limit})`)),
    ),
    el("div", { class: "table-box" }, el(
      "table", { class: "batting" },
      el("thead", {}, el("tr", {}, el("th", {}, "Batter"), el("th"), ...["R", "B", "0s", "4s", "6s", "SR"].map((h) => el("th", { class: "num" }, h)))),
      el(
        "tbody", {},
        inn.batting.map((b) =>
          el(
            "tr", { class: b.status.replace(/\s+/g, "-") },
            el("td", {}, b.on_strike && !inn.closed ? `${batter(b.name)} *` : batter(b.name)),
            el("td", { class: "dismissal" }, markedDismissal(match, inn.bowling_team, b.dismissal)),
            num(b.runs), num(b.balls), num(b.dots), num(b.fours), num(b.sixes), rateCell(b.strike_rate),
          ),
        ),
      ),
    )),
    el("p", { class: "extras" }, "Extras ", el("strong", {}, String(x.total)), " ",
      el("span", { class: "muted" }, `(b ${x.byes}, lb ${x.legbyes}, w ${x.wides}, nb ${x.noballs}, p ${x.penalty})`)),
    el("p", { class: "total" }, "Total ", el("strong", {}, total), ` ${totalLine.join(" · ")}`),
    inn.yet_to_bat.length ? el("p", { class: "yet" }, el("span", { class: "label" }, "Yet to bat"), ` ${inn.yet_to_bat.join(", ")}`) : null,
    inn.fall_of_wickets.length
      ? el("p", { class: "fow" }, el("span", { class: "label" }, "Fall of wickets"),
          ` ${inn.fall_of_wickets.map((f) => `${f.runs}-${f.wicket} (${f.player}, ${f.overs})`).join(", ")}`)
      : null,
    el("div", { class: "table-box" }, el(
      "table", { class: "bowling" },
      el("thead", {}, el("tr", {}, el("th", {}, "Bowler"), ...["O", "M", "R", "W", "Econ", "0s", "Wd", "Nb"].map((h) => el("th", { class: "num" }, h)))),
      el(
        "tbody", {},
        inn.bowling.map((w) =>
          el("tr", {}, el("td", {}, bowler(w.name)), num(w.overs), num(w.maidens), num(w.runs), num(w.wickets), rateCell(w.economy), num(w.dots), num(w.wides), num(w.noballs)),
        ),
      ),
    )),
    // What the umpires allowed against the playing conditions, recorded with an override.
    (inn.notes || []).length
      ? el("ul", { class: "notes", "data-field": "notes" },
          inn.notes.map((n) => el("li", {}, `Over ${n.over}: ${n.text} (recorded anyway: ${n.reason})`)))
      : null,
  );
}

/** One commentary entry (newest first lists). */
export function commentaryItem(entry) {
  return el(
    "li", { "data-seq": String(entry.seq) },
    el("span", { class: "over" }, entry.over || ""),
    el("span", { class: `ball ${entry.kind}` }, entry.label || "·"),
    el("span", { class: "words" },
      el("span", { class: "description" }, entry.description || ""),
      entry.text ? el("span", { class: "text" }, entry.text) : null),
  );
}

export function renderCommentary(list, entries) {
  if (!entries.length) {
    list.replaceChildren(el("li", { class: "muted empty" }, "No balls yet."));
    return;
  }
  list.replaceChildren(...entries.map(commentaryItem));
}

/** The state embedded by the server (json_script), or null. */
export function embeddedSnapshot(id = "snapshot-data") {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}
