"""Operations endpoints and limits: /healthz, /readyz, /metrics, request ids, per-IP limits."""

import json

import pytest
from django.test import AsyncClient, Client

from tests.support.ws import communicator, receive_json

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.db]


def test_healthz_says_the_process_is_up():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_when_the_database_answers():
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["ready"] is True
    assert body["database"] == "ok"


async def test_readyz_is_503_when_redis_does_not_answer(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = await AsyncClient().get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["ready"] is False
    assert body["redis"].startswith("error")


@pytest.mark.usefixtures("hub_teardown")
async def test_metrics_count_connections_and_errors():
    comm = communicator("/practice")
    await comm.connect()
    await comm.send_to(text_data="not json")
    await receive_json(comm)
    response = await AsyncClient().get("/metrics")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'crease_open_connections{kind="practice"} 1.0' in text
    assert 'crease_errors_total{code="invalid_json"}' in text
    await comm.disconnect()


def test_metrics_require_the_token_when_one_is_set(settings):
    settings.METRICS_TOKEN = "s3cret"
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


def test_production_refuses_metrics_without_a_token_unless_told_they_are_kept_apart(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_PUBLIC = False  # the production default (DEBUG off)
    refused = Client().get("/metrics")
    assert refused.status_code == 403
    assert "METRICS_TOKEN" in refused.json()["reason"]
    settings.METRICS_PUBLIC = True
    assert Client().get("/metrics").status_code == 200


def test_every_response_carries_a_request_id_and_a_safe_given_one_is_kept():
    assert len(Client().get("/healthz")["X-Request-ID"]) == 12
    kept = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-abc.123")
    assert kept["X-Request-ID"] == "lb-abc.123"
    replaced = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert replaced["X-Request-ID"] != "bad id\nwith newline"


@pytest.mark.usefixtures("hub_teardown")
async def test_connections_over_the_per_ip_limit_are_closed_with_4029(settings):
    settings.CREASE_WS_MAX_OPEN_PER_IP = 2
    first, second, third = (communicator("/practice") for _ in range(3))
    assert (await first.connect())[0]
    assert (await second.connect())[0]
    assert (await third.connect())[0]  # accepted only to say why it is closed
    closed = await third.receive_output()
    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4029
    await first.disconnect()
    fourth = communicator("/practice")
    assert (await fourth.connect())[0]
    await fourth.send_to(text_data="PING")
    assert await fourth.receive_from() == "PONG"
    for comm in (second, fourth):
        await comm.disconnect()


@pytest.mark.usefixtures("hub_teardown")
async def test_new_connections_per_minute_are_limited(settings):
    settings.CREASE_WS_NEW_PER_IP_PER_MINUTE = 2
    settings.CREASE_WS_MAX_OPEN_PER_IP = 0
    from config.asgi import application

    application.app.app.application_mapping["websocket"].recent.clear()
    comms = [communicator("/practice") for _ in range(3)]
    for comm in comms[:2]:
        assert (await comm.connect())[0]
        await comm.disconnect()
    await comms[2].connect()
    assert (await comms[2].receive_output())["code"] == 4029


def test_home_page_lists_matches_in_play_escaped():
    from cricket import MatchSetup
    from scores.services.matches import match_create

    players = [f"P{i}" for i in range(11)]
    setup = MatchSetup.preset(
        "T20", home="<script>alert(1)</script>", away="Away", home_players=players,
        away_players=[f"Q{i}" for i in range(11)],
    )  # fmt: skip
    match = match_create(setup=setup)
    body = Client().get("/").content.decode()
    assert f'href="/matches/{match.id}/"' in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_a_database_that_cannot_be_had_is_503_with_retry_after_never_500():
    from django.db import OperationalError
    from django.test import RequestFactory

    from config.middleware import ServiceUnavailableMiddleware
    from config.views import server_error

    middleware = ServiceUnavailableMiddleware(lambda request: None)
    for path, content_type in (("/api/matches/1", "application/json"), ("/", "text/plain")):
        request = RequestFactory().get(path)
        response = middleware.process_exception(request, OperationalError("pool timeout"))
        assert response.status_code == 503
        assert response["Retry-After"]
        assert response["Content-Type"].startswith(content_type)
        try:  # outside any view (handler500 runs inside the handler's except block)
            raise OperationalError("too many connections")
        except OperationalError:
            assert server_error(request).status_code == 503
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None


def test_every_503_tells_the_client_when_to_retry():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.middleware import ServiceUnavailableMiddleware

    middleware = ServiceUnavailableMiddleware(lambda request: HttpResponse(status=503))
    assert middleware(RequestFactory().get("/"))["Retry-After"] == "2"
