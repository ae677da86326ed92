"""The socket.io channel, fixed and guarded.

Rasa 3.6's ``SocketIOInput`` has two faults this channel mends:

* it calls python-socketio 5's ``enter_room`` without awaiting it (Rasa issue
  #13027), so with ``session_persistence`` a client never joins its session's
  room and never receives a ``bot_uttered`` event;
* it accepts a connection from any web page (``cors_allowed_origins=[]``), so
  a foreign site could drive the bot through a visitor's WebSocket although
  REST refuses it. The CORS headers stay with Rasa's own ``--cors`` handling
  (engine.io adding them a second time makes browsers refuse every reply); the
  Origin is checked when the socket.io connection is made instead.

It also passes every message through :mod:`bot.serving.gate` and caps the size
of a socket.io packet. The event names and payloads stay Rasa's, so standard
clients (``rasa-webchat``, ``socket.io-client``) work unchanged. JWT
authentication is not offered: the chat is public by design.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.config import load_settings
from bot.serving.gate import InputLimits, Refused, check_sender, clean_message, preview
from bot.serving.rest_channel import NOTHING_TO_SAY

log = logging.getLogger(__name__)


class CountingOutput(SocketIOOutput):
    """Rasa's socket.io output that remembers whether it said anything."""

    sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(self, recipient_id: str, json_message: Dict, **kwargs) -> None:
        self.sent += 1
        await super().send_custom_json(recipient_id, json_message, **kwargs)


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with awaited rooms, an Origin check and the input gate."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> GuardedSocketIOInput:
        credentials = credentials or {}
        settings = load_settings()
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
        )
        channel.limits = InputLimits.from_settings(settings)
        channel.allowed_origins = list(settings.cors_origins)
        return channel

    limits = InputLimits()
    allowed_origins: list = []

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=[],  # headers come from Rasa's --cors; Origin checked below
            max_http_buffer_size=self.limits.max_request_bytes,
        )
        webhook = SocketBlueprint(sio, self.socketio_path, "guarded_socketio_webhook", __name__)
        self.sio = sio  # Rasa's get_output_channel() reads it

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: Dict, auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is None or origin.rstrip("/") in self.allowed_origins:
                return True
            log.info("refused a socket.io connection from %s", preview(origin))
            return False

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None, *_ignored: Any) -> None:
            session_id = self._session_id(data)
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None, *_ignored: Any) -> None:
            output = CountingOutput(sio, self.bot_message_evt)
            try:
                sender_id, text = self._read_message(sid, data)
            except Refused as error:
                log.info("refused a socket.io message (%s): %s", error.reason, preview(data))
                await sio.emit(self.bot_message_evt, {"text": error.reason}, room=sid)
                return
            try:
                await on_new_message(
                    UserMessage(text, output, sender_id, input_channel=self.name(),
                                metadata=_metadata(data))
                )  # fmt: skip
            except Exception:
                log.exception("could not answer %s", preview(sender_id))
            if not output.sent:
                await output.send_text_message(sender_id, NOTHING_TO_SAY)

        return webhook

    def _session_id(self, data: Any) -> str:
        """The client's session id if it is a usable one, otherwise a new one."""
        proposed = data.get("session_id") if isinstance(data, dict) else None
        try:
            return check_sender(proposed, self.limits)
        except Refused:
            return uuid.uuid4().hex

    def _read_message(self, sid: str, data: Any) -> tuple:
        if not isinstance(data, dict):
            raise Refused("A message must be an object with a 'message' field.")
        if self.session_persistence:
            sender_id = check_sender(data.get("session_id"), self.limits, "session_id")
        else:
            sender_id = sid
        return sender_id, clean_message(data.get("message"), self.limits)


def _metadata(data: dict) -> Optional[Dict[str, Any]]:
    """Client metadata if it is a small JSON object; anything else is dropped."""
    metadata = data.get("metadata")
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    return metadata if isinstance(metadata, dict) else None
