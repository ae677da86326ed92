"""Submitting the finished enquiry form to the leads database."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.lead_interruptions import forget_enquiry
from bot.config import load_settings
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import intake
from bot.leads.durable import SAVED, SubmitOutcome, submit_lead_durably
from bot.leads.errors import LeadError
from bot.leads.intake import fields as f
from bot.leads.redis_spool import RedisSpool, shared_spool
from bot.leads.spool import spool_dir
from bot.leads.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)
Events = List[Dict[str, Any]]
UTTER_LEAD_NO_CONSENT = "utter_lead_no_consent"
UTTER_LEAD_FAILED = "utter_lead_failed"


def default_unit_of_work() -> AbstractUnitOfWork:
    return unit_of_work_factory(load_settings().database_url)()


def default_spool() -> Path:
    return spool_dir(load_settings().var_dir)


def default_shared_spool() -> RedisSpool | None:
    """Redis when ``REDIS_URL`` is set, so an enquiry spooled on one host is replayed by any."""
    return shared_spool(load_settings().redis_url)


def outcome_text(outcome: SubmitOutcome) -> str:
    if outcome.status != SAVED:
        return (
            "Thank you! Your enquiry is saved and will reach our sales team shortly. Our "
            "system is a little slow right now, so I can't show you a reference number yet. "
            "The team will get back to you by email."
        )
    if not outcome.created:
        return f"Thanks, I've updated your enquiry {outcome.reference} for our sales team."
    return (
        f"Thank you! Your enquiry has been sent to our sales team. Your reference is "
        f"{outcome.reference}. The team will review it and get back to you by email with a quote."
    )


class ActionSubmitLead(Action):
    """After the form: saves the lead (or nothing, without consent) and gives the reference."""

    def __init__(
        self,
        uow_factory: Callable[[], AbstractUnitOfWork] = default_unit_of_work,
        spool_directory: Callable[[], Path] = default_spool,
        shared_spool: Callable[[], RedisSpool | None] = default_shared_spool,
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
        dispatcher.utter_message(text=outcome_text(outcome))
        # Answers stay, so a later correction resubmits (and updates) the same lead.
        return [SlotSet(f.CONFIRMED, None), SlotSet(f.REFERENCE, outcome.reference)]
