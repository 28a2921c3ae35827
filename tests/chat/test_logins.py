"""Failed log-ins are throttled per account and per client address, the admin's too, across
server processes (the count is in the database)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.servers import manage

pytestmark = [pytest.mark.django_db, pytest.mark.db]

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER  # the limits, not PBKDF2, are under test here
    settings.CREASE_LOGIN_FAILURES_PER_ACCOUNT = 10
    settings.CREASE_LOGIN_FAILURES_PER_ADDRESS = 50
    return settings


def _login(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_an_account_is_refused_after_ten_failures_even_with_the_right_password(fast):
    get_user_model().objects.create_user("alice", password="right-Horse-9")
    client = Client()
    for _ in range(10):
        response = _login(client, "alice", "wrong")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    refused = _login(client, "alice", "right-Horse-9")
    assert refused.status_code == 429
    assert "Too many failed log-ins for this account" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in client.session
    # The same address may still log in to another account.
    get_user_model().objects.create_user("bob", password="right-Horse-9")
    assert _login(client, "bob", "right-Horse-9").status_code == 302


def test_the_lock_lifts_when_the_failures_leave_the_window_and_success_forgets_them(fast):
    from chat.models import LoginAttempt

    get_user_model().objects.create_user("alice", password="right-Horse-9")
    for _ in range(10):
        _login(Client(), "alice", "wrong")
    assert _login(Client(), "alice", "right-Horse-9").status_code == 429
    LoginAttempt.objects.update(at=LoginAttempt.objects.first().at - timedelta(minutes=16))
    assert _login(Client(), "alice", "right-Horse-9").status_code == 302
    assert LoginAttempt.objects.count() == 0  # expired rows are deleted, the success forgotten
    for _ in range(9):
        _login(Client(), "alice", "wrong")
    assert _login(Client(), "alice", "right-Horse-9").status_code == 302
    assert LoginAttempt.objects.filter(username="alice").count() == 0


def test_one_address_guessing_many_accounts_is_refused(fast):
    fast.CREASE_LOGIN_FAILURES_PER_ADDRESS = 5
    for n in range(5):
        assert _login(Client(), f"user{n}", "wrong").status_code == 200
    refused = _login(Client(), "user9", "wrong")
    assert refused.status_code == 429
    assert "Too many failed log-ins for your address" in refused.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert _login(other, "user9", "wrong").status_code == 200


def test_a_forged_forwarded_for_does_not_reset_the_address_count(fast):
    fast.CREASE_LOGIN_FAILURES_PER_ADDRESS = 3
    fast.CREASE_TRUSTED_PROXIES = 1
    for n in range(3):
        client = Client(HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.5")
        assert _login(client, f"user{n}", "wrong").status_code == 200
    forged = Client(HTTP_X_FORWARDED_FOR="6.6.6.99, 203.0.113.5")
    assert _login(forged, "user9", "wrong").status_code == 429


def test_the_admin_login_is_throttled_too(fast):
    get_user_model().objects.create_superuser("boss", password="right-Horse-9")
    client = Client()
    for _ in range(10):
        assert _login(client, "boss", "wrong", "/admin/login/").status_code == 200
    refused = _login(client, "boss", "right-Horse-9", "/admin/login/")
    assert "Too many failed log-ins for this account" in refused.content.decode()
    assert "_auth_user_id" not in client.session


# Across real server processes


def _post_login(base: str, username: str, password: str) -> tuple[int, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/accounts/login/", timeout=10) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=body, method="POST")
    request.add_header("Referer", base + "/accounts/login/")
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode()


@pytest.mark.server
@pytest.mark.slow
def test_failures_on_two_server_processes_count_together(start_server, databases):
    url = databases.fresh()
    first = start_server("uvicorn", database_url=url)
    second = start_server("uvicorn", database_url=url)
    manage(
        "shell", "-c",
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_user('carol', password='right-Horse-9')",
        env=first.env,
    )  # fmt: skip
    for n in range(10):
        status, _ = _post_login((first, second)[n % 2].http_url, "carol", "wrong")
        assert status == 200
    for server in (first, second):
        status, page = _post_login(server.http_url, "carol", "right-Horse-9")
        assert status == 429
        assert "Too many failed log-ins for this account" in page
