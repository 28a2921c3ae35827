"""CSRF on every form: a POST without the token is refused with 403; with it, it is not."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chat.services import room_ensure
from scores.services import matches
from tests.scores.helpers import make_match

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.db]

FORMS = {
    "/accounts/signup/": {"username": "eve", "email": "eve@example.com",
                          "password1": "square-cut-1987", "password2": "square-cut-1987"},
    "/accounts/password/reset/": {"email": "fan@example.com"},
    "/accounts/login/": {"username": "fan", "password": "pw-fan-Secret9"},
    "/accounts/logout/": {},
    "/admin/login/": {"username": "boss", "password": "pw-boss-Secret9"},
}  # fmt: skip


@pytest.fixture
def site():
    room_ensure(slug="lobby", title="Lobby")
    match = make_match()
    User = get_user_model()
    fan = User.objects.create_user("fan", password="pw-fan-Secret9")
    boss = User.objects.create_superuser("boss", password="pw-boss-Secret9")
    matches.scorer_grant(user=boss, match=match)
    return {"match": match, "fan": fan, "boss": boss}


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", sorted(FORMS))
def test_a_form_posted_without_the_csrf_token_is_refused(site, url):
    for user in (None, site["fan"]):
        response = _client(user).post(url, FORMS[url])
        assert response.status_code == 403, (url, user)
    assert not get_user_model().objects.filter(username="eve").exists()


@pytest.mark.parametrize("url", sorted(FORMS))
def test_the_same_form_with_its_token_is_accepted(site, url):
    client = _client(site["fan"] if url == "/accounts/logout/" else None)
    page = client.get(url if url != "/accounts/logout/" else "/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    assert token, url
    response = client.post(url, {**FORMS[url], "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302), (url, response.status_code)


def _post_forms(html: str) -> list[str]:
    forms = re.findall(r"<form\b[^>]*>", html, flags=re.IGNORECASE)
    actions = []
    for form in forms:
        if not re.search(r'method=["\']?post', form, flags=re.IGNORECASE):
            continue
        action = re.search(r'action=["\']([^"\']*)["\']', form)
        actions.append(action.group(1) if action else "")
    return actions


def test_every_post_form_on_every_page_is_csrf_protected(site):
    """Crawl the pages a fan, a scorer and staff see; POST every form there without a token."""
    match = site["match"]
    staff = ["/", "/matches/", f"/matches/{match.id}/", f"/matches/{match.id}/score/", "/chat/",
             "/chat/lobby/", "/admin/", "/admin/chat/message/", "/admin/scores/match/",
             f"/admin/scores/match/{match.id}/change/",
             "/admin/scores/scorertoken/add/"]  # fmt: skip
    anonymous = [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/admin/login/",
    ]
    checked = set()
    for user, pages in ((site["boss"], staff), (None, anonymous)):
        viewer = _client(user)
        for page in pages:
            response = viewer.get(page)
            assert response.status_code == 200, page
            for action in _post_forms(response.content.decode()):
                target = action or page
                if target in checked:
                    continue
                checked.add(target)
                refused = _client(user).post(target, {"x": "1"})
                assert refused.status_code == 403, (page, target, refused.status_code)
    assert "/accounts/logout/" in checked
    assert "/admin/scores/scorertoken/add/" in checked
    assert {"/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"} <= checked
