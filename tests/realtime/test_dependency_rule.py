"""The dependency rule: realtime/ knows Channels and Django but imports no app of Crease."""

from __future__ import annotations

import subprocess
import sys

from tests.support.servers import ROOT

APPS = ("scores", "chat", "practice", "config")


def test_realtime_imports_no_app() -> None:
    # A fresh interpreter with only Django's own apps and realtime installed: importing every
    # realtime module must not pull in any app (nor the project's settings).
    code = (
        "import importlib, pkgutil, sys\n"
        "from django.conf import settings\n"
        "settings.configure(INSTALLED_APPS=['django.contrib.contenttypes',"
        " 'django.contrib.auth', 'realtime'], CHANNEL_LAYERS={})\n"
        "import django; django.setup()\n"
        "import realtime\n"
        "for m in pkgutil.iter_modules(realtime.__path__):\n"
        "    importlib.import_module('realtime.' + m.name)\n"
        f"print(sorted({{n for n in sys.modules if n.split('.')[0] in {APPS!r}}}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
