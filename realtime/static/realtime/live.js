// The one shared WebSocket client of Crease's pages (no build step; an ES module).
//
// LiveSocket keeps one connection alive and in order:
// - reconnects with exponential backoff and full jitter; at once (with jitter) on close 1012
//   (server restarting) and 4008 (too slow); never on 1000, 1009, 4003 or 4004 (docs/protocol.md);
// - resumes from the last `seq` seen (`?since=<seq>`), drops duplicates (seq <= last) and, on a
//   gap (seq > last + 1), reconnects with `since` so the server replays what was missed;
// - sends {"type": "ping", "seq": <last seq>} every 20 s and treats 45 s without any frame as a
//   dead link; a `pong` naming a later seq that no update brings within 2 s means a broadcast was
//   lost (e.g. while Redis restarted), so it reconnects with `since` too;
// - reports its status (connecting / live / reconnecting / offline) through a callback and a
//   `data-status` attribute, and reports (never swallows) errors thrown by the page's handler,
//   such as the `switch (message.type)` default for a type the page does not know; an error
//   marked `resync` (feed.js's Doubt) instead reconnects without `since`, for a fresh snapshot.

export const STATUS = Object.freeze({
  CONNECTING: "connecting",
  LIVE: "live",
  RECONNECTING: "reconnecting",
  OFFLINE: "offline",
});

const LABELS = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  offline: "offline",
};

// Close codes after which retrying cannot help (normal close, frame too big, not authorized,
// no such match or room).
const NO_RETRY = new Set([1000, 1009, 4003, 4004]);
// Close codes that ask for an immediate reconnect: server restarting, client too slow.
const AT_ONCE = new Set([1012, 4008]);

/** The ws:// or wss:// URL of a same-site path, with optional query parameters. */
export function socketUrl(path, params = {}) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** Report an error without stopping the page: the console and window "error" listeners see it. */
export function report(error) {
  if (typeof window.reportError === "function") window.reportError(error);
  else console.error(error);
}

export class LiveSocket {
  /**
   * @param {string} path  e.g. "/ws/matches/7/"
   * @param {object} options
   *   onMessage(message)        every JSON frame except `pong`, in order, duplicates dropped
   *   onStatus(status, detail)  "connecting" | "live" | "reconnecting" | "offline"
   *   onOpen()                  after each successful (re)connection
   *   statusElement             gets data-status and a text label
   *   resume                    true: track `seq` and reconnect with ?since= (fan feeds)
   *   since                     the seq the page already shows (e.g. a server-rendered snapshot)
   *   sequenced                 message types in the seq order (default: snapshot, update)
   */
  constructor(path, options = {}) {
    this.path = path;
    this.onMessage = options.onMessage || (() => {});
    this.onStatus = options.onStatus || (() => {});
    this.onOpen = options.onOpen || (() => {});
    this.statusElement = options.statusElement || null;
    this.resume = options.resume !== false;
    this.lastSeq = Number.isInteger(options.since) ? options.since : null;
    // Message types that carry the feed's `seq` (others, e.g. an `ack`, may mention a seq too).
    this.sequenced = new Set(options.sequenced || ["snapshot", "update"]);
    this.pingEvery = options.pingEvery ?? 20000;
    this.deadAfter = options.deadAfter ?? 45000;
    this.behindGrace = options.behindGrace ?? 2000;
    this.behind = null; // {seq, at}: a pong said the feed is at seq, ahead of lastSeq
    this.baseDelay = options.baseDelay ?? 500;
    this.maxDelay = options.maxDelay ?? 30000;
    this.socket = null;
    this.status = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    this.lastFrameAt = 0;
    this.duplicates = 0;
    this.gaps = 0;
    this.resyncs = 0;
    this.connections = 0;
    this._heartbeat = null;
    window.addEventListener("offline", () => {
      if (this.stopped) return;
      this._drop();
      this._setStatus(STATUS.OFFLINE, "the browser is offline");
    });
    window.addEventListener("online", () => {
      if (!this.stopped && !this.socket) this._schedule(Math.random() * 500);
    });
  }

  /** Open the connection (call once). */
  start() {
    this._setStatus(STATUS.CONNECTING, "");
    this._connect();
    this._heartbeat = window.setInterval(() => this._beat(), 1000);
    return this;
  }

  /** Send a JSON message; false when not connected (the caller decides whether to retry). */
  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Close for good. */
  stop() {
    this.stopped = true;
    window.clearTimeout(this.timer);
    window.clearInterval(this._heartbeat);
    if (this.socket) {
      const socket = this.socket;
      this._detach(socket);
      socket.close(1000, "page closed");
    }
    this.socket = null;
    this._setStatus(STATUS.OFFLINE, "closed");
  }

  /** Drop the current link and reconnect at once (resuming from the last seq). */
  reconnect(reason = "reconnecting") {
    if (this.stopped) return;
    this._drop();
    this._setStatus(STATUS.RECONNECTING, reason);
    this._schedule(Math.random() * 250);
  }

  _url() {
    const since = this.resume && this.lastSeq !== null ? this.lastSeq : null;
    return socketUrl(this.path, { since });
  }

  _connect() {
    this.timer = null;
    if (this.stopped) return;
    let socket;
    try {
      socket = new WebSocket(this._url());
    } catch (error) {
      report(error);
      this._setStatus(STATUS.OFFLINE, String(error));
      return;
    }
    this.socket = socket;
    this.behind = null; // the (re)connection resumes from lastSeq anyway
    this.openedAt = Date.now();
    this.lastFrameAt = Date.now();
    socket.onopen = () => {
      this.lastFrameAt = Date.now();
      this.connections += 1;
      this._setStatus(STATUS.LIVE, "");
      try {
        this.onOpen();
      } catch (error) {
        report(error);
      }
    };
    socket.onmessage = (event) => this._frame(event);
    socket.onclose = (event) => this._closed(socket, event);
    socket.onerror = () => {}; // a close event always follows; handled there
  }

