"""The scorer console's outbox in a real browser on a phone-sized page (issue 12): a ball whose ack
is lost on a dropped socket is re-sent and stored once; a double tap is one ball; balls tapped
offline are queued, kept across a reload (IndexedDB), online or offline (the service worker
serves the page and the engine), and stored once, in order, when the link is back, and a fan
sees them; two consoles in conflict get the prompt, and each choice does what it
says. What the server stored is read from its database (the log), not from the page.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_scores_console import READY, WAIT_MS, choose, new_match
from tests.support.browser import chromium
from tests.support.servers import create_session, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server, pytest.mark.db]

PHONE = {"width": 390, "height": 844}
COUNT = "#outbox-count"


def phone_page(browser, server, session: str):
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.add_cookies([{"name": "sessionid", "value": session, "url": server.http_url}])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    return page


def stored_log(server, match_id: int) -> list[dict]:
    """The server's log of the match: seq, the command and its client id, in seq order."""
    code = (
        "import json; from scores.models import LogEntry; "
        f"print(json.dumps([{{'seq': e.seq, 'payload': e.payload, 'id': e.command_id}} "
        f"for e in LogEntry.objects.filter(match_id={match_id}).order_by('seq')]))"
    )
    return json.loads(manage("shell", "-c", code, env=server.env).strip().splitlines()[-1])


def deliveries(log: list[dict]) -> list[int]:
    """The runs off each delivery stored, in seq order."""
    return [e["payload"]["runs"] for e in log if e["payload"].get("kind") == "delivery"]


def ready_to_bowl(console, server) -> int:
    match_id = new_match(console, server)
    choose(console, "#innings-choices", "Northfield to bat")
    choose(console, "#batter-choices", "Ann")
    choose(console, "#batter-choices", "Bea")
    choose(console, "#bowler-choices", "Dan")
    console.wait_for_selector(READY, timeout=WAIT_MS)
    return match_id


