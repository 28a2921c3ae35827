"""Fetch the pinned Pyodide runtime from npm into var/pyodide/<version>/ (make install).

Crease serves these files itself (/static/pyodide/<version>/): the scorer console runs the
`cricket` package in the browser with them (docs/offline.md), and no page ever loads code from
a third-party host. Only the files the runtime loads are kept; the tarball's digest is checked.
Idempotent: nothing is fetched when the files are already there.
"""

from __future__ import annotations

import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "314.0.8"
URL = f"https://registry.npmjs.org/pyodide/-/pyodide-{VERSION}.tgz"
SHA256 = "9a52704e0ae5b07aaacb8e4fed9f1658e8024694a078695ea45ac79dee4cefcb"
FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
TARGET = Path(__file__).resolve().parent.parent / "var" / "pyodide" / VERSION


def main() -> int:
    if all((TARGET / name).is_file() for name in FILES):
        return 0
    print(f"fetch_pyodide: downloading Pyodide {VERSION} from the npm registry", flush=True)
    with urllib.request.urlopen(URL, timeout=120) as response:
        data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        print(f"fetch_pyodide: {URL} has sha256 {digest}, expected {SHA256}", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in FILES:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                print(f"fetch_pyodide: {name} missing from the package", file=sys.stderr)
                return 1
            (TARGET / f".{name}.part").write_bytes(member.read())
            (TARGET / f".{name}.part").rename(TARGET / name)
    print(f"fetch_pyodide: Pyodide {VERSION} in {TARGET}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
