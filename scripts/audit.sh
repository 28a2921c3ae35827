#!/usr/bin/env bash
# Dependency audit (pip-audit over the installed environment).
# Fails on any known vulnerability. Packages the audit service cannot answer for are listed
# loudly; on a machine whose package index has no vulnerability data (this workplace's mirror
# answers 404 for every versioned lookup), that is every package, and the run says AUDIT
# INCOMPLETE. Set CREASE_AUDIT_REQUIRED=1 to make an incomplete audit fail too.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
.venv/bin/python -m pip_audit --progress-spinner off -f json >"$out" 2>/dev/null || status=$?
.venv/bin/python - "$out" "$status" <<'PY'
import json
import os
import sys

path, status = sys.argv[1], int(sys.argv[2])
try:
    report = json.load(open(path))
except ValueError:
    print(f"pip-audit: failed (exit {status}) without a report")
    sys.exit(1)
deps = report.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if "skip_reason" in d]
for dep in vulnerable:
    ids = ", ".join(v["id"] for v in dep["vulns"])
    print(f"pip-audit: VULNERABLE {dep['name']} {dep['version']}: {ids}")
audited = len(deps) - len(skipped)
print(f"pip-audit: {audited} of {len(deps)} packages audited, {len(vulnerable)} vulnerable")
if skipped:
    print(
        f"pip-audit: AUDIT INCOMPLETE: {len(skipped)} packages could not be checked "
        f"(e.g. {skipped[0]['skip_reason']})"
    )
if vulnerable or status not in (0, 1):
    sys.exit(1)
if skipped and os.environ.get("CREASE_AUDIT_REQUIRED") == "1":
    sys.exit(1)
PY
