// The fan page's charts as inline SVG, drawn from the engine's per-innings `over_log`
// ([runs, wickets, bowler] per completed over) plus the over in progress. No library, no build:
// each call redraws one <svg> from the state, so a ball scored is a redraw.

const NS = "http://www.w3.org/2000/svg";
const W = 360;
const H = 200;
const PAD = { left: 30, right: 8, top: 10, bottom: 24 };
export const COLOURS = ["#0b6e4f", "#c2410c", "#2563eb", "#9333ea"];

function svgEl(tag, attrs = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** Completed overs plus the over in progress as {runs, wickets, balls, over} points. */
export function overSeries(inn, bpo = 6) {
  const overs = (inn.over_log || []).map(([runs, wickets, bowler], i) => ({ over: i + 1, runs, wickets, bowler, balls: bpo }));
  const logged = overs.reduce((sum, o) => sum + o.runs, 0);
  const wkts = overs.reduce((sum, o) => sum + o.wickets, 0);
  const part = inn.legal_balls - overs.length * bpo;
  if (part > 0 || (!inn.closed && inn.runs > logged)) {
    overs.push({ over: overs.length + 1, runs: inn.runs - logged, wickets: Math.max(0, inn.wickets - wkts), bowler: null, balls: part });
  } else if (inn.runs > logged && overs.length) {
    overs[overs.length - 1].runs += inn.runs - logged; // penalty runs after the last ball
  }
  return overs;
}

/** The regular innings (no super overs) a chart compares. */
export const chartInnings = (innings) => innings.filter((inn) => !inn.super_over);

function niceMax(value) {
  const steps = [5, 10, 20, 25, 50, 100];
  const raw = Math.max(value, 1) / 4;
  const step = steps.find((s) => s >= raw) || Math.ceil(raw / 100) * 100;
  return { max: Math.ceil(Math.max(value, 1) / step) * step, step };
}

function frame(svg, { xMax, yMax, yStep, xLabel, yLabel }) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.replaceChildren();
  const x = (v) => PAD.left + (v / xMax) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    svg.append(svgEl("line", { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(svgEl("text", { x: PAD.left - 4, y: y(v) + 4, class: "tick", "text-anchor": "end" }, String(v)));
  }
  const xStep = xMax > 30 ? 10 : 5;
  for (let v = 0; v <= xMax; v += xStep) {
    svg.append(svgEl("text", { x: x(v), y: H - 8, class: "tick", "text-anchor": "middle" }, String(v)));
  }
  svg.setAttribute("aria-description", `${yLabel} by ${xLabel}`);
  return { x, y };
}

function oversMax(innings, series) {
  const limit = Math.max(0, ...innings.map((inn) => inn.overs_limit || 0));
  return Math.max(limit, ...series.map((s) => s.length), 1);
}

function empty(svg, text) {
  svg.setAttribute("viewBox", `0 0 ${W} 60`);
  svg.replaceChildren(svgEl("text", { x: W / 2, y: 34, class: "axis", "text-anchor": "middle" }, text));
}

/** Worm: cumulative runs by over for each innings, wickets as dots on the line. */
export function drawWorm(svg, innings, bpo = 6) {
  const list = chartInnings(innings);
  if (!list.length) return empty(svg, "No overs yet");
  const series = list.map((inn) => overSeries(inn, bpo));
  const xMax = oversMax(list, series);
  const { max, step } = niceMax(Math.max(...list.map((inn) => inn.runs), ...list.map((inn) => inn.target || 0)));
  const { x, y } = frame(svg, { xMax, yMax: max, yStep: step, xLabel: "overs", yLabel: "runs" });
  series.forEach((overs, i) => {
    let total = 0;
    let at = 0;
    const points = [[x(0), y(0)]];
    const wickets = [];
    for (const o of overs) {
      total += o.runs;
      at += o.balls / bpo;
      points.push([x(at), y(total)]);
      if (o.wickets) wickets.push([x(at), y(total), o.wickets]);
    }
    const colour = COLOURS[i % COLOURS.length];
    svg.append(svgEl("polyline", { points: points.map((p) => p.join(",")).join(" "), fill: "none", stroke: colour, "stroke-width": 2.5, class: "series", "data-innings": list[i].number }));
    for (const [cx, cy, n] of wickets) {
      svg.append(svgEl("circle", { cx, cy, r: 3 + Math.min(n, 3), fill: "#fff", stroke: colour, "stroke-width": 2, class: "wicket" }));
    }
  });
  const chase = list.find((inn) => inn.target);
  if (chase) {
    svg.append(svgEl("line", { x1: x(0), x2: x(xMax), y1: y(chase.target), y2: y(chase.target), class: "target" }));
    svg.append(svgEl("text", { x: x(xMax) - 2, y: y(chase.target) - 4, class: "tick", "text-anchor": "end" }, `target ${chase.target}`));
  }
}

/** Manhattan: runs in each over, the innings side by side (the over-by-over comparison in a
 * chase), a red dot per wicket above its bar. */
export function drawManhattan(svg, innings, bpo = 6) {
  const list = chartInnings(innings).slice(-2);
  if (!list.length) return empty(svg, "No overs yet");
  const series = list.map((inn) => overSeries(inn, bpo));
  const xMax = oversMax(list, series);
  const most = Math.max(6, ...series.flat().map((o) => o.runs));
  const { max, step } = niceMax(most + 4);
  const { x, y } = frame(svg, { xMax, yMax: max, yStep: step, xLabel: "over", yLabel: "runs" });
  const slot = (W - PAD.left - PAD.right) / xMax;
  const bar = Math.max(1.5, (slot * 0.8) / series.length);
  series.forEach((overs, i) => {
    const colour = COLOURS[i % COLOURS.length];
    for (const o of overs) {
      const left = x(o.over - 1) + slot * 0.1 + i * bar;
      svg.append(svgEl("rect", { x: left, y: y(o.runs), width: bar, height: y(0) - y(o.runs), fill: colour, class: "bar", "data-over": o.over, "data-innings": list[i].number }));
      for (let k = 0; k < o.wickets; k++) {
        svg.append(svgEl("circle", { cx: left + bar / 2, cy: y(o.runs) - 5 - k * 8, r: Math.min(3.5, Math.max(2, bar / 2)), fill: "#a4161a", class: "wicket" }));
      }
    }
  });
}

/** Run rate after each over for each innings, and in a chase the rate still required. */
export function drawRates(svg, innings, bpo = 6) {
  const list = chartInnings(innings).slice(-2);
  if (!list.length) return empty(svg, "No overs yet");
  const series = list.map((inn) => overSeries(inn, bpo));
  const xMax = oversMax(list, series);
  const lines = series.map((overs) => {
    let total = 0;
    let balls = 0;
    return overs.filter((o) => o.balls).map((o) => {
      total += o.runs;
      balls += o.balls;
      return [balls / bpo, (total * bpo) / balls];
    });
  });
  const chaseAt = list.findIndex((inn) => inn.target && inn.overs_limit);
  const required = [];
  if (chaseAt >= 0) {
    const inn = list[chaseAt];
    const limitBalls = inn.overs_limit * bpo;
    let total = 0;
    let balls = 0;
    required.push([0, (inn.target * bpo) / limitBalls]);
    for (const o of series[chaseAt]) {
      total += o.runs;
      balls += o.balls;
      if (balls < limitBalls && total < inn.target) required.push([balls / bpo, ((inn.target - total) * bpo) / (limitBalls - balls)]);
    }
  }
  const top = Math.max(6, ...lines.flat().map((p) => p[1]), ...required.map((p) => p[1]));
  const { max, step } = niceMax(Math.min(top, 36));
  const { x, y } = frame(svg, { xMax, yMax: max, yStep: step, xLabel: "overs", yLabel: "runs an over" });
  const path = (points) => points.map(([a, b]) => `${x(a)},${y(Math.min(b, max))}`).join(" ");
  lines.forEach((points, i) => {
    if (points.length) svg.append(svgEl("polyline", { points: path(points), fill: "none", stroke: COLOURS[i % COLOURS.length], "stroke-width": 2.5, class: "series" }));
  });
  if (required.length > 1) {
    svg.append(svgEl("polyline", { points: path(required), fill: "none", stroke: "#a4161a", "stroke-width": 2, "stroke-dasharray": "5 4", class: "required" }));
  }
}
