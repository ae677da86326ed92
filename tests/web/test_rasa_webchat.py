"""The community widget rasa-webchat (npm) chats with our Rasa server over socket.io.

It proves the socket.io channel works for a standard client: the session room
is joined (``session_persistence: true``), so ``bot_uttered`` reaches the page;
and a page from an origin outside ``WEB_ORIGINS`` gets no connection at all.
The widget starts with HTTP long-polling, which the browser's CORS rules already
block for a foreign page; only the WebSocket test shows the server itself checks
the Origin. How the page gets its origin without a web server: ``rasa_webchat.py``.
"""

from __future__ import annotations

import re

import pytest

from bot.serving.rest_channel import NOTHING_TO_SAY
from tests.web.rasa_webchat import (
    Webchat,
    foreign_origin,
    serve_page,
    socketio_over_websocket,
    webchat_bundle,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

expect = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python").expect

REPLY_TIMEOUT_MS = 30_000
QUIET_MS = 5_000  # how long a refused page is watched for a reply that must not come
QUESTION = "what is reflexology?"
SOME_TEXT = re.compile(r"\S")
NO_ALLOW_ORIGIN = "No 'Access-Control-Allow-Origin' header is present"


@pytest.fixture(scope="module")
def bundle():
    return webchat_bundle()


@pytest.fixture
def console_errors(page) -> list:
    """Console errors and uncaught exceptions of the page, as text."""
    errors: list = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def socket_errors(errors: list, socket_url: str) -> list:
    """The errors about the connection to Rasa (not, say, the refused web fonts)."""
    return [error for error in errors if socket_url in error or "socket.io" in error.lower()]


def expect_reply(message, errors: list, socket_url: str) -> str:
    """Wait for a bot message to get its text; on a timeout, say what went wrong with Rasa."""
    try:
        expect(message).to_have_text(SOME_TEXT, timeout=REPLY_TIMEOUT_MS)
    except AssertionError as error:
        problems = socket_errors(errors, socket_url)
        summary = f"{len(problems)} browser errors about Rasa, the first: {problems[:1]}"
        raise AssertionError(f"no bot message; {summary}") from error
    return message.inner_text().strip()


def test_widget_greets_and_answers_a_question(rasa_server, page, console_errors, bundle, artifacts):
    origin = rasa_server.settings.cors_origins[0]
    webchat = Webchat(page).open(serve_page(page.context, origin, rasa_server.url, bundle))

    greeting = expect_reply(webchat.bot_messages.first, console_errors, rasa_server.url)
    assert greeting != NOTHING_TO_SAY

    replies_before = webchat.bot_messages.count()
    webchat.send(QUESTION)
    expect(webchat.visitor_messages.last).to_have_text(QUESTION)
    reply = webchat.bot_messages.nth(replies_before)
    answer = expect_reply(reply, console_errors, rasa_server.url)

    assert answer != NOTHING_TO_SAY
    assert socket_errors(console_errors, rasa_server.url) == []
    page.screenshot(path=str(artifacts / "rasa-webchat.png"))


def test_page_from_a_foreign_origin_gets_no_reply(rasa_server, page, console_errors, bundle):
    origin = foreign_origin(rasa_server.settings.cors_origins)
    webchat = Webchat(page).open(serve_page(page.context, origin, rasa_server.url, bundle))

    page.wait_for_timeout(QUIET_MS)

    expect(webchat.bot_messages).to_have_count(0)
    expect(webchat.connecting).to_be_visible()
    expect(webchat.input).to_be_disabled()
    refusals = [e for e in socket_errors(console_errors, rasa_server.url) if NO_ALLOW_ORIGIN in e]
    assert refusals, f"no socket.io request refused for its origin in {console_errors}"


@pytest.mark.parametrize(
    ("allowed", "outcome"), [(True, "connected"), (False, "refused")], ids=["allowed", "foreign"]
)
def test_socketio_over_websocket_checks_the_origin(rasa_server, page, bundle, allowed, outcome):
    """No CORS for WebSockets in browsers: the server alone must refuse a foreign page."""
    origins = rasa_server.settings.cors_origins
    origin = origins[0] if allowed else foreign_origin(origins)
    page.goto(serve_page(page.context, origin, rasa_server.url, bundle))

    assert socketio_over_websocket(page, rasa_server.url) == outcome
