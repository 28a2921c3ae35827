// Registers the console's service worker (service-worker.js, served as /matches/sw.js) and
// hands it the files this page loaded before the worker controlled it, so that the page loads
// again with no network.
export async function registerConsoleWorker() {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.register("/matches/sw.js", { scope: "/matches/" });
  const ready = await navigator.serviceWorker.ready;
  const loaded = performance
    .getEntriesByType("resource")
    .map((entry) => entry.name)
    .filter((name) => new URL(name).pathname.startsWith("/static/"));
  ready.active.postMessage({ cache: [location.href, ...loaded] });
  return registration;
}

registerConsoleWorker().catch((error) => console.warn("offline console unavailable:", error));
