"""The Pyodide version is written where each reader needs it without a build step: the fetch
script (make install), the server (scores/offline.py: the service worker's cache list) and the
browser's engine loader (engine-core.js). They must name the same runtime."""

from __future__ import annotations

import re
from pathlib import Path

from scores.offline import PYODIDE_VERSION

ROOT = Path(__file__).resolve().parents[2]


def test_the_fetch_script_the_server_and_the_engine_loader_name_one_pyodide_version():
    script = (ROOT / "scripts" / "fetch_pyodide.py").read_text(encoding="utf-8")
    loader = (ROOT / "scores" / "static" / "scores" / "engine-core.js").read_text(encoding="utf-8")
    fetched = re.search(r'^VERSION = "([^"]+)"$', script, re.M)
    loaded = re.search(r'new URL\("\.\./pyodide/([^/"]+)/"', loader)
    assert fetched
    assert loaded
    assert fetched.group(1) == loaded.group(1) == PYODIDE_VERSION
