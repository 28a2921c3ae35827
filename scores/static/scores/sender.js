// Sends the outbox to the server in order, one command at a time: the head is sent, and the
// next only once the head is acknowledged (a `duplicate` ack counts: the server had it already).
// After any reconnect the head is sent again with the same id, so a ball whose ack was lost is
// answered as a duplicate and a ball that never arrived is stored now; never twice.
// A refusal stops sending at that ball until the scorer chooses what to do (see conflict.js).

const ANSWER_TIMEOUT_MS = 15000;

export class Sender {
  /**
   * @param {Outbox} outbox
   * @param {LiveSocket} live
   * @param {object} hooks
   *   recorded(entry, ack)       the server stored it (or had it)
   *   refused(entry, error)      the server refused the head: sending is paused
   *   changed()                  the queue or the pause changed
   */
  constructor(outbox, live, hooks) {
    this.outbox = outbox;
    this.live = live;
    this.hooks = hooks;
    this.inFlight = null; // the id of the head while it waits for its answer
    this.paused = null; // {entry, error} while a refusal waits for the scorer
    this.timer = null;
    this.lastAckSeq = null;
  }

  /** Send the head if nothing stops it. */
  kick() {
    const head = this.outbox.head;
    if (!head || this.paused || this.inFlight || this.live.status !== "live") return;
    if (!this.live.send(head.frame)) return;
    this.inFlight = head.id;
    window.clearTimeout(this.timer);
    // No answer: the link is dead in a way the socket did not notice; reconnecting resends.
    this.timer = window.setTimeout(() => this.live.reconnect("no answer to a command"), ANSWER_TIMEOUT_MS);
  }

  /** The link went down or came back: whatever was in flight is sent again once it is live. */
  linkChanged() {
    this.inFlight = null;
    window.clearTimeout(this.timer);
    this.kick();
  }

  /** An `ack` frame; true when it answered a queued command. */
  async acked(message) {
    const entry = this.outbox.entries.find((e) => e.id === message.id);
    if (!entry) return false;
    if (Number.isInteger(message.seq)) this.lastAckSeq = Math.max(this.lastAckSeq ?? 0, message.seq);
    window.clearTimeout(this.timer);
    await this.outbox.remove([entry.id]);
    if (this.inFlight === entry.id) this.inFlight = null;
    this.hooks.recorded(entry, message);
    this.hooks.changed();
    this.kick();
    return true;
  }

  /** An `error` frame; true when it answered a queued command. */
  refusedFrame(message) {
    const entry = this.outbox.entries.find((e) => e.id === message.id);
    if (!entry) return false;
    window.clearTimeout(this.timer);
    if (this.inFlight === entry.id) this.inFlight = null;
    if (message.code === "slow_down") {
      // Not a refusal of the ball: send it again when the server says.
      const wait = Math.max(0.2, Number(message.retry_after) || 1) * 1000;
      window.setTimeout(() => this.kick(), wait);
      return true;
    }
    this.paused = { entry, error: message };
    this.hooks.refused(entry, message);
    this.hooks.changed();
    return true;
  }

  /** Every queued command expects the log as it will be after the ones before it. */
  async rebase(seq) {
    const changed = this.outbox.entries.map((e, i) => ({ ...e, frame: { ...e.frame, expect_seq: seq + i } }));
    await this.outbox.update(changed);
  }

  /** Carry on sending (after the scorer chose), optionally from a new base seq. */
  async resume(seq = null) {
    if (seq !== null) await this.rebase(seq);
    this.paused = null;
    this.hooks.changed();
    this.kick();
  }

  /** Drop entries the scorer chose to discard. */
  async discard(ids) {
    await this.outbox.remove(ids);
    this.hooks.changed();
  }

  /** Replace an entry's frame (e.g. with an `override`), keeping its place in the queue. */
  async amend(entry, frame) {
    await this.outbox.update([{ ...entry, frame }]);
  }
}
