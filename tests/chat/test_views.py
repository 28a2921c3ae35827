"""Chat pages and the fans' account pages: sign-up, log-in, log-out, the panel's two faces."""

import pytest
from django.contrib.auth import get_user_model

from chat.services import room_ensure

pytestmark = [pytest.mark.django_db, pytest.mark.db]


@pytest.fixture
def match_room():
    return room_ensure(slug="match-1", title="Eagles v Hawks")


def test_room_ensure_is_idempotent_and_keeps_the_first_title():
    first = room_ensure(slug="match-7", title="First")
    again = room_ensure(slug="match-7", title="Second")
    assert again.pk == first.pk
    assert again.title == "First"


def test_an_anonymous_fan_sees_the_panel_with_a_prompt_to_log_in(client, match_room):
    page = client.get("/chat/match-1/").content.decode()
    assert 'data-chat-room="match-1"' in page
    assert 'data-ready="false"' in page
    assert 'href="/accounts/login/?next=/chat/match-1/"' in page
    assert "data-chat-composer" not in page
    assert "chat/chat.js" in page


def test_a_logged_in_fan_gets_a_composer_and_staff_also_get_moderation(client, match_room):
    fan = get_user_model().objects.create_user("fan", password="x")
    client.force_login(fan)
    page = client.get("/chat/match-1/").content.decode()
    assert "data-chat-composer" in page
    assert 'data-staff="false"' in page
    assert "data-chat-mute-minutes" not in page
    fan.is_staff = True
    fan.save()
    page = client.get("/chat/match-1/").content.decode()
    assert 'data-staff="true"' in page
    assert "data-chat-mute-minutes" in page


def test_a_room_title_renders_as_text(client):
    room_ensure(slug="match-2", title="<script>alert(1)</script>")
    page = client.get("/chat/match-2/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_unknown_room_page_is_404(client):
    assert client.get("/chat/match-404/").status_code == 404


def test_the_lobby_page_shows_the_lobby_room(client):
    room_ensure(slug="lobby", title="Lobby")
    assert 'data-chat-room="lobby"' in client.get("/chat/").content.decode()


def test_sign_up_creates_the_user_logs_them_in_and_returns_to_next(client, match_room):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newfan",
            "email": "newfan@example.com",
            "password1": "cover-drive-42",
            "password2": "cover-drive-42",
            "next": "/chat/match-1/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/chat/match-1/"
    assert get_user_model().objects.filter(username="newfan").exists()
    page = client.get("/chat/match-1/").content.decode()
    assert "data-chat-composer" in page


def test_sign_up_refuses_mismatched_passwords_and_an_offsite_next(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "x",
            "email": "x@example.com",
            "password1": "cover-drive-42",
            "password2": "nope",
            "next": "/",
        },
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="x").exists()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "y",
            "email": "y@example.com",
            "password1": "cover-drive-42",
            "password2": "cover-drive-42",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_log_in_and_log_out(client):
    get_user_model().objects.create_user("opener", password="cover-drive-42")
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/",
        {"username": "opener", "password": "cover-drive-42", "next": "/chat/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/chat/"
    assert client.get("/").context["user"].is_authenticated
    assert client.get("/accounts/logout/").status_code == 405  # a link cannot log anyone out
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_the_nav_offers_log_in_and_sign_up_or_log_out(client):
    page = client.get("/").content.decode()
    assert "/accounts/login/" in page
    assert "/accounts/signup/" in page
    assert 'href="/chat/"' in page
    client.force_login(get_user_model().objects.create_user("wk"))
    page = client.get("/").content.decode()
    assert 'action="/accounts/logout/"' in page


def test_the_admin_delete_action_hides_messages(client):
    from django.utils import timezone

    from chat.models import Message

    room = room_ensure(slug="match-3", title="Match 3")
    staff = get_user_model().objects.create_superuser("boss", password="x")
    message = Message.objects.create(
        room=room, author=staff, body="oops", created_at=timezone.now()
    )
    client.force_login(staff)
    response = client.post(
        "/admin/chat/message/",
        {"action": "hide", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert message.deleted_by == staff


def test_the_data_migration_creates_the_lobby():
    import importlib

    from django.apps import apps

    from chat.models import Room

    Room.objects.filter(slug="lobby").delete()  # transactional tests before may have flushed it
    migration = importlib.import_module("chat.migrations.0002_lobby")
    migration.create_lobby(apps, None)
    migration.create_lobby(apps, None)
    assert Room.objects.get(slug="lobby").title == "Lobby"
