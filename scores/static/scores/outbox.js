// The scorer's outbox: every command is written to IndexedDB BEFORE it is sent and stays there
// until the server acknowledges it, so a ball survives a dropped socket, a reload, a closed tab
// or a sleeping phone. Entries are kept per match, in the order they were tapped.
//
// An entry: {id, match, order, frame, what}
//   id     the command's client id (crypto.randomUUID), also the frame's `id`: a resend after a
//          lost ack is answered by the server as a duplicate, never stored twice
//   frame  the envelope as sent: {type: "command", id, expect_seq, command, commentary?, override?}
//   what   the ball in the scorer's words ("1 run", "Ann comes in")

const DB_NAME = "crease-console";
const STORE = "outbox";

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb() {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => {
    const store = req.result.createObjectStore(STORE, { keyPath: "id" });
    store.createIndex("match", "match");
  };
  return request(req);
}

/** Resolves when the transaction is durable (its writes are on disk, as far as the browser says). */
function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("outbox write aborted"));
  });
}

export class Outbox {
  constructor(db, matchId, entries) {
    this.db = db;
    this.matchId = String(matchId);
    this.entries = entries; // in order; a mirror of the store, changed only after the store
  }

  get size() {
    return this.entries.length;
  }

  get head() {
    return this.entries[0] || null;
  }

  /** Store a new entry at the end; resolves once it is in IndexedDB. */
  async add(entry) {
    const last = this.entries[this.entries.length - 1];
    const stored = { ...entry, match: this.matchId, order: last ? last.order + 1 : Date.now() };
    const tx = this.db.transaction(STORE, "readwrite", { durability: "strict" });
    tx.objectStore(STORE).put(stored);
    await done(tx);
    this.entries.push(stored);
    return stored;
  }

  /** Rewrite entries in place (e.g. re-based on a new seq); `entries` are existing ones changed. */
  async update(entries) {
    const tx = this.db.transaction(STORE, "readwrite", { durability: "strict" });
    for (const entry of entries) tx.objectStore(STORE).put(entry);
    await done(tx);
    const byId = new Map(entries.map((e) => [e.id, e]));
    this.entries = this.entries.map((e) => byId.get(e.id) || e);
  }

  /** Forget entries (acknowledged, or discarded by the scorer). */
  async remove(ids) {
    const tx = this.db.transaction(STORE, "readwrite", { durability: "strict" });
    for (const id of ids) tx.objectStore(STORE).delete(id);
    await done(tx);
    const gone = new Set(ids);
    this.entries = this.entries.filter((e) => !gone.has(e.id));
  }
}

/** The outbox of one match, with what an earlier page left in it. */
export async function openOutbox(matchId) {
  const db = await openDb();
  const tx = db.transaction(STORE, "readonly");
  const all = await request(tx.objectStore(STORE).index("match").getAll(String(matchId)));
  all.sort((a, b) => a.order - b.order);
  return new Outbox(db, matchId, all);
}
