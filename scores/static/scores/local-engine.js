// The scorer's engine in the browser (issue 12): the server's `cricket` package in Pyodide, in a
// worker (engine-worker.js, engine-core.js), over the match's stored log kept in IndexedDB, so the console keeps
// score by the server's own rules with no connection, even after an offline reload.
//
//   const engine = await openLocalEngine(matchId);
//   const { snapshot, refused } = await engine.preview(baseSeq, queuedCommands);
//
// `snapshot` has the shape of the server's "snapshot" message (feed.js fromSnapshot takes it):
// the log up to baseSeq, then each queued command (a bare command or a socket envelope with
// `command` and `commentary`) as provisional seqs baseSeq+1, ...; `refused` is null or
// {index, code, reason, overridable} for the first queued command the engine refuses.
const DB_NAME = "crease-engine";
const STORE = "logs";

function idb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function stored(matchId) {
  const db = await idb();
  return new Promise((resolve, reject) => {
    const request = db.transaction(STORE).objectStore(STORE).get(String(matchId));
    request.onsuccess = () => resolve(request.result || null);
    request.onerror = () => reject(request.error);
  });
}

async function store(matchId, log) {
  const db = await idb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(log, String(matchId));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

// The log from the server: only what is new when a copy is held (entries are never rewritten:
// an edit is a new entry). A copy whose seq is ahead of the server's (the match was reset) is
// dropped and fetched whole.
async function fetchLog(matchId, held) {
  let log = held;
  for (;;) {
    const after = log ? log.seq : 0;
    const response = await fetch(`/matches/${matchId}/score/log?after=${after}`, {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) throw new Error(`the scorer log answered HTTP ${response.status}`);
    const page = await response.json();
    if (log && page.seq < log.seq) {
      log = null;
      continue;
    }
    const entries = log ? log.entries.concat(page.entries) : page.entries;
    const last = entries.length ? entries[entries.length - 1].seq : 0;
    log = { setup: page.setup, match: page.match, seq: last, entries };
    if (page.complete) return log;
  }
}

function rpc(worker) {
  let next = 0;
  const waiting = new Map();
  worker.onmessage = ({ data }) => {
    const call = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error) call.reject(new Error(data.error));
    else call.resolve(data.result);
  };
  worker.onerror = (event) => {
    for (const call of waiting.values()) call.reject(new Error(event.message || "engine worker failed"));
    waiting.clear();
  };
  return (op, args = {}) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, op, ...args });
    });
}

// The engine runs in a worker only: the page's Content-Security-Policy does not allow compiling
// WebAssembly (Pyodide, refused that, never settles: it hangs rather than fails). The worker's
// script comes from inside the service worker's scope, so it starts offline too. A worker that
// fails to load fires "error"; one that never answers is given up on after BOOT_MS.
const WORKER = "/matches/engine/engine-worker.js";
const BOOT_MS = 120_000;

const CONTROL_MS = 20_000;

// On a first load, wait (at most CONTROL_MS) for the service worker to control the page: its
// install fills the cache with the runtime, and a worker started after that reads it from there
// instead of downloading the ~13 MB a second time.
async function serviceWorkerControl() {
  const sw = navigator.serviceWorker;
  if (!sw || sw.controller) return;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, CONTROL_MS);
    sw.addEventListener("controllerchange", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

async function startEngine() {
  await serviceWorkerControl();
  const worker = new Worker(WORKER, { type: "module" });
  const call = rpc(worker);
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the engine did not start within ${BOOT_MS / 1000} s`)), BOOT_MS);
  });
  try {
    const info = await Promise.race([call("boot"), late]);
    return { info, call, close: () => worker.terminate() };
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export async function openLocalEngine(matchId) {
  const booted = startEngine();
  let log = await stored(matchId);
  try {
    log = await fetchLog(matchId, log);
    await store(matchId, log);
  } catch (error) {
    if (!log) {
      booted.then((engine) => engine.close(), () => {});
      throw new Error(`offline scoring unavailable: no stored log for this match (${error.message})`);
    }
  }
  let engine;
  try {
    engine = await booted;
  } catch (error) {
    throw new Error(`offline scoring unavailable: the engine did not load (${error.message})`);
  }
  const { info, call } = engine;

  async function sync() {
    log = await fetchLog(matchId, log);
    await store(matchId, log);
  }

  return {
    version: info.version,
    get seq() {
      return log.seq;
    },
    sync,
    async preview(baseSeq, commands = []) {
      if (baseSeq > log.seq) {
        try {
          await sync();
        } catch (error) {
          throw new Error(`the stored log ends at seq ${log.seq}, not ${baseSeq} (${error.message})`);
        }
      }
      return call("preview", { log: JSON.stringify(log), baseSeq, queued: JSON.stringify(commands) });
    },
    close() {
      engine.close();
    },
  };
}
