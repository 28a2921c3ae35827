"""Fans' accounts: sign-up with an email address, password reset by email (the in-memory mail
backend stands in for SMTP), password change, and the throttled log-in on every path."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import F
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.db]

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Crease <scores@example.com>"
    settings.PASSWORD_HASHERS = FAST_HASHER
    return mail.outbox


def signup(client: Client, **changes: str):
    data = {
        "username": "newfan",
        "email": "newfan@example.com",
        "password1": "cover-drive-42",
        "password2": "cover-drive-42",
        **changes,
    }
    return client.post("/accounts/signup/", data)


def test_sign_up_keeps_the_email_address(client, mailbox):
    assert signup(client, email="  NewFan@Example.com ").status_code == 302
    # Django lower-cases the domain only: the part before @ is the mailbox's own.
    assert get_user_model().objects.get(username="newfan").email == "NewFan@example.com"


@pytest.mark.parametrize(
    ("email", "reason"),
    [("", "This field is required."), ("not-an-address", "Enter a valid email address.")],
)
def test_sign_up_needs_a_valid_email_address(client, mailbox, email, reason):
    page = signup(client, email=email)
    assert page.status_code == 200
    assert reason in page.content.decode()
    assert not get_user_model().objects.exists()


def test_one_account_per_email_address(client, mailbox):
    get_user_model().objects.create_user("first", email="fan@example.com", password="x")
    page = signup(client, email="FAN@example.com")
    assert page.status_code == 200
    assert "exists already" in page.content.decode()
    assert not get_user_model().objects.filter(username="newfan").exists()


def test_the_account_pages_share_the_sites_look_and_offer_a_reset(client):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        html = client.get(url).content.decode()
        assert '<link rel="stylesheet" href="/static/css/crease.css">' in html, url
        assert 'class="account-form"' in html, url
        assert '<div class="field' in html, url
    assert 'href="/accounts/password/reset/"' in client.get("/accounts/login/").content.decode()
    assert 'type="email"' in client.get("/accounts/signup/").content.decode()


def test_password_reset_by_email_from_request_to_log_in(client, mailbox):
    get_user_model().objects.create_user("opener", email="opener@example.com", password="old-1")
    page = client.post("/accounts/password/reset/", {"email": "OPENER@example.com"})
    assert page.status_code == 302
    assert page["Location"] == "/accounts/password/reset/sent/"
    assert len(mailbox) == 1
    sent = mailbox[0]
    assert sent.to == ["opener@example.com"]
    assert sent.from_email == "Crease <scores@example.com>"
    assert sent.subject == "Reset your Crease password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", sent.body)
    assert link, sent.body
    # The link redirects to a page without the token in its URL, which asks for the password.
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "square-cut-1987", "new_password2": "square-cut-1987"}
    )
    assert done["Location"] == "/accounts/password/reset/done/"
    assert not client.get("/").context["user"].is_authenticated  # no log-in around the throttle
    # The old password is gone, the new one logs in, and the link works only once.
    assert not Client().login(username="opener", password="old-1")
    logged = client.post(
        "/accounts/login/", {"username": "opener", "password": "square-cut-1987", "next": "/"}
    )
    assert logged.status_code == 302
    again = Client().get(link.group(1), follow=True).content.decode()
    assert "This link does not work" in again


def test_password_reset_says_the_same_for_an_unknown_address_and_sends_nothing(client, mailbox):
    page = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert page["Location"] == "/accounts/password/reset/sent/"
    assert mailbox == []


def test_a_signed_in_fan_changes_their_password(client, mailbox):
    fan = get_user_model().objects.create_user("wk", email="wk@example.com", password="old-1")
    client.force_login(fan)
    assert 'href="/accounts/password/change/"' in client.get("/").content.decode()
    page = client.post(
        "/accounts/password/change/",
        {
            "old_password": "old-1",
            "new_password1": "square-cut-1987",
            "new_password2": "square-cut-1987",
        },
    )
    assert page["Location"] == "/accounts/password/change/done/"
    fan.refresh_from_db()
    assert fan.check_password("square-cut-1987")


def test_login_throttling_still_holds_on_the_restyled_login_page(client, settings, mailbox):
    settings.CREASE_LOGIN_FAILURES_PER_ACCOUNT = 3
    get_user_model().objects.create_user("opener", password="right-1")
    for _ in range(3):
        wrong = client.post("/accounts/login/", {"username": "opener", "password": "wrong"})
        assert wrong.status_code == 200
    refused = client.post("/accounts/login/", {"username": "opener", "password": "right-1"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many failed log-ins" in refused.content.decode()
    admin = client.post("/admin/login/", {"username": "opener", "password": "right-1"})
    assert "Too many failed log-ins" in admin.content.decode()
    assert "_auth_user_id" not in client.session


def reset(client: Client, email: str, ip: str = "203.0.113.7"):
    return client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_emails_stop_at_the_limit_for_one_address(client, settings, mailbox):
    settings.CREASE_PASSWORD_RESETS_PER_EMAIL = 3
    get_user_model().objects.create_user("opener", email="opener@example.com", password="x")
    # From several clients, in any case of the address: it is one mailbox being flooded.
    for n, email in enumerate(["opener@example.com", "OPENER@example.com"] * 3):
        page = reset(client, email, ip=f"198.51.100.{n}")
        # Over the limit the fan sees the same neutral page: it says nothing about the account.
        assert page.status_code == 302
        assert page["Location"] == "/accounts/password/reset/sent/"
    assert len(mailbox) == 3
    assert reset(client, "someone-else@example.com").status_code == 302  # others unaffected


def test_password_reset_emails_stop_at_the_limit_for_one_client_with_a_429(
    client, settings, mailbox
):
    settings.CREASE_PASSWORD_RESETS_PER_CLIENT = 10
    for n in range(12):
        get_user_model().objects.create_user(f"fan{n}", email=f"fan{n}@example.com", password="x")
    answers = [reset(client, f"fan{n}@example.com").status_code for n in range(12)]
    assert answers == [302] * 10 + [429] * 2
    assert len(mailbox) == 10
    refused = reset(client, "fan11@example.com")
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many password reset requests" in refused.content.decode()
    # Another client is not held up by this one.
    assert reset(client, "fan11@example.com", ip="192.0.2.1").status_code == 302
    assert len(mailbox) == 11


def test_password_reset_requests_are_allowed_again_after_the_window(client, settings, mailbox):
    from datetime import timedelta

    from chat.models import PasswordResetRequest

    settings.CREASE_PASSWORD_RESETS_PER_EMAIL = 1
    get_user_model().objects.create_user("opener", email="opener@example.com", password="x")
    reset(client, "opener@example.com")
    reset(client, "opener@example.com")
    assert len(mailbox) == 1
    PasswordResetRequest.objects.update(at=F("at") - timedelta(hours=1, seconds=1))
    reset(client, "opener@example.com")
    assert len(mailbox) == 2
