"""Submitting the finished enquiry form to the leads database."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wiring
from actions.lead_interruptions import forget_enquiry
from bot.leads import intake
from bot.leads.durable import submit_lead_durably
from bot.leads.errors import LeadError
from bot.leads.intake import fields as f
from bot.leads.intake import questions
from bot.leads.redis_spool import RedisSpool
from bot.leads.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)
Events = List[Dict[str, Any]]
UTTER_LEAD_NO_CONSENT = "utter_lead_no_consent"
UTTER_LEAD_FAILED = "utter_lead_failed"


class ActionSubmitLead(Action):
    """After the form: saves the lead (or nothing, without consent) and gives the reference."""

    def __init__(
        self,
        uow_factory: Callable[[], AbstractUnitOfWork] = wiring.unit_of_work,
        spool_directory: Callable[[], Path] = wiring.spool_directory,
        shared_spool: Callable[[], RedisSpool | None] = wiring.shared_lead_spool,
    ) -> None:
        self.uow_factory = uow_factory
        self.spool_directory = spool_directory
        self.shared_spool = shared_spool

    def name(self) -> str:
        return "action_submit_lead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        if tracker.get_slot(f.CONSENT) is not True:
            dispatcher.utter_message(response=UTTER_LEAD_NO_CONSENT)
            return forget_enquiry()
        if tracker.get_slot(f.CONFIRMED) is not True:
            return []
        submission = intake.build_submission(tracker.sender_id, tracker.slots, tracker.events)
        try:
            outcome = submit_lead_durably(
                self.uow_factory(), submission, self.spool_directory(), self.shared_spool()
            )
        except LeadError:
            log.exception("could not submit the lead of %s", tracker.sender_id)
            dispatcher.utter_message(response=UTTER_LEAD_FAILED)
            return [SlotSet(f.CONFIRMED, None)]
        dispatcher.utter_message(text=questions.submitted_text(outcome))
        # Answers stay, so a later correction resubmits (and updates) the same lead.
        return [SlotSet(f.CONFIRMED, None), SlotSet(f.REFERENCE, outcome.reference)]
