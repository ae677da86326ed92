"""The socket.io channel with python-socketio's real client against the real Rasa server."""

from __future__ import annotations

import asyncio

import pytest
import socketio
import websockets

from bot.serving.rest_channel import NOTHING_TO_SAY
from tests.e2e.hostile_corpus import BAD_SENDERS, PAYLOADS, WRONG_VALUES
from tests.e2e.socketio_client import SocketVisitor, texts

pytestmark = pytest.mark.e2e

FOREIGN = "http://evil.example"


async def test_a_standard_client_receives_the_bots_replies(rasa_server):
    visitor = SocketVisitor(rasa_server.url)
    await visitor.connect()
    try:
        replies = await visitor.say("hello")
        assert "foot" in texts(replies).lower(), replies
        replies = await visitor.say("what is reflexology?")
        assert texts(replies) and NOTHING_TO_SAY not in texts(replies)
    finally:
        await visitor.close()


async def test_a_page_from_an_allowed_origin_may_connect(rasa_server):
    visitor = SocketVisitor(rasa_server.url, {"Origin": rasa_server.settings.cors_origins[0]})
    await visitor.connect()
    try:
        assert await visitor.say("hi")
    finally:
        await visitor.close()


async def test_a_page_from_a_foreign_origin_is_refused(rasa_server):
    visitor = SocketVisitor(rasa_server.url, {"Origin": FOREIGN})
    refused: asyncio.Future = asyncio.get_running_loop().create_future()
    visitor.client.on("connect_error", lambda data=None: refused.done() or refused.set_result(1))
    connecting = asyncio.ensure_future(visitor.connect())
    try:
        await asyncio.wait_for(refused, 10)  # the server's "connection refused" packet
    finally:
        connecting.cancel()  # the client then waits out a long-poll before giving up
    assert not visitor.client.connected


@pytest.mark.parametrize("origin, accepted", [(FOREIGN, False), (None, True), ("allowed", True)])
async def test_websocket_handshakes_are_checked_against_the_allowed_origins(
    rasa_server, origin, accepted
):
    if origin == "allowed":
        origin = rasa_server.settings.cors_origins[0]
    url = rasa_server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    headers = {"Origin": origin} if origin else {}
    async with websockets.connect(url, extra_headers=headers, open_timeout=10) as socket:
        assert (await asyncio.wait_for(socket.recv(), 10)).startswith("0{")  # engine.io open
        await socket.send("40")  # socket.io: connect to the default namespace
        answer = await asyncio.wait_for(socket.recv(), 10)
    assert answer.startswith("40" if accepted else "44"), answer  # 44: connection refused


async def test_hostile_socketio_messages_are_refused_politely_and_stop_nothing(rasa_server):
    visitor = SocketVisitor(rasa_server.url)
    await visitor.connect()
    attempts = 0
    try:
        hostile = [*WRONG_VALUES, "x" * (rasa_server.settings.max_message_chars + 1), "\x00\x01"]
        for value in hostile:
            attempts += 1
            replies = await visitor.say(value, quiet=0.2)
            assert texts(replies) and "message" in texts(replies).lower(), (value, replies)
        for value in [None, 1, "text", ["list"]]:
            attempts += 1
            assert texts(await visitor.say(value, raw=True, quiet=0.2)), value
        for sender in BAD_SENDERS:
            attempts += 1
            replies = await visitor.say("hello", session_id=sender, quiet=0.2)
            assert "session_id" in texts(replies), (sender, replies)
        for payload in PAYLOADS:
            attempts += 1
            assert texts(await visitor.say(payload, quiet=0.2)), payload
        assert "foot" in texts(await visitor.say("hello")).lower()
    finally:
        await visitor.close()
    assert attempts >= 80
    print(f"{attempts} hostile socket.io messages, 0 unanswered")


async def test_a_packet_over_the_size_limit_closes_only_that_connection(rasa_server):
    greedy = SocketVisitor(rasa_server.url)
    await greedy.connect()
    try:
        await greedy.client.emit("user_uttered", {"message": "x" * 200_000})
    except socketio.exceptions.SocketIOError:
        pass
    finally:
        await greedy.close()
    visitor = SocketVisitor(rasa_server.url)
    await visitor.connect()
    try:
        assert "foot" in texts(await visitor.say("hello")).lower()
    finally:
        await visitor.close()
