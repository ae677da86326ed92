"""The REST channel behind the input gate: ``POST /webhooks/rest/webhook``.

Rasa's own ``RestInput`` passes any JSON on to the model (a list body gives a
500, a number as message an empty 200, a NUL in the sender reaches the
database). This channel keeps its URL and reply format, checks every body with
:mod:`bot.serving.gate` first, and never answers a well-formed message with
silence: if the bot produced nothing (an action server restarting, say) the
visitor is asked to send it again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from asyncio import CancelledError, Queue
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel, RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import load_settings
from bot.serving.gate import ChatInput, InputLimits, Refused, preview, read_chat_body

log = logging.getLogger(__name__)

DONE = object()
NOTHING_TO_SAY = (
    "Sorry, I couldn't answer that just now. Please send your message again in a moment."
)


def refusal(error: Refused, raw: Any) -> HTTPResponse:
    log.info("refused a chat request (%s): %s", error.reason, preview(raw))
    return response.json({"error": error.reason}, status=error.status)


class GuardedRestInput(RestInput):
    """Rasa's REST channel with the input gate in front of it."""

    def __init__(self, limits: InputLimits) -> None:
        self.limits = limits

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> GuardedRestInput:
        return cls(InputLimits.from_settings(load_settings()))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            try:
                chat = read_chat_body(request.body, self.limits)
            except Refused as error:
                return refusal(error, request.body[:200])
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_replies(on_new_message, chat), content_type="text/event-stream"
                )
            collector = CollectingOutputChannel()
            await self.answer(on_new_message, chat, collector)
            if not collector.messages:
                collector.messages.append(nothing_to_say(chat.sender))
            return response.json(collector.messages)

        return webhook

    @staticmethod
    async def answer(on_new_message, chat: ChatInput, output: CollectingOutputChannel) -> None:
        """Run the bot on one message; a failure is logged, the visitor still gets a reply."""
        try:
            await on_new_message(
                UserMessage(chat.message, output, chat.sender, input_channel="rest")
            )
        except CancelledError:
            log.error("timed out answering %s", preview(chat.sender))
        except Exception:
            log.exception("could not answer %s", preview(chat.sender))

    def stream_replies(self, on_new_message, chat: ChatInput):
        """Rasa's ``?stream=true``: one JSON line per bot message, as each is produced."""

        async def answer(queue: Queue) -> None:
            try:
                await self.answer(on_new_message, chat, QueueOutputChannel(queue))
            finally:
                await queue.put(DONE)  # also after a failure, or the client waits forever

        async def stream(resp: Any) -> None:
            queue: Queue = Queue()
            task = asyncio.ensure_future(answer(queue))
            sent = 0
            while (message := await queue.get()) is not DONE:
                sent += 1
                await resp.write(json.dumps(message) + "\n")
            await task
            if not sent:
                await resp.write(json.dumps(nothing_to_say(chat.sender)) + "\n")

        return stream


def nothing_to_say(sender: str) -> Dict[str, str]:
    return {"recipient_id": sender, "text": NOTHING_TO_SAY}
