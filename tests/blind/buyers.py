"""A scripted buyer from ``buyers.yml`` walking through the enquiry; is its lead stored right?

The buyer answers whatever the form asks (the tracker's ``requested_slot``)
with their own words for that question (and accepts once if the bot offers
to start an enquiry instead of starting it), says their twist when the form
reaches the question it is tied to (at the summary if that question is never
asked), and confirms the summary. The enquiry is
complete when a lead with the expected buyer type, products and quantities,
email and country is stored for the conversation.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from bot.leads.intake import fields as f
from tests.blind.conversation import Conversation

MAX_TURNS = 30
MAX_ASKS = 3  # the same question asked more often than this is a loop
CONFIRM = "Yes, that's all correct, please send it."
ACCEPT_OFFER = "Yes please."
OFFER = re.compile(r"start an enquiry|start one for you|would you like a quote", re.I)
FORM = "lead_form"
SLOT_OF_ANSWER = {
    "buyer_type": f.BUYER_TYPE,
    "items": f.ITEMS,
    "organisation": f.ORGANISATION,
    "name": f.NAME,
    "email": f.EMAIL,
    "phone": f.PHONE,
    "country": f.COUNTRY,
    "timeline": f.TIMELINE,
    "budget": f.BUDGET,
    "notes": f.NOTES,
    "consent": f.CONSENT,
}
BUYER_TYPES = {
    "personal": "personal",
    "healthcare_facility": "healthcare",
    "spa_or_clinic": "spa_wellness",
    "reseller": "reseller",
}
COUNTRY_ALIASES = [
    {"united states", "usa", "us", "u.s.", "u.s.a.", "america", "united states of america"},
    {"united kingdom", "uk", "u.k.", "great britain", "britain", "england"},
    {"netherlands", "the netherlands", "holland"},
    {"united arab emirates", "uae"},
]


@dataclass
class Outcome:
    buyer: str
    completed: bool
    reason: str = ""
    exchanges: List[tuple] = field(default_factory=list)


def same_country(expected: str, stored: Optional[str]) -> bool:
    wanted, got = expected.strip().lower(), (stored or "").strip().lower().rstrip(".")
    if wanted == got or wanted in got:
        return True
    return any(wanted in group and got in group for group in COUNTRY_ALIASES)


def lead_mismatches(expect: Dict[str, Any], lead: Dict[str, Any]) -> List[str]:
    """What the stored ``lead`` got wrong against the buyer's ``expect``; empty if nothing."""
    wrong = []
    if lead["buyer_type"] != BUYER_TYPES[expect["buyer_type"]]:
        wrong.append(f"buyer type {lead['buyer_type']!r}")
    items = {item["product"]: item["quantity"] for item in lead["items"]}
    if items != expect["items"]:
        wrong.append(f"items {items}")
    if (lead["email"] or "").lower() != expect["email"].lower():
        wrong.append(f"email {lead['email']!r}")
    if not same_country(expect["country"], lead["country"]):
        wrong.append(f"country {lead['country']!r}")
    return wrong


def play(buyer: dict, conversation: Conversation, stored_leads: Callable[[str], list]) -> Outcome:
    """Run one buyer to the end of the enquiry; judge the lead stored for it."""
    outcome = Outcome(buyer["id"], completed=False)
    for question in buyer.get("before", []):
        conversation.say(question)
    conversation.say(buyer["opening"])
    twist = buyer.get("twist")
    asked: Counter = Counter()
    accepted_offer = False
    for _ in range(MAX_TURNS):
        slot = conversation.requested_slot if conversation.active_loop == FORM else None
        if slot is None and not accepted_offer and OFFER.search(conversation.exchanges[-1][1]):
            conversation.say(ACCEPT_OFFER)
            accepted_offer = True
            continue
        if slot is None:
            break
        asked[slot] += 1
        if asked[slot] > MAX_ASKS:
            outcome.reason = f"asked {slot} {asked[slot]} times"
            break
        answer_name = next((name for name, s in SLOT_OF_ANSWER.items() if s == slot), None)
        if twist and (twist["at"] == answer_name or slot == f.CONFIRMED):
            conversation.say(twist["say"])
            twist = None
        elif slot == f.CONFIRMED:
            conversation.say(CONFIRM)
        elif answer_name is None:
            outcome.reason = f"asked {slot!r}, which a buyer has no answer for"
            break
        else:
            conversation.say(buyer["answers"][answer_name])
    outcome.exchanges = conversation.exchanges
    leads = stored_leads(conversation.sender)
    if len(leads) != 1:
        outcome.reason = outcome.reason or (
            f"{len(leads)} leads stored; form {'active' if conversation.active_loop else 'ended'}"
        )
        return outcome
    wrong = lead_mismatches(buyer["expect"], leads[0])
    outcome.completed = not wrong
    outcome.reason = "; ".join(wrong)
    return outcome