  _detach(socket) {
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
  }

  _drop() {
    window.clearTimeout(this.timer);
    this.timer = null;
    if (this.socket) {
      const socket = this.socket;
      this._detach(socket);
      try {
        socket.close(4000, "client reconnecting");
      } catch (error) {
        report(error);
      }
      this.socket = null;
    }
  }

  _frame(event) {
    this.lastFrameAt = Date.now();
    this.attempt = 0; // the link works: the next failure starts the backoff afresh
    if (typeof event.data !== "string") {
      report(new TypeError("Crease sends JSON text frames; got a binary frame"));
      return;
    }
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      report(error);
      return;
    }
    if (!message || typeof message !== "object" || typeof message.type !== "string") {
      report(new TypeError(`a frame without a string type: ${event.data.slice(0, 80)}`));
      return;
    }
    if (message.type === "pong") {
      // The heartbeat's answer (lastFrameAt is set). On a feed it names the feed's seq: if no
      // update brings lastSeq up to it within behindGrace, _beat reconnects to catch up.
      if (this.behind && this.lastSeq !== null && this.lastSeq >= this.behind.seq) {
        this.behind = null; // caught up since the last pong
      }
      const ahead = Number.isInteger(message.seq) && this.lastSeq !== null;
      if (this.resume && ahead && message.seq > this.lastSeq && !this.behind) {
        this.behind = { seq: message.seq, at: Date.now() };
      }
      return;
    }
    if (this.resume && Number.isInteger(message.seq) && this.sequenced.has(message.type)) {
      if (message.type === "snapshot") {
        // A snapshot replaces everything the page shows, whatever its seq.
        this.lastSeq = message.seq;
      } else if (this.lastSeq !== null && message.seq <= this.lastSeq) {
        this.duplicates += 1;
        return;
      } else if (this.lastSeq !== null && message.seq > this.lastSeq + 1) {
        this.gaps += 1;
        this.reconnect(`missed updates after #${this.lastSeq}; catching up`);
        return;
      } else {
        this.lastSeq = message.seq;
      }
    }
    try {
      this.onMessage(message);
    } catch (error) {
      // A feed in doubt (e.g. an update that does not fit its state) starts again afresh.
      if (error && error.resync === true) this.resync(error.message);
      else report(error);
    }
  }

  /** Forget the feed's seq and reconnect: the server sends a fresh snapshot. */
  resync(reason = "starting again from a snapshot") {
    this.resyncs += 1;
    console.warn(`live feed: ${reason}; resyncing`);
    this.lastSeq = null;
    this.reconnect(reason);
  }

  _closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    if (this.stopped) return;
    const code = event.code;
    if (NO_RETRY.has(code)) {
      const why = {
        1000: "the server closed the connection",
        1009: "a message was too big",
        4003: "not authorized",
        4004: "not found",
      }[code];
      this._setStatus(STATUS.OFFLINE, event.reason || why);
      return;
    }
    if (navigator.onLine === false) {
      this._setStatus(STATUS.OFFLINE, "the browser is offline");
      return;
    }
    if (AT_ONCE.has(code)) {
      this._setStatus(STATUS.RECONNECTING, code === 1012 ? "server restarting" : "catching up");
      this._schedule(Math.random() * 1000);
      return;
    }
    this._backoff("");
  }

  _backoff(why) {
    // Exponential backoff with full jitter: a random wait up to base * 2^attempt, capped.
    const ceiling = Math.min(this.maxDelay, this.baseDelay * 2 ** this.attempt);
    this.attempt += 1;
    const detail = `${why ? `${why}; ` : ""}retrying within ${Math.ceil(ceiling / 1000)} s`;
    this._setStatus(STATUS.RECONNECTING, detail);
    this._schedule(Math.random() * ceiling);
  }

  _schedule(delay) {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this._connect(), delay);
  }

  _beat() {
    const socket = this.socket;
    if (!socket || this.stopped) return;
    const now = Date.now();
    if (socket.readyState === WebSocket.CONNECTING) {
      if (now - this.openedAt > this.deadAfter) {
        this._drop();
        this._backoff("connecting took too long");
      }
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    if (now - this.lastFrameAt > this.deadAfter) {
      this.reconnect(`no word from the server for ${Math.round(this.deadAfter / 1000)} s`);
      return;
    }
    if (this.behind) {
      if (this.lastSeq !== null && this.lastSeq >= this.behind.seq) {
        this.behind = null;
      } else if (now - this.behind.at >= this.behindGrace) {
        this.behind = null;
        this.gaps += 1;
        this.reconnect(`missed updates after #${this.lastSeq}; catching up`);
        return;
      }
    }
    if (!this.lastPingAt || now - this.lastPingAt >= this.pingEvery) {
      this.lastPingAt = now;
      // With a seq, the pong names the feed's seq (docs/protocol.md).
      const asking = this.resume && this.lastSeq !== null;
      this.send(asking ? { type: "ping", seq: this.lastSeq } : { type: "ping" });
    }
  }

  _setStatus(status, detail) {
    const changed = status !== this.status || detail !== this.detail;
    this.status = status;
    this.detail = detail;
    if (this.statusElement) {
      this.statusElement.dataset.status = status;
      this.statusElement.textContent = LABELS[status] || status;
      this.statusElement.title = detail || "";
    }
    if (!changed) return;
    try {
      this.onStatus(status, detail);
    } catch (error) {
      report(error);
    }
  }
}
