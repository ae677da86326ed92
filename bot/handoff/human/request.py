"""What the "talk to a person" step hands over, what it gets back, and the checks.

Plain dataclasses so the action server and tests build them without a
database. :func:`clean_submission` is the one place where input is checked;
values are otherwise kept verbatim (visitor text is data, never markup).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Mapping, Sequence

MAX_TEXT = 1_000
MAX_REASON = 20_000
MAX_CONVERSATION_ID = 255
MAX_REFERENCE = 32


class HandoffError(Exception):
    """Base class for the errors of :mod:`bot.handoff.human`."""


class InvalidHandoffRequest(HandoffError, ValueError):
    """A request the database would refuse, or a change that makes no sense."""


class HandoffNotFound(HandoffError, LookupError):
    """No hand-off request has the given reference."""


@dataclass(frozen=True)
class HandoffSubmission:
    """One visitor's ask for a person, keyed by the Rasa conversation (sender) id.

    ``name`` and ``email`` are required because sales answers by e-mail; the
    form reuses them from the lead form when the visitor already gave them.
    ``transcript`` is a list of ``{sender, text, timestamp}``.
    """

    conversation_id: str
    name: str
    email: str
    reason: str | None = None
    phone: str | None = None
    lead_reference: str | None = None
    transcript: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True)
class HandoffReceipt:
    """The reference to show the visitor, the honest reply-time sentence, and
    whether this ask opened a new request (False: the open one was updated)."""

    reference: str
    expected_reply: str
    created: bool


def clean_submission(submission: HandoffSubmission) -> HandoffSubmission:
    """Check a submission and drop NUL characters, which PostgreSQL cannot store in text."""
    cid = submission.conversation_id
    if not isinstance(cid, str) or not cid.strip() or len(cid) > MAX_CONVERSATION_ID:
        raise InvalidHandoffRequest("conversation_id must be 1-255 characters")
    if "\x00" in cid:
        raise InvalidHandoffRequest("conversation_id must not contain NUL characters")
    name = _required("name", submission.name)
    email = _required("email", submission.email)
    if "@" not in email or any(c.isspace() for c in email):
        raise InvalidHandoffRequest(f"email does not look like an e-mail address: {email!r}")
    return dataclasses.replace(
        submission,
        name=name,
        email=email,
        reason=_text("reason", submission.reason, MAX_REASON),
        phone=_text("phone", submission.phone, MAX_TEXT) or None,
        lead_reference=_text("lead_reference", submission.lead_reference, MAX_REFERENCE) or None,
        transcript=tuple(_message(m) for m in submission.transcript),
    )


def _required(name: str, value: Any) -> str:
    text = (_text(name, value, MAX_TEXT) or "").strip()
    if not text:
        raise InvalidHandoffRequest(f"{name} is required: sales replies by e-mail")
    return text


def _text(name: str, value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidHandoffRequest(f"{name} must be text")
    if len(value) > limit:
        raise InvalidHandoffRequest(f"{name} is longer than {limit} characters")
    return value.replace("\x00", "").strip()


def _message(message: Mapping[str, Any]) -> Dict[str, Any]:
    """Keep a transcript line JSON-safe: sender and text as text, timestamp as given."""
    if not isinstance(message, Mapping):
        raise InvalidHandoffRequest(f"a transcript line must be a mapping, got {message!r}")
    timestamp = message.get("timestamp")
    if isinstance(timestamp, datetime):
        timestamp = timestamp.isoformat()
    return {
        "sender": _text("transcript sender", _as_text(message.get("sender")), MAX_TEXT),
        "text": _text("transcript text", _as_text(message.get("text")), MAX_REASON),
        "timestamp": timestamp,
    }


def _as_text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)