def test_a_ball_whose_ack_is_lost_on_a_dropped_socket_is_resent_and_stored_once(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        match_id = ready_to_bowl(console, server)
        sockets: list = []

        def route(ws):
            server_side = ws.connect_to_server()
            sockets.append(ws)
            first = len(sockets) == 1

            def to_server(message):
                server_side.send(message)

            def to_page(message):
                # On the first link the server's answer to the ball is lost, and the link drops.
                if first and ('"type": "ack"' in message or '"type":"ack"' in message):
                    ws.close(code=4000, reason="test: link dropped")
                    return
                ws.send(message)

            ws.on_message(to_server)
            server_side.on_message(to_page)

        console.route_web_socket("**/score/**", route)
        console.reload()
        console.wait_for_selector(READY, timeout=WAIT_MS)
        console.click("[data-runs='1']")
        expect(console.locator("#console")).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
        expect(console.locator(COUNT)).to_have_text("all sent")
        # The resend was answered as a duplicate: the server had stored it the first time.
        expect(console.locator("#console-log")).to_contain_text("1 run (already stored)")
        assert len(sockets) >= 2, "the console reconnected"
        balls = deliveries(stored_log(server, match_id))
        assert balls == [1], balls
        expect(console.locator('[data-field="score"]').first).to_have_text("Northfield 1/0 (0.1)")
        assert console.errors == []


def test_a_double_tap_is_one_ball(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        match_id = ready_to_bowl(console, server)
        console.locator("[data-runs='0']").dblclick()
        expect(console.locator("#toast")).to_contain_text("0 runs")
        console.wait_for_selector(READY, timeout=WAIT_MS)
        console.click("[data-runs='2']")  # a different ball after the pause counts
        console.wait_for_selector(READY, timeout=WAIT_MS)
        balls = deliveries(stored_log(server, match_id))
        assert balls == [0, 2], balls
        assert console.errors == []


# A busy phone: every IndexedDB commit takes 1.5 s (a strict-durability write waits for the disk).
SLOW_STORAGE = """
const complete = Object.getOwnPropertyDescriptor(IDBTransaction.prototype, "oncomplete");
Object.defineProperty(IDBTransaction.prototype, "oncomplete", {
  configurable: true,
  get() { return complete.get.call(this); },
  set(handler) {
    const later = (event) => setTimeout(() => handler.call(this, event), 1500);
    complete.set.call(this, handler && later);
  },
});
"""


def test_two_balls_tapped_while_the_first_is_still_being_stored_are_both_stored_in_order(
    start_server,
):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        match_id = ready_to_bowl(console, server)
        console.add_init_script(SLOW_STORAGE)
        console.reload()
        console.wait_for_selector(READY, timeout=WAIT_MS)
        console.click("[data-runs='1']")
        console.click("[data-runs='4']")  # a second ball during the first one's write
        # Not ready while either is being written, though the double-tap window has passed.
        console.wait_for_timeout(700)
        assert console.get_attribute("#console", "data-ready") == "false"
        # Each frame follows the one stored before it: no conflict with itself.
        console.wait_for_selector(READY, timeout=WAIT_MS)
        assert deliveries(stored_log(server, match_id)) == [1, 4]
        expect(console.locator("#conflict-dialog")).to_be_hidden()
        assert console.errors == []


def test_balls_scored_offline_survive_a_reload_and_are_stored_once_in_order(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        match_id = ready_to_bowl(console, server)
        console.context.set_offline(True)
        expect(console.locator("#live-status")).to_have_text("offline", timeout=WAIT_MS)
        for runs in ("1", "4", "0"):
            console.click(f"[data-runs='{runs}']")
            expect(console.locator("#toast")).to_contain_text("queued")
        expect(console.locator(COUNT)).to_contain_text("3 waiting to send")
        expect(console.locator("#outbox-list li")).to_have_count(3)
        assert deliveries(stored_log(server, match_id)) == []

        # A reload while they wait (the page itself needs the network until the service worker
        # lands): the socket is held back so nothing is sent, and the queue is still there.
        held = {"back": True}

        def route(ws):
            if not held["back"]:
                ws.connect_to_server()  # no handlers: frames pass both ways as they are

        console.route_web_socket("**/score/**", route)
        console.context.set_offline(False)
        console.reload()
        expect(console.locator(COUNT)).to_contain_text("3 waiting to send", timeout=WAIT_MS)
        # (the held-back socket never answers: the head shows as sending)
        expect(console.locator("#outbox-list li span")).to_have_text(
            [re.compile(r"^1 run( \(sending…\))?$"), "FOUR", "0 runs"]
        )
        assert deliveries(stored_log(server, match_id)) == []

        fan = browser.new_context(viewport=PHONE).new_page()
        fan.goto(f"{server.http_url}/matches/{match_id}/")
        fan.wait_for_selector("body[data-live='true']", timeout=WAIT_MS)

        held["back"] = False
        console.reload()
        expect(console.locator(COUNT)).to_have_text("all sent", timeout=WAIT_MS)
        balls = deliveries(stored_log(server, match_id))
        assert balls == [1, 4, 0], balls
        expect(fan.locator('#scoreboard [data-field="score"]')).to_have_text(
            "Northfield 5/0 (0.3)", timeout=WAIT_MS
        )
        assert console.errors == []


ENGINE_MS = 90_000  # the engine's first boot (Pyodide, ~13 MB) on a busy machine
CACHED = """async (page) => {
  if (!navigator.serviceWorker.controller) return false;
  const cache = await caches.open("crease-console-v1");
  const urls = (await cache.keys()).map((r) => new URL(r.url).pathname);
  const needed = [page, "/static/scores/console.js", "/matches/engine/engine-worker.js"];
  return needed.every((u) => urls.includes(u));
}"""


def test_an_over_scored_offline_survives_an_offline_reload_and_is_stored_once_in_order(
    start_server,
):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        match_id = ready_to_bowl(console, server)  # one over a side
        # Opened once online: the service worker holds the page, the runtime and the engine.
        console.wait_for_selector("body[data-engine='ready']", timeout=ENGINE_MS)
        seq = console.evaluate("() => document.body.dataset.seq")
        console.wait_for_selector(f"body[data-engine-seq='{seq}']", timeout=WAIT_MS)
        path = f"/matches/{match_id}/score/"
        console.wait_for_function(CACHED, arg=path, polling=200, timeout=ENGINE_MS)
        console.context.set_offline(True)
        expect(console.locator("#live-status")).to_have_text("offline", timeout=WAIT_MS)
        over = ["1", "4", "0", "2", "6", "1"]
        for runs in over:
            console.click(f"[data-runs='{runs}']")
            expect(console.locator("#toast")).to_contain_text("queued")
            console.wait_for_timeout(600)  # taps of the same ball closer than 0.5 s are one
        expect(console.locator(COUNT)).to_contain_text("6 waiting to send")

        # Reloaded with the network still off: the page, its modules and the engine come from
        # the service worker, the queue and the stored log from IndexedDB.
        console.reload()
        expect(console.locator("#console")).to_have_attribute("data-pad", "usable")
        expect(console.locator("#live-status")).not_to_have_text("live")
        console.wait_for_selector("body[data-engine='ready']", timeout=ENGINE_MS)
        expect(console.locator(COUNT)).to_contain_text("6 waiting to send")
        expect(console.locator("#engine-status")).not_to_contain_text("failed")
        expect(console.locator('[data-field="score"]').first).to_contain_text(
            "Northfield 14/0", timeout=WAIT_MS
        )
        expect(console.locator("#awaiting")).to_contain_text("Innings break")
        assert deliveries(stored_log(server, match_id)) == []

        console.context.set_offline(False)
        expect(console.locator(COUNT)).to_have_text("all sent", timeout=WAIT_MS)
        log = stored_log(server, match_id)
        assert deliveries(log) == [int(r) for r in over]
        ids = [e["id"] for e in log if e["payload"].get("kind") == "delivery"]
        assert len(set(ids)) == len(over), ids
        fan = browser.new_context(viewport=PHONE).new_page()
        fan.goto(f"{server.http_url}/matches/{match_id}/")
        expect(fan.locator('#scoreboard [data-field="score"]')).to_contain_text(
            "Northfield 14/0", timeout=WAIT_MS
        )
        assert console.errors == []


def conflict(browser, server, session):
    """Two consoles on one match; the first scores a ball while the second is offline with two."""
    first = phone_page(browser, server, session)
    match_id = ready_to_bowl(first, server)
    second = phone_page(browser, server, session)
    second.goto(first.url)
    second.wait_for_selector(READY, timeout=WAIT_MS)
    second.context.set_offline(True)
    expect(second.locator("#live-status")).to_have_text("offline", timeout=WAIT_MS)
    second.click("[data-runs='2']")
    second.wait_for_timeout(600)
    second.click("[data-runs='3']")
    expect(second.locator(COUNT)).to_contain_text("2 waiting to send")
    first.click("[data-runs='6']")
    first.wait_for_selector(READY, timeout=WAIT_MS)
    second.context.set_offline(False)
    dialog = second.locator("#conflict-dialog")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(dialog.locator(".title")).to_have_text('"2 runs" was not recorded')
    expect(dialog.locator(".why")).to_contain_text("Another scorer has recorded 1 entry")
    return first, second, match_id


def test_a_conflict_put_after_theirs_stores_mine_after_the_other_scorers(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        _first, second, match_id = conflict(browser, server, session)
        second.click("#conflict-dialog [data-choice=after]")
        expect(second.locator(COUNT)).to_have_text("all sent", timeout=WAIT_MS)
        runs = deliveries(stored_log(server, match_id))
        assert runs == [6, 2, 3], runs


def test_a_conflict_discard_mine_keeps_only_theirs(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        _first, second, match_id = conflict(browser, server, session)
        second.click("#conflict-dialog [data-choice=discard]")
        expect(second.locator(COUNT)).to_have_text("all sent", timeout=WAIT_MS)
        expect(second.locator('[data-field="score"]').first).to_have_text("Northfield 6/0 (0.1)")
        runs = deliveries(stored_log(server, match_id))
        assert runs == [6], runs


def test_a_conflict_edit_keeps_the_queue_and_sends_nothing_until_chosen(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        _first, second, match_id = conflict(browser, server, session)
        second.click("#conflict-dialog [data-choice=edit]")
        expect(second.locator("#conflict-dialog")).to_be_hidden()
        expect(second.locator(COUNT)).to_contain_text("2 waiting to send")
        expect(second.locator("#outbox-paused")).to_contain_text('Sending stopped at "2 runs"')
        # The scorer removes the 2 (it was the other scorer's six) and keeps the 3.
        second.locator("#outbox-list li", has_text="2 runs").locator("button").click()
        second.click("#confirm-dialog [value=yes]")
        expect(second.locator("#outbox-list li")).to_have_count(1)
        runs = deliveries(stored_log(server, match_id))
        assert runs == [6], runs
        second.click("#outbox-resolve")
        second.click("#conflict-dialog [data-choice=after]")
        expect(second.locator(COUNT)).to_have_text("all sent", timeout=WAIT_MS)
        runs = deliveries(stored_log(server, match_id))
        assert runs == [6, 3], runs


def test_an_engine_refusal_of_a_queued_ball_is_shown_and_discarded_only_when_chosen(start_server):
    server = start_server("uvicorn")
    session = create_session(server.env, "cara")
    with chromium() as browser:
        console = phone_page(browser, server, session)
        # Without the local engine (its worker's script refused), so that the pad offers a
        # seventh ball: with it, the pad would show the innings break after the sixth.
        console.context.route("**/matches/engine/engine-worker.js", lambda route: route.abort())
        match_id = ready_to_bowl(console, server)  # one over a side
        console.wait_for_selector("body[data-engine='unavailable']", timeout=WAIT_MS * 3)
        console.context.set_offline(True)
        expect(console.locator("#live-status")).to_have_text("offline", timeout=WAIT_MS)
        for runs in ("1", "2", "1", "2", "1", "2", "3"):  # the seventh ball has no over to be in
            console.click(f"[data-runs='{runs}']")
        expect(console.locator(COUNT)).to_contain_text("7 waiting to send")
        console.context.set_offline(False)
        dialog = console.locator("#conflict-dialog")
        expect(dialog).to_be_visible(timeout=WAIT_MS)
        expect(dialog.locator(".title")).to_have_text('The server refused "3 runs"')
        expect(dialog.locator("[data-choice=after]")).to_be_hidden()
        assert deliveries(stored_log(server, match_id)) == [1, 2, 1, 2, 1, 2]
        expect(console.locator(COUNT)).to_contain_text("1 waiting to send")
        dialog.locator("[data-choice=discard]").click()
        expect(console.locator(COUNT)).to_have_text("all sent", timeout=WAIT_MS)
        assert deliveries(stored_log(server, match_id)) == [1, 2, 1, 2, 1, 2]
        expect(console.locator("#awaiting")).to_contain_text("Innings break")
        assert console.errors == []
