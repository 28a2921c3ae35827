// What the pad tells the scorer at once: a toast confirming each ball, and a confirm dialog
// before the commands that end an innings or the match.

let toastTimer = null;

/** Show a short confirmation ("1 run: recorded") where the scorer's thumb is. */
export function toast(text, kind = "info") {
  const node = document.getElementById("toast");
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    node.hidden = true;
  }, 3000);
}

/** Ask before a command that is hard to take back; resolves true when the scorer says yes. */
export function confirmFirst(question, yes) {
  const dialog = document.getElementById("confirm-dialog");
  dialog.querySelector(".question").textContent = question;
  dialog.querySelector("[value=yes]").textContent = yes;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}
