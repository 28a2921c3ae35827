// The home page's practice panel: send PING over ws://<host>/practice and show the PONG.
const button = document.getElementById("practice-ping");
const status = document.getElementById("practice-status");
const log = document.getElementById("practice-log");

function show(line) {
  const item = document.createElement("li");
  item.textContent = line; // text, never HTML
  log.prepend(item);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/practice`);
  socket.addEventListener("open", () => {
    status.textContent = "connected";
    status.dataset.ready = "true";
    button.disabled = false;
  });
  socket.addEventListener("message", (event) => show(`received ${event.data}`));
  socket.addEventListener("close", () => {
    status.textContent = "disconnected; retrying…";
    status.dataset.ready = "false";
    button.disabled = true;
    setTimeout(connect, 1000 + Math.random() * 1000);
  });
  button.onclick = () => {
    socket.send("PING");
    show("sent PING");
  };
}

connect();
