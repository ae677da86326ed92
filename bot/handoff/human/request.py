"""What the "talk to a person" step hands over, what it gets back, and the checks.

Plain dataclasses so the action server and tests build them without a
database. :func:`clean_submission` is the one place where input is checked;
values are otherwise kept verbatim (visitor text is data, never markup).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from bot.visitor_input import TextChecks

MAX_TEXT = 1_000
MAX_REASON = 20_000
MAX_REFERENCE = 32


class HandoffError(Exception):
    """Base class for the errors of :mod:`bot.handoff.human`."""


class InvalidHandoffRequest(HandoffError, ValueError):
    """A request the database would refuse, or a change that makes no sense."""


class HandoffNotFound(HandoffError, LookupError):
    """No hand-off request has the given reference."""


_CHECKS = TextChecks(InvalidHandoffRequest, strip=True, shorten=True)


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
    """Check a submission and make it storable: NUL characters dropped, and long text, long
    conversations and long ids shortened, so a visitor is never refused for their size."""
    conversation_id = _CHECKS.conversation_id(submission.conversation_id)
    name = _required("name", submission.name)
    email = _required("email", submission.email)
    if "@" not in email or any(c.isspace() for c in email):
        raise InvalidHandoffRequest(f"email does not look like an e-mail address: {email!r}")
    lead = _CHECKS.text("lead_reference", submission.lead_reference, MAX_REFERENCE)
    return dataclasses.replace(
        submission,
        conversation_id=conversation_id,
        name=name,
        email=email,
        reason=_CHECKS.text("reason", submission.reason, MAX_REASON),
        phone=_CHECKS.text("phone", submission.phone, MAX_TEXT) or None,
        lead_reference=lead or None,
        transcript=tuple(_CHECKS.transcript(submission.transcript, MAX_REASON)),
    )


def _required(name: str, value: Any) -> str:
    text = (_CHECKS.text(name, value, MAX_TEXT) or "").strip()
    if not text:
        raise InvalidHandoffRequest(f"{name} is required: sales replies by e-mail")
    return text
