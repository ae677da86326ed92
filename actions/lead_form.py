"""The procurement enquiry form (``lead_form``): validating answers and asking questions.

Thin adapters: the decisions live in :mod:`bot.leads.intake`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import PRODUCT_SLOT
from actions.wiring import knowledge, utc_now
from bot.knowledge import Knowledge
from bot.leads import intake
from bot.leads.intake import fields as f
from bot.leads.intake import questions
from bot.leads.intake.interruptions import is_question_for_the_team, reads_as_answer

REQUESTED_SLOT = "requested_slot"
Events = List[Dict[str, Any]]
UTTER_LEAD_INTRO = "utter_lead_intro"


class _FormAction:
    """Built with the served knowledge base and a clock; tests hand in their own.

    Not an ``Action``, so the action server does not register it as one.
    """

    def __init__(
        self,
        knowledge_loader: Callable[[], Knowledge] = knowledge,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.knowledge_loader = knowledge_loader
        self.clock = clock


class ValidateLeadForm(_FormAction, FormValidationAction):
    """Checks every answer of ``lead_form``; applies corrections given at any question."""

    def name(self) -> str:
        return "validate_lead_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[str]:
        return intake.required_slots(tracker.slots)

    async def get_extraction_events(self, dispatcher, tracker, domain) -> Events:
        """An answer the classifier misread as a question is still the answer."""
        slot = tracker.get_slot(REQUESTED_SLOT)
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if slot and slot not in tracker.slots_to_validate() and reads_as_answer(text, intent, slot):
            if is_question_for_the_team(text, slot):
                dispatcher.utter_message(text=questions.NOTED_QUESTION)
            return [SlotSet(slot, text)]
        return []

    def _check(self, slot: str, value: Any, dispatcher, tracker: Tracker) -> Dict[str, Any]:
        from_visitor = tracker.get_slot(REQUESTED_SLOT) == slot
        step = intake.handle_answer(
            slot, value, tracker.slots, self.knowledge_loader(), from_visitor, self.clock()
        )
        for message in step.messages:
            dispatcher.utter_message(text=message)
        return step.updates

    async def get_validation_events(self, dispatcher, tracker, domain) -> Events:
        """Every answer goes through :func:`bot.leads.intake.handle_answer`.

        One method instead of rasa_sdk's ``validate_<slot>`` per question, so a
        question added to the form is validated without adding code here.
        """
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        given = {slot: value for slot, value in tracker.slots_to_validate().items()
                 if slot in required}  # fmt: skip
        validated = dict(given)
        for slot, value in given.items():
            updates = self._check(slot, value, dispatcher, tracker)
            validated.update(updates)
            tracker.slots.update(updates)  # later answers see the corrected values
        return [SlotSet(slot, value) for slot, value in validated.items()]


class ActionStartLead(_FormAction, Action):
    """Entry to the form: keeps products, quantities and buyer type named in the opening message."""

    def name(self) -> str:
        return "action_start_lead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        text = tracker.latest_message.get("text") or ""
        discussed = tracker.get_slot(PRODUCT_SLOT)
        found = (
            {} if text.startswith("/") else intake.prefill(self.knowledge_loader(), text, discussed)
        )
        dispatcher.utter_message(response=UTTER_LEAD_INTRO)
        events = [SlotSet(slot, value) for slot, value in found.items()]
        # Every round ends with the summary, also when all answers are kept from before.
        return [*events, SlotSet(f.CONFIRMED, None), SlotSet(f.FAILURES, None)]


class ActionAskLeadItems(_FormAction, Action):
    """Asks for products and quantities, or only the quantity of products already named."""

    def name(self) -> str:
        return "action_ask_lead_items"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        pending = tracker.get_slot(f.PENDING_PRODUCTS) or []
        dispatcher.utter_message(text=questions.items_question(self.knowledge_loader(), pending))
        return []


class ActionAskConsent(Action):
    """Asks for consent with exactly the wording that is stored as evidence."""

    def name(self) -> str:
        return "action_ask_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        dispatcher.utter_message(text=f.CONSENT_TEXT, buttons=questions.CONSENT_BUTTONS)
        return []


class ActionAskLeadConfirmed(_FormAction, Action):
    """The summary to confirm before anything is submitted."""

    def name(self) -> str:
        return "action_ask_lead_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        text = intake.summary(self.knowledge_loader(), tracker.slots)
        dispatcher.utter_message(text=text, buttons=questions.CONFIRM_BUTTONS)
        return []


class ActionCorrectLead(_FormAction, Action):
    """A correction after the form ended ("actually my phone is ..."): the form then resumes
    at the summary, and submitting again updates the same lead."""

    def name(self) -> str:
        return "action_correct_lead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        text = tracker.latest_message.get("text") or ""
        kb = self.knowledge_loader()
        step = intake.handle_answer(f.CONFIRMED, text, tracker.slots, kb, True, self.clock())
        for message in step.messages:
            dispatcher.utter_message(text=message)
        updates = {**step.updates, f.CONFIRMED: None, f.FAILURES: None}
        return [SlotSet(slot, value) for slot, value in updates.items()]
