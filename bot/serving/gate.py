"""One input gate for every chat channel: what a visitor's message must look like.

REST and socket.io both hand their raw input to :func:`read_chat_body` /
:func:`check_chat_fields` before anything reaches the model, so a hostile body
is refused in microseconds with a short reason instead of costing seconds of
NLU time, memory, or a database error (PostgreSQL cannot store a NUL byte; a
sender id with one once stopped the whole server).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

from bot.config import Settings

MAX_SENDER_CHARS = 128
PREVIEW_CHARS = 80

# C0 and C1 control characters except tab and newline, lone surrogates (JSON
# can carry them, UTF-8 cannot) and the Unicode non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# Rasa reads "/intent{...}" and "/intent@0.9" as a parsed intent with entities
# and a confidence: buttons only ever send "/intent", so the rest is dropped
# rather than letting a visitor set entities the NLU would never extract.
_INTENT_EXTRAS = re.compile(r"^(\s*/[^{@]*)[{@].*$", re.DOTALL)


class Refused(ValueError):
    """A request the gate will not pass on; ``reason`` is safe to show the sender."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class InputLimits:
    """The documented maxima (settings ``MAX_MESSAGE_CHARS`` and ``MAX_REQUEST_BYTES``)."""

    max_message_chars: int = 10_000
    max_request_bytes: int = 256 * 1024
    max_sender_chars: int = MAX_SENDER_CHARS

    @classmethod
    def from_settings(cls, settings: Settings) -> InputLimits:
        return cls(settings.max_message_chars, settings.max_request_bytes)


@dataclass(frozen=True)
class ChatInput:
    """A message that passed the gate: printable sender, cleaned text."""

    sender: str
    message: str


def read_chat_body(raw: bytes, limits: InputLimits) -> ChatInput:
    """Parse and check a REST body: a JSON object with ``sender`` and ``message``."""
    if len(raw) > limits.max_request_bytes:
        raise Refused(f"The request is larger than {limits.max_request_bytes:,} bytes.", 413)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refused("The body must be a JSON object.") from None
    return check_chat_fields(body, limits)


def check_chat_fields(body: Any, limits: InputLimits) -> ChatInput:
    if not isinstance(body, Mapping):
        raise Refused("The body must be a JSON object.")
    return ChatInput(
        sender=check_sender(body.get("sender"), limits),
        message=clean_message(body.get("message"), limits),
    )


def check_sender(sender: Any, limits: InputLimits, name: str = "sender") -> str:
    """A conversation id: a non-empty printable string, short enough to store."""
    if not isinstance(sender, str) or not sender.strip():
        raise Refused(f"'{name}' must be a non-empty string.")
    if len(sender) > limits.max_sender_chars:
        raise Refused(f"'{name}' can be at most {limits.max_sender_chars} characters.")
    if not sender.isprintable():
        raise Refused(f"'{name}' must not contain control characters.")
    return sender


def clean_message(message: Any, limits: InputLimits) -> str:
    """The visitor's text without control characters; refused if missing, empty or too long."""
    if not isinstance(message, str):
        raise Refused("'message' must be a string.")
    if len(message) > limits.max_message_chars:
        raise Refused(
            f"Messages can be at most {limits.max_message_chars:,} characters; "
            "please send a shorter one.",
            413,
        )
    message = _INTENT_EXTRAS.sub(r"\1", _CONTROL.sub("", message))
    if not message.strip():
        raise Refused("'message' is empty.")
    return message


def preview(value: Any) -> str:
    """A short, single-line rendering of hostile input for the log."""
    text = value if isinstance(value, str) else repr(value)
    text = _CONTROL.sub("?", text.replace("\n", " "))
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + f"... ({len(text)} chars)"
