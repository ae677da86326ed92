"""Checks shared by everything that stores what a visitor typed: leads and hand-off requests.

A :class:`TextChecks` raises its owner's error class, so a lead fails with
``InvalidSubmission`` and a hand-off request with ``InvalidHandoffRequest``, in
the same words. Values are otherwise kept verbatim (visitor text is data, never
markup or code); only what no database can store goes: NUL characters, which
PostgreSQL cannot keep in text, and lone surrogates, which are not UTF-8.

With ``shorten=True`` size is never a reason to refuse: over-long text is cut
with a visible marker, a long transcript keeps its beginning and its end, and
a long conversation id is stored as a stable shortened key
(:func:`storage_conversation_id`). A finished enquiry must not be lost because
a visitor pasted a novel into the chat.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Type

MAX_CONVERSATION_ID = 255  # leads.conversation_id is String(255)
MAX_SENDER = 1_000
MAX_TIMESTAMP = 64
TRANSCRIPT_HEAD = 20  # messages kept from the start of a long conversation...
TRANSCRIPT_TAIL = 180  # ...and from its end, where the enquiry was made
MAX_TRANSCRIPT_CHARS = 200_000  # text of all kept messages together
_KEY_SEPARATOR = "~"
_UNSTORABLE = re.compile("\x00|[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` without NUL characters, lone surrogates replaced by U+FFFD."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, saying that it was cut and from how long."""
    if len(text) <= limit:
        return text
    marker = f"… [shortened from {len(text):,} characters]"
    if limit <= len(marker):
        return text[:limit]
    return text[: limit - len(marker)] + marker


def storage_conversation_id(raw: str) -> str:
    """The key a conversation is stored under: ``raw`` itself whenever it can be stored.

    An id too long for the column, or holding characters no database stores,
    becomes a readable prefix plus the SHA-256 of the whole id: the same id
    always gives the same key, so a resubmission still updates its lead, and
    two different ids never share one.
    """
    if len(raw) <= MAX_CONVERSATION_ID and storable(raw) == raw:
        return raw
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
    suffix = _KEY_SEPARATOR + digest
    return storable(raw)[: MAX_CONVERSATION_ID - len(suffix)] + suffix


@dataclass(frozen=True)
class TextChecks:
    """The checks, raising ``error``; ``strip`` also trims the whitespace around text,
    ``shorten`` cuts over-long values instead of refusing them."""

    error: Type[Exception]
    strip: bool = False
    shorten: bool = False

    def conversation_id(self, value: Any) -> str:
        """The conversation id to store; an empty or non-text id is a caller's bug."""
        if not isinstance(value, str) or not value.strip():
            raise self.error("conversation_id must be non-empty text")
        if self.shorten:
            return storage_conversation_id(value)
        if len(value) > MAX_CONVERSATION_ID:
            raise self.error(f"conversation_id must be 1-{MAX_CONVERSATION_ID} characters")
        if "\x00" in value:
            raise self.error("conversation_id must not contain NUL characters")
        return value

    def text(self, name: str, value: Any, limit: int) -> str | None:
        """``value`` made storable (see :func:`storable`); ``None`` stays ``None``."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(f"{name} must be text")
        value = storable(value)
        if self.strip:
            value = value.strip()
        if len(value) <= limit:
            return value
        if self.shorten:
            return shorten(value, limit)
        raise self.error(f"{name} is longer than {limit} characters")

    def message(self, message: Any, text_limit: int) -> Dict[str, Any]:
        """Keep a transcript line JSON-safe: sender and text as text, timestamp as given."""
        if not isinstance(message, Mapping):
            raise self.error(f"a transcript line must be a mapping, got {message!r}")
        return {
            "sender": self.text("transcript sender", _as_text(message.get("sender")), MAX_SENDER),
            "text": self.text("transcript text", _as_text(message.get("text")), text_limit),
            "timestamp": self._timestamp(message.get("timestamp")),
        }

    def _timestamp(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if not self.shorten or value is None or _finite_number(value):
            return value
        return self.text("transcript timestamp", _as_text(value), MAX_TIMESTAMP)

    def transcript(self, messages: Iterable[Any], text_limit: int) -> List[Dict[str, Any]]:
        """Every line checked; with ``shorten``, a long conversation is cut to fit, visibly."""
        lines = [self.message(m, text_limit) for m in messages]
        return _fit_transcript(lines) if self.shorten else lines


def _fit_transcript(lines: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The first and last messages with a note of how many are left out between them,
    each text cut evenly until all of them fit :data:`MAX_TRANSCRIPT_CHARS`."""
    if len(lines) > TRANSCRIPT_HEAD + TRANSCRIPT_TAIL + 1:
        left_out = len(lines) - TRANSCRIPT_HEAD - TRANSCRIPT_TAIL
        note = {"sender": "system", "text": f"… [{left_out:,} messages left out]",
                "timestamp": None}  # fmt: skip
        lines = lines[:TRANSCRIPT_HEAD] + [note] + lines[-TRANSCRIPT_TAIL:]
    cap = _fair_share([len(line["text"] or "") for line in lines], MAX_TRANSCRIPT_CHARS)
    if cap is None:
        return lines
    return [dict(line, text=line["text"] and shorten(line["text"], cap)) for line in lines]


def _fair_share(lengths: Sequence[int], budget: int) -> int | None:
    """The largest per-message length that keeps the total within ``budget``
    (short messages stay whole), or ``None`` when everything fits already."""
    remaining, count = budget, len(lengths)
    for done, length in enumerate(sorted(lengths)):
        share = remaining // (count - done)
        if length > share:
            return share
        remaining -= length
    return None


def _finite_number(value: Any) -> bool:
    """JSON columns on PostgreSQL refuse NaN and Infinity."""
    return isinstance(value, (int, float)) and math.isfinite(value)


def _as_text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)
