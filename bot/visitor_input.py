"""Checks shared by everything that stores what a visitor typed: leads and hand-off requests.

A :class:`TextChecks` raises its owner's error class, so a lead fails with
``InvalidSubmission`` and a hand-off request with ``InvalidHandoffRequest``, in
the same words. Values are otherwise kept verbatim (visitor text is data, never
markup or code); only NUL characters go, which PostgreSQL cannot store in text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Mapping, Type

MAX_CONVERSATION_ID = 255
MAX_SENDER = 1_000


@dataclass(frozen=True)
class TextChecks:
    """The checks, raising ``error``; ``strip`` also trims the whitespace around text."""

    error: Type[Exception]
    strip: bool = False

    def conversation_id(self, value: Any) -> None:
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_CONVERSATION_ID:
            raise self.error("conversation_id must be 1-255 characters")
        if "\x00" in value:
            raise self.error("conversation_id must not contain NUL characters")

    def text(self, name: str, value: Any, limit: int) -> str | None:
        """``value`` without NUL characters; ``None`` stays ``None``."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(f"{name} must be text")
        if len(value) > limit:
            raise self.error(f"{name} is longer than {limit} characters")
        value = value.replace("\x00", "")
        return value.strip() if self.strip else value

    def message(self, message: Any, text_limit: int) -> Dict[str, Any]:
        """Keep a transcript line JSON-safe: sender and text as text, timestamp as given."""
        if not isinstance(message, Mapping):
            raise self.error(f"a transcript line must be a mapping, got {message!r}")
        timestamp = message.get("timestamp")
        if isinstance(timestamp, datetime):
            timestamp = timestamp.isoformat()
        return {
            "sender": self.text("transcript sender", _as_text(message.get("sender")), MAX_SENDER),
            "text": self.text("transcript text", _as_text(message.get("text")), text_limit),
            "timestamp": timestamp,
        }


def _as_text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)
