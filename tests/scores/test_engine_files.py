"""The offline console's engine files: the worker's script is served inside the service worker's
scope (a dedicated worker is controlled by the scope covering its own URL), may compile
WebAssembly, and is among what the service worker caches."""

from __future__ import annotations

from scores import offline

WORKER = "/matches/engine/engine-worker.js"


def test_the_engine_worker_is_served_inside_the_service_workers_scope(client):
    response = client.get(WORKER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"bootEngine" in response.content


def test_only_the_engine_worker_may_compile_webassembly(client):
    worker = client.get(WORKER)["Content-Security-Policy"]
    service_worker = client.get("/matches/sw.js")["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in worker
    assert "'wasm-unsafe-eval'" not in service_worker


def test_the_service_worker_caches_and_serves_the_engine_worker():
    source = offline.service_worker_source()
    assert f'const WORKER = "{WORKER}";' in source
    assert "url.pathname === WORKER" in source
