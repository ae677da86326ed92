"""One way to build a valid lead submission in tests; each test overrides what it is about."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.leads.intake.handover import transcript
from bot.leads.submission import LeadSubmission

CONSENT = "I agree that SoleCare Supply may contact me about this enquiry."
CONSENT_GIVEN_AT = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def chat(*turns: tuple) -> tuple:
    """A stored transcript from ``(kind, text)`` turns, through the product's own code."""
    return tuple(transcript(
        {"event": kind, "text": text, "timestamp": 1772366400.0 + 20 * i}
        for i, (kind, text) in enumerate(turns)
    ))  # fmt: skip


DEFAULT_TRANSCRIPT = chat(("user", "I need rollers"), ("bot", "How many?"))


def lead_submission(**overrides) -> LeadSubmission:
    """A spa's enquiry for rollers and calf massagers, every field filled in."""
    values = dict(
        conversation_id="conv-1",
        buyer_type="spa_wellness",
        items=(("foot_roller", 20), ("deep_calf_massager", 5)),
        organisation="Serenity Spa Ltd",
        name="Ana Costa",
        email="ana@serenity.example",
        phone="+44 20 7946 0000",
        country="GB",
        timeline="next quarter",
        budget="5000 EUR",
        notes="Please send a catalogue.",
        consent_text=CONSENT,
        consent_given_at=CONSENT_GIVEN_AT,
        transcript=DEFAULT_TRANSCRIPT,
    )
    values.update(overrides)
    return LeadSubmission(**values)
