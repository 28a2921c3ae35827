// The fan match page: the server-rendered scoreboard, kept live over ws/matches/<id>/.
import { LiveSocket } from "../realtime/live.js";
import { applyUpdate, fromSnapshot } from "./feed.js";
import { CommentaryHistory, renderCharts, renderOutlook, renderPartnerships, renderScoreBar, setUpTabs } from "./fanpage.js";
import { embeddedSnapshot, renderBoard } from "./scoreboard.js";

const page = document.getElementById("match-page");
const matchId = page.dataset.matchId;
const commentary = document.getElementById("commentary");
const watching = page.querySelectorAll('[data-field="watching"]');
const initial = embeddedSnapshot();
let state = initial ? fromSnapshot(initial) : null;
const history = new CommentaryHistory(commentary, document.getElementById("commentary-more"), matchId);
const scoreBar = document.getElementById("score-bar");
const outlook = document.getElementById("outlook");
const partnerships = document.getElementById("partnerships");
setUpTabs(page);

function render() {
  renderBoard(page, state);
  page.dataset.finished = String(Boolean(state.scoreboard.result));
  renderScoreBar(scoreBar, state);
  renderOutlook(outlook, state);
  renderPartnerships(partnerships, state);
  renderCharts(page, state);
  history.render(state);
  document.body.dataset.seq = String(state.seq);
}
if (state) render();

function handle(message) {
  switch (message.type) {
    case "snapshot":
      state = fromSnapshot(message);
      render();
      break;
    case "update":
      if (!state) throw new Error("an update arrived before any snapshot");
      applyUpdate(state, message);
      render();
      break;
    case "presence":
      for (const node of watching) {
        node.textContent = String(message.count);
        node.closest(".watching")?.removeAttribute("hidden"); // hidden until the first count
      }
      break;
    case "error":
      page.dataset.error = message.code;
      console.warn(`match feed: ${message.code}: ${message.reason}`);
      break;
    default:
      throw new Error(`match feed: unknown message type ${JSON.stringify(message.type)}`);
  }
}

const live = new LiveSocket(`/ws/matches/${matchId}/`, {
  since: state ? state.seq : null,
  statusElement: document.getElementById("live-status"),
  onMessage: handle,
  onOpen: () => {
    // The page shows the server-rendered snapshot; from here on the socket keeps it current.
    if (state) document.body.dataset.seq = String(state.seq);
    document.body.dataset.live = "true";
  },
});
live.start();
window.creaseLive = live; // for the console and the browser tests
