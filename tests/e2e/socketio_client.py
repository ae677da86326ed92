"""A visitor on the socket.io channel, through python-socketio's own ``AsyncClient``.

It talks over HTTP long-polling: python-engineio's WebSocket client needs a
newer aiohttp than Rasa 3.6 allows. WebSocket itself is covered by a raw
handshake here and by ``rasa-webchat`` in Chromium (tests/web).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any, Dict, List

import socketio


class SocketVisitor:
    """Connects like ``rasa-webchat`` does: session_request, then user_uttered with the session."""

    def __init__(self, url: str, headers: Dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: asyncio.Queue = asyncio.Queue()
        self.session_id: str | None = None
        self.client.on("bot_uttered", self._on_reply)

    async def _on_reply(self, data: Any) -> None:
        await self.replies.put(data)

    async def connect(self, persistent: bool = True) -> None:
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        await self.client.connect(
            self.url, headers=self.headers, transports=["polling"],
            socketio_path="/socket.io", wait_timeout=10,
        )  # fmt: skip
        if persistent:
            await self.client.emit("session_request", {"session_id": uuid.uuid4().hex})
            self.session_id = await asyncio.wait_for(confirmed, 10)

    async def say(
        self, message: Any, timeout: float = 30.0, quiet: float = 1.0, **extra: Any
    ) -> List[Any]:
        """Send ``message`` and collect every reply until the bot has been quiet a moment."""
        payload = message if extra.pop("raw", False) else {"message": message, **extra}
        if isinstance(payload, dict) and self.session_id and "session_id" not in payload:
            payload["session_id"] = self.session_id
        await self.client.emit("user_uttered", payload)
        replies = [await asyncio.wait_for(self.replies.get(), timeout)]
        while True:
            try:
                replies.append(await asyncio.wait_for(self.replies.get(), quiet))
            except asyncio.TimeoutError:
                return replies

    async def close(self) -> None:
        """Disconnect without waiting for the pending long-poll to time out."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.client.disconnect(), 2)


def texts(replies: List[Any]) -> str:
    return "\n".join(str(r.get("text", "")) for r in replies if isinstance(r, dict))
