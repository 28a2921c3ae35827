// The fan page's own parts around the shared scoreboard: the sticky score bar, partnerships,
// the charts, the ball-by-ball history loaded in pages and the phone tabs. Reads feed.js's
// state only (never changes it).
import { drawManhattan, drawRates, drawWorm, COLOURS } from "./charts.js";
import { currentInnings } from "./feed.js";
import { commentaryItem, el, rate } from "./scoreboard.js";

/** A colour key of series `i` (colours set through CSSOM: the page's CSP forbids style attributes). */
function swatch(i) {
  const node = el("span", { class: "swatch" });
  node.style.background = COLOURS[i % COLOURS.length];
  return node;
}

const ballChip = (ball) => el("li", { class: `ball ${ball.kind}` }, ball.label);

/** The score bar: every regular innings' score (both sides in a chase), the status or result,
 * the par score of a revised chase, overs, target, current and required rate, and this over. */
export function renderScoreBar(bar, state) {
  const board = state.scoreboard;
  const cur = board.current || {};
  const now = currentInnings(board);
  const regular = board.innings.filter((inn) => !inn.super_over);
  const shown = regular.length > 2 ? regular.slice(-2) : regular;
  const supers = board.innings.filter((inn) => inn.super_over);
  const lines = [...shown, ...supers.slice(-2)].map((inn, i) =>
    el("li", { class: inn === now && !inn.closed ? "side batting" : "side", "data-innings": String(inn.number) },
      swatch(i),
      el("span", { class: "team" }, inn.batting_team + (inn.super_over ? " (SO)" : "")),
      el("span", { class: "runs" }, `${inn.runs}/${inn.wickets}${inn.declared ? "d" : ""}`),
      el("span", { class: "ov" }, `(${inn.overs}${inn.overs_limit_text && !inn.closed ? `/${inn.overs_limit_text}` : ""})`)),
  );
  if (!lines.length) lines.push(el("li", { class: "side" }, el("span", { class: "team" }, (board.teams || []).join(" v "))));
  bar.querySelector("[data-bar=sides]").replaceChildren(...lines);
  const status = bar.querySelector("[data-bar=status]");
  status.textContent = board.result || board.status || "";
  status.classList.toggle("result", Boolean(board.result));
  // With no result, equation, lead or break to tell, the status is the batting side's score,
  // which the line above already shows.
  status.hidden = !board.result && !cur.equation && !cur.lead && board.awaiting !== "innings_start";
  const inPlay = now && !now.closed && !board.result;
  // A revised chase with a par table: "Par (DLS) 87: Northfield 5 ahead", under the equation.
  const par = bar.querySelector("[data-bar=par]");
  if (par) {
    par.textContent = inPlay && cur.par ? cur.par.text : "";
    par.hidden = !par.textContent;
  }
  const facts = [];
  if (inPlay) {
    facts.push(["CRR", rate(cur.run_rate)]);
    if (cur.target) facts.push(["Target", String(cur.target)]);
    if (cur.required_rate !== null && cur.required_rate !== undefined) facts.push(["RRR", rate(cur.required_rate)]);
  }
  bar.querySelector("[data-bar=facts]").replaceChildren(
    ...facts.map(([k, v]) => el("span", { class: "fact", "data-fact": k }, el("abbr", {}, k), " ", el("strong", {}, v))),
  );
  const over = bar.querySelector("[data-bar=over]");
  over.hidden = !inPlay;
  over.querySelector("ol").replaceChildren(...(inPlay ? cur.this_over || [] : []).map(ballChip));
}

/** The first innings' projected score (a chase's equation is in the score bar). */
export function renderOutlook(node, state) {
  const cur = state.scoreboard.current || {};
  const parts = [];
  if (cur.projected) {
    parts.push(el("h3", {}, "Projected score"));
    parts.push(el("table", { class: "projection" },
      el("thead", {}, el("tr", {}, ...cur.projected.map(([r], i) => el("th", { class: "num" }, `${rate(r)}${i ? ` (+${i})` : " (now)"}`)))),
      el("tbody", {}, el("tr", {}, ...cur.projected.map(([, total]) => el("td", { class: "num" }, String(total)))))));
  }
  // What a chase needs is the status line of the score bar already: shown once, there.
  node.replaceChildren(...parts);
  node.hidden = !parts.length;
}

