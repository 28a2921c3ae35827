// A match feed's state on the client: the last `snapshot` with each later frame folded in,
// exactly as docs/protocol.md ("Applying an update") says. No DOM here: pages render it.

export const COMMENTARY_KEPT = 50;

/** A new state from a `snapshot` message. */
export function fromSnapshot(message) {
  return {
    seq: message.seq,
    match: { ...message.match },
    summary: message.summary || "",
    scoreboard: structuredClone(message.scoreboard),
    commentary: [...(message.commentary || [])],
  };
}

/** Fold an `update` message into the state (in place) and return it. */
export function applyUpdate(state, message) {
  const board = state.scoreboard;
  board.innings[message.innings] = message.scoreboard_innings;
  board.current = message.live;
  Object.assign(board, message.overview || {}); // includes `events`, the engine's event count
  state.seq = message.seq;
  state.match.status = message.status;
  state.summary = message.summary;
  if (message.commentary) {
    state.commentary.unshift(message.commentary);
    state.commentary.length = Math.min(state.commentary.length, COMMENTARY_KEPT);
  }
  return state;
}

/** The innings shown in the headline (the one in progress, else the last), or null. */
export function currentInnings(board) {
  const number = board.current && board.current.innings;
  return number ? board.innings[number - 1] || null : null;
}
