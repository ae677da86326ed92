"""A visitor walking through the enquiry form over the REST channel, for the e2e and browser tests.

``ASK`` holds a phrase of each of the form's questions, to know where the form is.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List

from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import services
from bot.leads.intake import fields as f
from tests.support.servers import reply_texts

REFERENCE = re.compile(r"FM-\d{4}-\d{6}")
ASK = {
    f.BUYER_TYPE: "who are the products for",
    f.ITEMS: "which products would you like",
    f.ORGANISATION: "name of your organisation",
    f.NAME: "what name should",
    f.EMAIL: "which email address",
    f.PHONE: "a phone number",
    f.COUNTRY: "which country",
    f.TIMELINE: "when would you need",
    f.BUDGET: "budget in mind",
    f.NOTES: "anything else our sales team",
    f.CONSENT: f.CONSENT_TEXT.lower(),
    f.CONFIRMED: "here is your enquiry",
}


class Visitor:
    """One conversation; :meth:`say` checks the bot's reply contains ``expect``."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self.sender = f"lead-{uuid.uuid4()}"
        self.messages: List[dict] = []

    def say(self, text: str, expect: str | None = None) -> str:
        self.messages = self.stack.chat(self.sender, text)
        reply = reply_texts(self.messages)
        if expect is not None:
            assert expect.lower() in reply.lower(), f"{text!r} got {reply!r}"
        return reply

    def leads(self) -> List[Dict[str, Any]]:
        make_uow = unit_of_work_factory(self.stack.settings.database_url)
        mine = [r for r in services.list_leads(make_uow()) if r["conversation_id"] == self.sender]
        return [services.get_lead(make_uow(), r["reference"]) for r in mine]

    def lead(self) -> Dict[str, Any]:
        (lead,) = self.leads()
        return lead

    def consent(self, notes: str = "skip") -> None:
        """From the notes question to the summary: notes answered, contact allowed."""
        self.say(notes, expect=ASK[f.CONSENT])
        self.say("Yes, you may contact me", expect=ASK[f.CONFIRMED])

    def finish(self, notes: str = "skip") -> str:
        """From the notes question to the submitted enquiry; returns the reference."""
        self.consent(notes)
        reply = self.say("Submit", expect="reference")
        return REFERENCE.search(reply).group(0)


def answer_up_to_the_notes(visitor: Visitor) -> None:
    """Opening message with products, quantity and buyer type; every answer up to the notes."""
    reply = visitor.say(
        "we'd like to order 30 whole leg massagers for our clinic", expect=ASK[f.ORGANISATION]
    )
    assert ASK[f.BUYER_TYPE] not in reply.lower() and ASK[f.ITEMS] not in reply.lower()
    visitor.say("Sunrise Spa & Wellness", expect=ASK[f.NAME])
    visitor.say("Jo Bloggs", expect=ASK[f.EMAIL])
    visitor.say("jo@example.com", expect=ASK[f.PHONE])
    visitor.say("+44 20 7946 0000", expect=ASK[f.COUNTRY])
    visitor.say("Germany", expect=ASK[f.TIMELINE])
    visitor.say("Within a month", expect=ASK[f.BUDGET])
    visitor.say("about 5000 EUR", expect=ASK[f.NOTES])


def up_to_the_summary(visitor: Visitor) -> None:
    """Every answer given and consent granted: the next message submits."""
    answer_up_to_the_notes(visitor)
    visitor.consent("please deliver to the back entrance")


def full_enquiry(visitor: Visitor) -> str:
    """A whole enquiry, submitted; returns its reference."""
    answer_up_to_the_notes(visitor)
    return visitor.finish("please deliver to the back entrance")