/** Partnerships of the innings in progress (else the last), the current one marked. */
export function renderPartnerships(node, state) {
  const inn = currentInnings(state.scoreboard);
  if (!inn || !inn.partnerships.length) {
    node.replaceChildren(el("p", { class: "muted" }, "No partnerships yet."));
    return;
  }
  const most = Math.max(1, ...inn.partnerships.map((p) => p.runs));
  node.replaceChildren(
    el("h3", {}, `Partnerships · ${inn.batting_team}`),
    el("ol", { class: "partnerships" },
      inn.partnerships.map((p) => el("li", { class: p.unbroken && !inn.closed ? "unbroken" : null, "data-wicket": String(p.wicket) },
        el("span", { class: "wkt" }, ordinal(p.wicket)),
        el("span", { class: "pair" }, p.batters.map((b) => `${b} ${p.contributions[b] || 0}`).join(" · ")),
        el("span", { class: "num" }, `${p.runs} (${p.balls})${p.unbroken && !inn.closed ? "*" : ""}`),
        meter((100 * p.runs) / most)))),
  );
}

function meter(percent) {
  const node = el("span", { class: "meter" });
  node.style.width = `${Math.max(1, Math.round(percent))}%`;
  return node;
}

const ordinal = (n) => `${n}${["th", "st", "nd", "rd"][(n % 100 >= 11 && n % 100 <= 13) || n % 10 > 3 ? 0 : n % 10]}`;

/** Redraw every chart under `root`; also the legend. */
export function renderCharts(root, state) {
  const innings = state.scoreboard.innings;
  for (const svg of root.querySelectorAll("svg[data-chart]")) {
    const draw = { worm: drawWorm, manhattan: drawManhattan, rates: drawRates }[svg.dataset.chart];
    draw(svg, innings);
    svg.dataset.balls = String(innings.reduce((sum, inn) => sum + inn.legal_balls, 0));
  }
  for (const legend of root.querySelectorAll("[data-field=legend]")) {
    legend.replaceChildren(...innings.filter((inn) => !inn.super_over).map((inn, i) =>
      el("li", {}, swatch(i), inn.batting_team)));
  }
}

/** Commentary newest first: the feed's recent entries, then older pages fetched on scroll.
 * An over's summary is shown above its last ball (newest first). */
export class CommentaryHistory {
  constructor(list, more, matchId) {
    this.list = list;
    this.more = more;
    this.matchId = matchId;
    this.older = [];
    this.done = false;
    this.loading = null;
    this.state = null;
    more.addEventListener("click", () => this.loadOlder());
    if ("IntersectionObserver" in window) {
      new IntersectionObserver((seen) => {
        if (seen.some((e) => e.isIntersecting)) this.loadOlder();
      }, { rootMargin: "200px" }).observe(more);
    }
  }

  render(state) {
    this.state = state;
    const recent = state.commentary;
    const oldest = recent.length ? recent[recent.length - 1].seq : Infinity;
    const entries = [...recent, ...this.older.filter((e) => e.seq < oldest)];
    if (!entries.length) {
      this.list.replaceChildren(el("li", { class: "muted empty" }, "No balls yet."));
    } else {
      this.list.replaceChildren(...entries.flatMap((e) =>
        e.summary ? [el("li", { class: "over-summary", "data-seq": String(e.seq) }, e.summary), commentaryItem(e)] : [commentaryItem(e)]));
    }
    this.done = this.done || (recent.length < 50 && !this.older.length);
    this.more.hidden = this.done;
  }

  async loadOlder() {
    if (this.done || this.loading || !this.state) return this.loading;
    const shown = [...this.state.commentary, ...this.older];
    const before = shown.length ? Math.min(...shown.map((e) => e.seq)) : null;
    const url = `/api/matches/${this.matchId}/commentary?limit=60${before === null ? "" : `&before=${before}`}`;
    this.more.textContent = "Loading earlier balls…";
    this.loading = fetch(url, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((page) => {
        this.older.push(...page.entries);
        this.done = !page.more;
        this.more.textContent = "Load earlier balls";
        this.render(this.state);
      })
      .catch((err) => {
        this.more.textContent = `Could not load earlier balls (${err.message}); tap to retry`;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

/** Phone tabs: one panel at a time below 1100 px; on a desktop CSS shows every panel. */
export function setUpTabs(root) {
  const tabs = [...root.querySelectorAll("[role=tab]")];
  const show = (name) => {
    for (const tab of tabs) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    for (const panel of root.querySelectorAll("[role=tabpanel]")) panel.dataset.active = String(panel.dataset.tab === name);
    root.dataset.tab = name;
  };
  for (const tab of tabs) tab.addEventListener("click", () => {
    show(tab.dataset.tab);
    history.replaceState(null, "", `#${tab.dataset.tab}`);
  });
  const wanted = location.hash.slice(1);
  show(tabs.some((t) => t.dataset.tab === wanted) ? wanted : "live");
}
