"""What the lead form hands over, and what saving it gives back.

Plain dataclasses so the action server, the spool and the tests can build
them without a database. :func:`clean_submission` is the single place where
input is checked; values are otherwise kept verbatim (HTML, SQL and template
strings are data, never markup or code). What a visitor typed is never refused
for its size: it is shortened for storage (see :mod:`bot.visitor_input`). Only
what our own form got wrong is refused: an unknown buyer type, a bad item.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Sequence, Tuple

from bot.leads.errors import InvalidSubmission
from bot.leads.models import BUYER_TYPES
from bot.visitor_input import TextChecks

TEXT_FIELDS = ("organisation", "name", "email", "phone", "country", "timeline", "budget")
MAX_TEXT = 1_000
MAX_NOTES = 20_000
MAX_MESSAGE = 20_000
MAX_CONSENT = 5_000
MAX_PRODUCT = 100
# Per product and enquiry, for the form and for what is stored alike. Well above a
# real order of rollers or massagers for a clinic, spa or distributor: more is a
# slip ("1000000" for "1000") or a volume deal, which the form leaves to sales.
MAX_QUANTITY = 100_000

_CHECKS = TextChecks(InvalidSubmission, shorten=True)


@dataclass(frozen=True)
class LeadSubmission:
    """One visitor's enquiry, keyed by the Rasa conversation (sender) id."""

    conversation_id: str
    buyer_type: str
    items: Sequence[Tuple[str, int]] = ()
    organisation: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    country: str | None = None
    timeline: str | None = None
    budget: str | None = None
    notes: str | None = None
    consent_text: str | None = None
    consent_given_at: datetime | None = None
    transcript: Sequence[Mapping[str, Any]] = ()
    consent_granted: bool = True


@dataclass(frozen=True)
class LeadReceipt:
    """The lead's reference to show the visitor; ``created`` is False on a resubmission."""

    reference: str
    created: bool


def clean_submission(submission: LeadSubmission) -> LeadSubmission:
    """The submission as it can be stored: checked, unstorable characters dropped,
    over-long values shortened. Cleaning a cleaned submission changes nothing."""
    _check_buyer_type(submission)
    changes: Dict[str, Any] = {
        name: _CHECKS.text(name, getattr(submission, name), MAX_TEXT) for name in TEXT_FIELDS
    }
    changes["conversation_id"] = _CHECKS.conversation_id(submission.conversation_id)
    changes["notes"] = _CHECKS.text("notes", submission.notes, MAX_NOTES)
    changes["consent_text"] = _CHECKS.text("consent_text", submission.consent_text, MAX_CONSENT)
    changes["items"] = tuple(_item(item) for item in submission.items)
    changes["transcript"] = tuple(_CHECKS.transcript(submission.transcript, MAX_MESSAGE))
    changes["consent_given_at"] = _consent_time(submission)
    return dataclasses.replace(submission, **changes)


def _check_buyer_type(submission: LeadSubmission) -> None:
    if submission.buyer_type not in BUYER_TYPES:
        raise InvalidSubmission(f"buyer_type must be one of {', '.join(BUYER_TYPES)}")


def _item(item: Sequence[Any]) -> Tuple[str, int]:
    try:
        product, quantity = item
    except (TypeError, ValueError):
        raise InvalidSubmission(f"an item must be (product, quantity), got {item!r}") from None
    product = _CHECKS.text("product", product, MAX_PRODUCT)
    if not product or not product.strip():
        raise InvalidSubmission("an item needs a product")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidSubmission(f"quantity of {product} must be a whole number")
    if not 0 < quantity <= MAX_QUANTITY:
        raise InvalidSubmission(f"quantity of {product} must be between 1 and {MAX_QUANTITY}")
    return product, quantity


def _consent_time(submission: LeadSubmission) -> datetime | None:
    given_at = submission.consent_given_at
    if given_at is None:
        return datetime.now(timezone.utc) if submission.consent_text else None
    if given_at.tzinfo is None:
        raise InvalidSubmission("consent_given_at must be timezone-aware")
    return given_at.astimezone(timezone.utc)


def submission_to_dict(submission: LeadSubmission) -> Dict[str, Any]:
    """A JSON-safe dict, used by the spool to survive a database outage."""
    data = dataclasses.asdict(submission)
    data["items"] = [list(item) for item in submission.items]
    data["transcript"] = [dict(m) for m in submission.transcript]
    if submission.consent_given_at is not None:
        data["consent_given_at"] = submission.consent_given_at.isoformat()
    return data


def submission_from_dict(data: Mapping[str, Any]) -> LeadSubmission:
    """The inverse of :func:`submission_to_dict`; unknown keys are ignored."""
    known = {f.name for f in dataclasses.fields(LeadSubmission)}
    values = {key: value for key, value in data.items() if key in known}
    values["items"] = tuple(tuple(item) for item in values.get("items", ()))
    values["transcript"] = tuple(values.get("transcript", ()))
    if values.get("consent_given_at"):
        values["consent_given_at"] = datetime.fromisoformat(values["consent_given_at"])
    return LeadSubmission(**values)
