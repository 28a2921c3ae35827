"""With DEBUG off: secure cookies, HSTS and the HTTPS redirect, seen on real responses."""

from __future__ import annotations

import json

from tests.config.test_settings import PRODUCTION, run

PROBE = """
import django, json
django.setup()
from django.conf import settings as s
from django.test import Client
secure = Client().get("/healthz", secure=True)
plain = Client().get("/healthz")
print(json.dumps({
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "session_httponly": s.SESSION_COOKIE_HTTPONLY, "hsts": secure.get("Strict-Transport-Security"),
    "secure_status": secure.status_code, "plain_status": plain.status_code,
    "body": secure.content.decode()[:300],
    "plain_location": plain.get("Location"), "nosniff": secure.get("X-Content-Type-Options"),
    "frame": secure.get("X-Frame-Options"),
}))
"""


def probe(**env: str) -> dict[str, object]:
    done = run(PROBE, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_responses_carry_hsts_secure_cookies_and_redirect_to_https():
    seen = probe(**{**PRODUCTION, "ALLOWED_HOSTS": "testserver"})
    assert seen["session_secure"] is True
    assert seen["csrf_secure"] is True
    assert seen["session_httponly"] is True
    assert seen["secure_status"] == 200, seen["body"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://testserver/healthz"
    assert seen["nosniff"] == "nosniff"
    assert seen["frame"] == "DENY"


def test_local_development_keeps_plain_http_cookies():
    seen = probe(DEBUG="1", ALLOWED_HOSTS="testserver")
    assert seen["session_secure"] is False
    assert seen["hsts"] is None
    assert seen["plain_status"] == 200
