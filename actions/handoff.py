"""Talking to a person: collect name and email if needed, then hand over to sales."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wiring
from actions.lead_form import ValidateLeadForm
from bot.handoff.hours import BusinessHours, HoursError
from bot.handoff.human import HandoffError, HandoffSubmission, request_handoff
from bot.handoff.human.replies import handoff_reason, receipt_text
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.leads import intake
from bot.leads.errors import LeadError
from bot.leads.intake import fields as f

log = logging.getLogger(__name__)
Events = List[Dict[str, Any]]
HANDOFF_REFERENCE = "handoff_reference"
UTTER_HANDOFF_FAILED = "utter_handoff_failed"


class ValidateHandoffForm(ValidateLeadForm):
    """Checks the name and email of ``handoff_form`` exactly as the enquiry form does."""

    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[str]:
        return [f.NAME, f.EMAIL]


class ActionSubmitHandoff(Action):
    """Stores the request with the transcript, notifies sales, says when to expect a reply."""

    def __init__(
        self,
        uow_factory: Callable[[], AbstractUnitOfWork] = wiring.unit_of_work,
        hours: Callable[[], BusinessHours] = wiring.business_hours,
    ) -> None:
        self.uow_factory = uow_factory
        self.hours = hours

    def name(self) -> str:
        return "action_submit_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        request = HandoffSubmission(
            conversation_id=tracker.sender_id,
            name=tracker.get_slot(f.NAME),
            email=tracker.get_slot(f.EMAIL),
            phone=None if tracker.get_slot(f.PHONE) == f.SKIPPED else tracker.get_slot(f.PHONE),
            lead_reference=tracker.get_slot(f.REFERENCE),
            reason=handoff_reason(tracker.events),
            transcript=intake.transcript(tracker.events),
        )
        try:
            now = datetime.now(timezone.utc)
            receipt = request_handoff(self.uow_factory(), request, self.hours(), now)
        except (HandoffError, HoursError, LeadError):
            log.exception("could not hand over conversation %s", tracker.sender_id)
            dispatcher.utter_message(response=UTTER_HANDOFF_FAILED)
            return []
        dispatcher.utter_message(text=receipt_text(request.name, receipt))
        return [SlotSet(HANDOFF_REFERENCE, receipt.reference)]
