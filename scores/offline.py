"""What the offline console downloads besides Pyodide: the `cricket` package's own sources, so
the browser runs exactly the server's engine (cricket/preview.py), and the service worker.

Read once per process: the sources change only with a deploy, and the bundle's version is their
digest, so a browser holding an old engine notices and fetches the new one.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import cricket

CRICKET_DIR = Path(cricket.__file__).resolve().parent
PYODIDE_VERSION = "314.0.8"
"""The runtime scripts/fetch_pyodide.py fetches (served under /static/pyodide/<version>/)."""
SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "scores" / "service-worker.js"
ENGINE_WORKER = Path(__file__).resolve().parent / "static" / "scores" / "engine-worker.js"


@functools.cache
def cricket_bundle() -> tuple[str, bytes]:
    """(version, JSON body): `{"version", "files": {"cricket/x.py": source}}` for every module."""
    files = {
        f"cricket/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted(CRICKET_DIR.glob("*.py"))
    }
    digest = hashlib.sha256()
    for name, source in files.items():
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    version = digest.hexdigest()[:16]
    body = json.dumps({"version": version, "files": files}, separators=(",", ":")).encode()
    return version, body


@functools.cache
def engine_worker_source() -> str:
    return ENGINE_WORKER.read_text(encoding="utf-8")


@functools.cache
def service_worker_source() -> str:
    return SERVICE_WORKER.read_text(encoding="utf-8").replace(
        "__PYODIDE_VERSION__", PYODIDE_VERSION
    )
