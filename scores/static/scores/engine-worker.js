// The engine in a worker, so that loading the runtime (~13 MB, a second or more) and each
// replay never block the scorer's pad. Requests come from local-engine.js. Served as
// /matches/engine/engine-worker.js (inside the service worker's scope, so it loads offline).
import { bootEngine } from "/static/scores/engine-core.js";

let booting = null;

self.onmessage = async ({ data }) => {
  const { id, op } = data;
  try {
    let result;
    if (op === "boot") {
      booting ??= bootEngine();
      result = { version: (await booting).version };
    } else if (op === "preview") {
      result = (await booting).preview(data.log, data.baseSeq, data.queued);
    } else {
      throw new Error(`engine worker: unknown op ${op}`);
    }
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
};
