"""The hand-off message: one lead, as every channel sends it.

Built from :func:`bot.leads.services.get_lead` (not from the outbox payload)
so the sales team gets the lead as it is now, with items and transcript, plus
what the rules say about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping

from bot.leads.rules import Assessment, Rules, assess
from bot.leads.services import LEAD_SUBMITTED


@dataclass(frozen=True)
class Handoff:
    key: str  # the idempotency key receivers deduplicate on
    event: str
    lead: Mapping[str, Any]
    assessment: Assessment

    @property
    def reference(self) -> str:
        return self.lead["reference"]

    @property
    def total_quantity(self) -> int:
        return sum(item["quantity"] for item in self.lead.get("items") or ())

    def as_json(self) -> Dict[str, Any]:
        return {
            "idempotency_key": self.key,
            "event": self.event,
            "reference": self.reference,
            "score": self.assessment.score,
            "score_breakdown": dict(self.assessment.breakdown),
            "priority": self.assessment.priority,
            "routing": self.assessment.route.as_dict(),
            "lead": dict(self.lead),
        }


def idempotency_key(reference: str, kind: str, payload: Mapping[str, Any]) -> str:
    """The lead reference for a new lead; updates also carry their version.

    A receiver deduplicating on the key must drop a redelivery of the same
    news but still accept the news that the visitor changed their enquiry.
    """
    if kind == LEAD_SUBMITTED:
        return reference
    return f"{reference}:{kind}:{payload.get('updated_at') or ''}"


def build_handoff(rules: Rules, kind: str, key: str, lead: Mapping[str, Any]) -> Handoff:
    return Handoff(key=key, event=kind, lead=lead, assessment=assess(rules, lead))
