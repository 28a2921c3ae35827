"""No script injection from text users or imported files control: every page renders it escaped.

Chat messages, commentary, team and player names and match titles are all script payloads here
(tests/security/xss_data.py). The browser test (tests/security/test_escaping_browser.py) checks
that none runs in chromium, also for text that arrives live over the sockets.
"""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.security import xss_data

pytestmark = [pytest.mark.django_db, pytest.mark.db]


@pytest.fixture
def evil():
    return xss_data.seed()


def _seen(page: str, text: str) -> bool:
    """The text is on the page as text: HTML-escaped, or escaped inside embedded JSON."""
    return (
        html.escape(text) in page
        or html.escape(text, quote=False) in page
        or (text.replace("<", "\\u003C").replace(">", "\\u003E") in page)
    )


@pytest.mark.parametrize("index", range(len(xss_data.pages(0))))
def test_every_page_shows_user_text_escaped_and_never_as_markup(evil, index):
    url = xss_data.pages(evil["match"])[index]
    client = Client()
    client.force_login(get_user_model().objects.get(username="boss"))
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    for payload in xss_data.PAYLOADS:
        assert payload not in page, url
    assert "<script>window.__xss" not in page
    assert "<img src=x onerror" not in page
    shown = [t for t in (xss_data.TEAM, xss_data.AWAY, xss_data.PLAYER, xss_data.TITLE,
                         xss_data.COMMENTARY, xss_data.CHAT) if _seen(page, t)]  # fmt: skip
    if url not in ("/chat/", "/admin/chat/message/"):  # pages about matches show match text
        assert shown or url == "/", url


def test_the_match_page_shows_every_kind_of_text_escaped(evil):
    page = Client().get(f"/matches/{evil['match']}/").content.decode()
    for text in (xss_data.TEAM, xss_data.PLAYER, xss_data.TITLE, xss_data.COMMENTARY):
        assert _seen(page, text), text
