// The prompt shown when the server refuses a queued command: which ball, why, in plain words,
// and the scorer's choices. Nothing is dropped unless the scorer picks a choice that says so.

const dialog = () => document.getElementById("conflict-dialog");

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The prompt's words for a refusal of `entry` with `queued` entries waiting (entry included). */
export function describeConflict(entry, error, queued) {
  if (error.code === "stale_seq") {
    const theirs = Number.isInteger(error.seq) ? error.seq - entry.frame.expect_seq : null;
    const moved = theirs > 0 ? `recorded ${plural(theirs, "entry")}` : "changed the match";
    return {
      title: `"${entry.what}" was not recorded`,
      why: `Another scorer has ${moved} since your ${plural(queued, "entry")} waiting to send were tapped.`,
    };
  }
  if (error.code === "illegal_event") {
    return { title: `The server refused "${entry.what}"`, why: error.reason };
  }
  return { title: `"${entry.what}" was not recorded`, why: error.reason || error.code };
}

/**
 * Show the prompt. `choices` maps a choice to its handler:
 *   after (stale_seq only), discard, edit, override(reason) (overridable refusals only).
 */
export function showConflict(entry, error, queued, choices) {
  const node = dialog();
  const { title, why } = describeConflict(entry, error, queued);
  node.querySelector(".title").textContent = title;
  node.querySelector(".why").textContent = why;
  const stale = error.code === "stale_seq";
  const buttons = {
    after: node.querySelector("[data-choice=after]"),
    discard: node.querySelector("[data-choice=discard]"),
    edit: node.querySelector("[data-choice=edit]"),
  };
  buttons.after.hidden = !stale;
  buttons.after.textContent = `Put my ${plural(queued, "entry")} after theirs`;
  buttons.discard.textContent = stale ? `Discard my ${plural(queued, "entry")}` : `Discard "${entry.what}"`;
  const override = node.querySelector(".override");
  override.hidden = !(error.code === "illegal_event" && error.overridable);
  override.querySelector("input").value = "";
  node.dataset.code = error.code;

  const close = (run) => () => {
    node.close();
    run();
  };
  buttons.after.onclick = close(choices.after);
  buttons.discard.onclick = close(choices.discard);
  buttons.edit.onclick = close(choices.edit);
  override.onsubmit = (event) => {
    event.preventDefault();
    const reason = override.querySelector("input").value.trim();
    if (!reason) return;
    node.close();
    choices.override(reason);
  };
  node.oncancel = (event) => event.preventDefault(); // Escape does not choose for the scorer
  if (!node.open) node.showModal();
}
