""" "Talk to a person" through the REST channel: stored, queued for sales, honest about timing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.db import get_session_factory
from bot.handoff.models import HandoffRequest, Notification
from bot.leads.intake import fields as f
from tests.enquiry import ASK, Visitor

pytestmark = pytest.mark.e2e

HANDOFF_REFERENCE = re.compile(r"HO-\d{4}-\d{6}")
REPLY_TIMING = ("will reply", "expect a reply", "offline", "later today", "away today")


def stored_request(stack, sender):
    with get_session_factory(stack.settings.database_url)() as session:
        request = session.execute(
            select(HandoffRequest).where(HandoffRequest.conversation_id == sender)
        ).scalar_one()
        notification = session.execute(
            select(Notification).where(Notification.lead_reference == request.reference)
        ).scalar_one()
        return request, notification


def test_asking_for_a_person_collects_name_and_email_then_hands_over(rasa_server):
    visitor = Visitor(rasa_server)
    visitor.say("hi")
    visitor.say("can I talk to a real person please?", expect="name")
    visitor.say("Maria Rossi", expect="email")
    reply = visitor.say("maria.rossi@example.org")
    assert HANDOFF_REFERENCE.search(reply), reply
    assert any(phrase in reply.lower() for phrase in REPLY_TIMING), reply

    request, notification = stored_request(rasa_server, visitor.sender)
    assert (request.name, request.email, request.status) == (
        "Maria Rossi",
        "maria.rossi@example.org",
        "open",
    )
    assert any("real person" in line["text"] for line in request.transcript)
    assert (notification.kind, notification.status) == ("handoff", "pending")


def test_asking_for_a_person_mid_form_reuses_the_details_already_given(rasa_server):
    visitor = Visitor(rasa_server)
    visitor.say("I'd like a quote for 10 foot rollers for personal use", expect=ASK[f.NAME])
    visitor.say("Li Wei", expect=ASK[f.EMAIL])
    visitor.say("li.wei@example.com", expect=ASK[f.PHONE])
    reply = visitor.say("actually, connect me to sales")
    assert HANDOFF_REFERENCE.search(reply), reply
    assert "what name" not in reply.lower() and "which email" not in reply.lower()

    request, _ = stored_request(rasa_server, visitor.sender)
    assert (request.name, request.email) == ("Li Wei", "li.wei@example.com")
    assert visitor.leads() == [], "the unfinished enquiry is not stored as a lead"
