// The console's service worker (served as /matches/sw.js, scope /matches/): a console page
// opened once loads again with no network, engine and all (issue 12).
// - Console pages (/matches/<id>/score/): network first, the last copy when offline.
// - The Pyodide runtime (versioned path): cache first. Other static files, the engine bundle and
//   the engine worker's script: the network (and the cache refreshed), the cached copy when offline.
// - Everything else (APIs, the scorer log, fan pages, WebSockets) is not touched.
const CACHE = "crease-console-v1";
const PYODIDE = "/static/pyodide/__PYODIDE_VERSION__/";
const RUNTIME = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"];
const BUNDLE = "/matches/engine/cricket.json";
// The engine worker's script, inside this scope: a dedicated worker is controlled by the service
// worker whose scope covers its own URL (not its page's), so from /static/ it never loads offline.
const WORKER = "/matches/engine/engine-worker.js";
// The engine's own modules: the worker's files are not among those the page reports.
const ENGINE = [WORKER, ...["local-engine.js", "engine-core.js"].map((name) => `/static/scores/${name}`)];
const CONSOLE_PAGE = /^\/matches\/\d+\/score\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...RUNTIME.map((name) => PYODIDE + name), BUNDLE, ...ENGINE]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// The page names what it loaded before this worker controlled it (its modules and styles).
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.cache) || [];
  const own = urls.filter((url) => new URL(url).origin === self.location.origin);
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(own.map((url) => refresh(cache, url)))));
});

async function refresh(cache, request) {
  const response = await fetch(request, { cache: "no-cache" });
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    return await refresh(cache, request);
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  return cached || refresh(cache, request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(PYODIDE)) event.respondWith(cacheFirst(request));
  else if (CONSOLE_PAGE.test(url.pathname) || url.pathname.startsWith("/static/") || url.pathname === BUNDLE || url.pathname === WORKER)
    event.respondWith(networkFirst(request));
});
