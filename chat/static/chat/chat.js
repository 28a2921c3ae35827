// Chat panels: mounts on every [data-chat-room] element (chat/_panel.html) and keeps it live over
// ws://<host>/ws/chat/<room>/. Every user-controlled string is set as text, never as HTML.

const CLOSED_FOR_GOOD = new Set([1000, 4003, 4004]);
const ERROR_SHOWN_MS = 8000;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clock(ts) {
  const when = new Date(ts);
  return Number.isNaN(when.getTime())
    ? ""
    : when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function newId() {
  // crypto.randomUUID exists only in secure contexts (https, localhost).
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

function presenceLine(frame) {
  const parts = [...frame.users];
  const hidden = frame.count - frame.anonymous - frame.users.length;
  if (hidden > 0) parts.push(`${hidden} more`);
  if (frame.anonymous > 0) {
    parts.push(`${frame.anonymous} anonymous fan${frame.anonymous === 1 ? "" : "s"}`);
  }
  return `${frame.count} here${parts.length ? ": " + parts.join(", ") : ""}`;
}

function mount(root) {
  const room = root.dataset.chatRoom;
  const staff = root.dataset.staff === "true";
  const list = root.querySelector("[data-chat-messages]");
  const earlier = root.querySelector("[data-chat-earlier]");
  const presence = root.querySelector("[data-chat-presence]");
  const errorLine = root.querySelector("[data-chat-error]");
  const composer = root.querySelector("[data-chat-composer]");
  const input = composer?.querySelector("input[name=message]");
  const sendButton = composer?.querySelector("button[type=submit]");
  const muteMinutes = root.querySelector("[data-chat-mute-minutes]");
  const shown = new Map(); // message id -> <li>
  let socket = null;
  let retry = 0;
  let errorTimer = 0;
  // The message being sent and its client id: sending the same text again (after an error)
  // reuses the id, so the server never stores it twice (docs/protocol.md).
  let draft = { text: "", id: null };

  function send(frame) {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function showError(text) {
    errorLine.textContent = text;
    errorLine.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(() => (errorLine.hidden = true), ERROR_SHOWN_MS);
  }

  function render(message) {
    const item = el("li", "chat-message");
    item.dataset.id = String(message.id);
    const time = el("time", "muted", clock(message.ts));
    time.dateTime = message.ts;
    item.append(time, " ", el("strong", "chat-author", message.username), " ");
    item.append(el("span", "chat-text", message.message));
    if (staff) {
      const remove = el("button", "secondary chat-delete", "Delete");
      remove.type = "button";
      remove.addEventListener("click", () => send({ type: "chat.delete", id: message.id }));
      const mute = el("button", "secondary chat-mute", "Mute");
      mute.type = "button";
      mute.addEventListener("click", () =>
        send({
          type: "chat.mute",
          username: message.username,
          minutes: Number(muteMinutes?.value ?? 15),
        }),
      );
      item.append(" ", remove, " ", mute);
    }
    return item;
  }

  function insert(message) {
    if (shown.has(message.id)) return;
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    const item = render(message);
    // Keep id order: a message is almost always the newest, so look from the end.
    let after = list.lastElementChild;
    while (after && Number(after.dataset.id) > message.id) after = after.previousElementSibling;
    if (after) after.after(item);
    else list.prepend(item);
    shown.set(message.id, item);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function showHistory(frame) {
    if (frame.before === null) {
      // On (re)connect the server sends the latest page: start again from it.
      list.replaceChildren();
      shown.clear();
      for (const message of frame.messages) insert(message);
      list.scrollTop = list.scrollHeight;
      root.dataset.ready = "true";
      if (sendButton) sendButton.disabled = false;
    } else {
      const height = list.scrollHeight;
      for (const message of frame.messages) insert(message);
      list.scrollTop += list.scrollHeight - height; // keep the reader's place
    }
    earlier.hidden = !frame.has_more;
    earlier.disabled = false;
  }

  function handle(frame) {
    switch (frame.type) {
      case "chat.history":
        showHistory(frame);
        break;
      case "chat.message":
        insert(frame);
        break;
      case "chat.deleted":
        shown.get(frame.id)?.remove();
        shown.delete(frame.id);
        break;
      case "chat.muted":
        showError(
          frame.until
            ? `${frame.username} is muted until ${clock(frame.until)}`
            : `${frame.username} may post again`,
        );
        break;
      case "presence":
        presence.textContent = presenceLine(frame);
        break;
      case "chat.ack":
        if (frame.id !== null && frame.id === draft.id) draft = { text: "", id: null };
        break;
      case "error":
        if (frame.code === "muted") {
          showError(`A moderator muted you until ${clock(frame.until)}.`);
        } else {
          showError(frame.reason);
        }
        // Give the text back (keeping its id): sending it again is safe.
        if (draft.text && input && !input.value) input.value = draft.text;
        break;
      default:
        throw new Error(`chat: unknown frame type ${frame.type}`);
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/chat/${encodeURIComponent(room)}/`);
    socket.addEventListener("open", () => {
      retry = 0;
    });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      root.dataset.ready = "false";
      if (sendButton) sendButton.disabled = true;
      if (CLOSED_FOR_GOOD.has(event.code)) {
        presence.textContent = "chat closed";
        return;
      }
      presence.textContent = "reconnecting…";
      const delay = event.code === 1012 ? 0 : Math.min(30000, 1000 * 2 ** retry);
      retry += 1;
      setTimeout(connect, delay + Math.random() * 1000);
    });
  }

  earlier.addEventListener("click", () => {
    const oldest = list.firstElementChild;
    if (!oldest) return;
    earlier.disabled = true;
    send({ type: "chat.history", before: Number(oldest.dataset.id) });
  });

  composer?.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value !== draft.text || !draft.id) draft = { text: input.value, id: newId() };
    send({ type: "chat.message", message: draft.text, id: draft.id });
    input.value = "";
    input.focus();
  });

  connect();
}

for (const root of document.querySelectorAll("[data-chat-room]")) mount(root);
