"""From the form's slots to what the sales team gets: the summary and the submission."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping

from bot.knowledge import Knowledge
from bot.leads.intake import fields as f
from bot.leads.intake.items import describe_items
from bot.leads.submission import LeadSubmission

_SUMMARY_ROWS = (
    (f.ORGANISATION, "Organisation"),
    (f.NAME, "Name"),
    (f.EMAIL, "Email"),
    (f.PHONE, "Phone"),
    (f.COUNTRY, "Delivery country"),
    (f.TIMELINE, "Timeline"),
    (f.BUDGET, "Budget"),
    (f.NOTES, "Notes"),
)
SUMMARY_PREVIEW = 300


def _value(slots: Mapping[str, Any], slot: str) -> str | None:
    value = slots.get(slot)
    return None if value in (None, f.SKIPPED) else str(value)


def summary(kb: Knowledge, slots: Mapping[str, Any]) -> str:
    """The enquiry as the visitor will confirm it; long answers are shortened for display only."""
    buyer = f.BUYER_TYPE_LABELS.get(slots.get(f.BUYER_TYPE) or "", "-")
    lines = [
        "Here is your enquiry:",
        f"- For: {buyer}",
        f"- Products: {describe_items(kb, slots.get(f.ITEMS) or [])}",
    ]
    for slot, label in _SUMMARY_ROWS:
        if slot == f.ORGANISATION and slots.get(f.BUYER_TYPE) == f.PERSONAL:
            continue
        value = _value(slots, slot) or "-"
        if len(value) > SUMMARY_PREVIEW:
            value = value[:SUMMARY_PREVIEW] + f"… ({len(value):,} characters)"
        lines.append(f"- {label}: {value}")
    lines.append("Shall I send it to our sales team?")
    return "\n".join(lines)


def transcript(events: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Visitor and bot messages of a Rasa event list, with ISO timestamps."""
    lines = []
    for event in events:
        if event.get("event") not in ("user", "bot") or not event.get("text"):
            continue
        stamp = event.get("timestamp")
        when = datetime.fromtimestamp(stamp, timezone.utc).isoformat() if stamp else None
        sender = "visitor" if event["event"] == "user" else "bot"
        lines.append({"sender": sender, "text": event["text"], "timestamp": when})
    return lines


def build_submission(
    conversation_id: str, slots: Mapping[str, Any], messages: Iterable[Mapping[str, Any]]
) -> LeadSubmission:
    """The :class:`LeadSubmission` of a finished form (consent granted)."""
    personal = slots.get(f.BUYER_TYPE) == f.PERSONAL
    given_at = slots.get(f.CONSENT_AT)
    return LeadSubmission(
        conversation_id=conversation_id,
        buyer_type=slots.get(f.BUYER_TYPE) or "other",
        items=tuple((product, int(qty)) for product, qty in slots.get(f.ITEMS) or []),
        organisation=None if personal else _value(slots, f.ORGANISATION),
        name=_value(slots, f.NAME),
        email=_value(slots, f.EMAIL),
        phone=_value(slots, f.PHONE),
        country=_value(slots, f.COUNTRY),
        timeline=_value(slots, f.TIMELINE),
        budget=_value(slots, f.BUDGET),
        notes=_value(slots, f.NOTES),
        consent_text=f.CONSENT_TEXT,
        consent_given_at=datetime.fromisoformat(given_at) if given_at else None,
        transcript=tuple(transcript(messages)),
        consent_granted=slots.get(f.CONSENT) is True,
    )
