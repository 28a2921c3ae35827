// Pyodide running the server's own `cricket` package (fetched from /matches/engine/cricket.json):
// used in the engine worker (engine-worker.js). Not in the page: the page's Content-Security-Policy
// does not allow compiling WebAssembly (only the worker's response does, config/middleware.py).
const PYODIDE = new URL("../pyodide/314.0.8/", import.meta.url).href;
const BUNDLE = "/matches/engine/cricket.json";

export async function bootEngine() {
  const { loadPyodide } = await import(`${PYODIDE}pyodide.mjs`);
  const [py, bundle] = await Promise.all([
    loadPyodide({ indexURL: PYODIDE }),
    fetch(BUNDLE).then((r) => {
      if (!r.ok) throw new Error(`the engine bundle answered HTTP ${r.status}`);
      return r.json();
    }),
  ]);
  py.FS.mkdirTree("/crease/cricket");
  for (const [name, source] of Object.entries(bundle.files)) py.FS.writeFile(`/crease/${name}`, source);
  py.runPython("import sys; sys.path.insert(0, '/crease')");
  const previewJson = py.pyimport("cricket.preview").preview_json;
  return {
    version: bundle.version,
    preview: (log, baseSeq, queued) => JSON.parse(previewJson(log, baseSeq, queued)),
  };
}
