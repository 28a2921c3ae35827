// A match feed's state on the client: the last `snapshot` with each later `update` folded in,
// exactly as docs/protocol.md ("Delta updates") says. No DOM here: pages render it, and only
// read it: an update edits the exact text of the state's document, so a page that changed it
// (e.g. appended older commentary) would fail the checksum and resync on the next ball.
import { Doubt, applyDocumentEdit } from "../realtime/delta.js";

export { Doubt };

// A snapshot's keys outside its document (an update carries `seq` itself; the summary line is
// in the document, like everything else an edit can say).
const NOT_IN_DOCUMENT = new Set(["type", "seq"]);
// Each state's document keys, in the snapshot's order (the canonical text lists them so).
const documentKeys = new WeakMap();

/** A new state from a `snapshot` message: its `seq` and every document key (`summary` too). */
export function fromSnapshot(message) {
  const state = { seq: message.seq };
  const keys = Object.keys(message).filter((key) => !NOT_IN_DOCUMENT.has(key));
  for (const key of keys) state[key] = structuredClone(message[key]);
  documentKeys.set(state, keys);
  return state;
}

/** The document of a state, as the server wrote it for the state's seq. */
export function documentOf(state) {
  const keys = documentKeys.get(state);
  if (!keys) throw new Doubt("this state did not come from fromSnapshot");
  return Object.fromEntries(keys.map((key) => [key, state[key]]));
}

/**
 * Fold an `update` into the state (in place) and return it. Throws Doubt, leaving the state as
 * it was, when the update is not for this state's seq or its edit does not fit: the page's
 * LiveSocket then reconnects for a fresh snapshot.
 */
export function applyUpdate(state, message) {
  if (message.base !== state.seq) {
    throw new Doubt(`an update from #${message.base} for a feed at #${state.seq}`);
  }
  const next = applyDocumentEdit(documentOf(state), message.edit, message.sum);
  if (!next || typeof next !== "object" || Array.isArray(next)) {
    throw new Doubt("the edited document is not an object");
  }
  for (const key of documentKeys.get(state)) delete state[key];
  const keys = Object.keys(next).filter((key) => !NOT_IN_DOCUMENT.has(key));
  for (const key of keys) state[key] = next[key];
  documentKeys.set(state, keys);
  state.seq = message.seq;
  return state;
}

/** The innings shown in the headline (the one in progress, else the last), or null. */
export function currentInnings(board) {
  const number = board.current && board.current.innings;
  return number ? board.innings[number - 1] || null : null;
}
