"""The procurement enquiry form (``lead_form``): validating answers and asking questions.

Thin adapters: the decisions live in :mod:`bot.leads.intake`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import PRODUCT_SLOT
from actions.support import knowledge
from bot.knowledge import Knowledge
from bot.leads import intake
from bot.leads.intake import fields as f
from bot.leads.intake.interruptions import is_question_for_the_team, reads_as_answer
from bot.leads.intake.items import product_name, range_text

REQUESTED_SLOT = "requested_slot"
CONSENT_BUTTONS = [
    {"title": "Yes, you may contact me", "payload": "Yes, you may contact me"},
    {"title": "No", "payload": "No"},
]
CONFIRM_BUTTONS = [
    {"title": "Submit", "payload": "Submit"},
    {"title": "Change something", "payload": "Change something"},
]

NOTED_QUESTION = "I've added your question to the notes; our sales team will answer it."
Events = List[Dict[str, Any]]
UTTER_LEAD_INTRO = "utter_lead_intro"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ValidateLeadForm(FormValidationAction):
    """Checks every answer of ``lead_form``; applies corrections given at any question."""

    def __init__(
        self,
        knowledge_loader: Callable[[], Knowledge] = knowledge,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.knowledge_loader = knowledge_loader
        self.clock = clock

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
                dispatcher.utter_message(text=NOTED_QUESTION)
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

    def validate_buyer_type(self, value, dispatcher, tracker, domain):
        return self._check(f.BUYER_TYPE, value, dispatcher, tracker)

    def validate_lead_items(self, value, dispatcher, tracker, domain):
        return self._check(f.ITEMS, value, dispatcher, tracker)

    def validate_organisation(self, value, dispatcher, tracker, domain):
        return self._check(f.ORGANISATION, value, dispatcher, tracker)

    def validate_contact_name(self, value, dispatcher, tracker, domain):
        return self._check(f.NAME, value, dispatcher, tracker)

    def validate_email(self, value, dispatcher, tracker, domain):
        return self._check(f.EMAIL, value, dispatcher, tracker)

    def validate_phone(self, value, dispatcher, tracker, domain):
        return self._check(f.PHONE, value, dispatcher, tracker)

    def validate_country(self, value, dispatcher, tracker, domain):
        return self._check(f.COUNTRY, value, dispatcher, tracker)

    def validate_timeline(self, value, dispatcher, tracker, domain):
        return self._check(f.TIMELINE, value, dispatcher, tracker)

    def validate_budget(self, value, dispatcher, tracker, domain):
        return self._check(f.BUDGET, value, dispatcher, tracker)

    def validate_notes(self, value, dispatcher, tracker, domain):
        return self._check(f.NOTES, value, dispatcher, tracker)

    def validate_consent(self, value, dispatcher, tracker, domain):
        return self._check(f.CONSENT, value, dispatcher, tracker)

    def validate_lead_confirmed(self, value, dispatcher, tracker, domain):
        return self._check(f.CONFIRMED, value, dispatcher, tracker)


class ActionStartLead(Action):
    """Entry to the form: keeps products, quantities and buyer type named in the opening message."""

    def __init__(self, knowledge_loader: Callable[[], Knowledge] = knowledge) -> None:
        self.knowledge_loader = knowledge_loader

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


class ActionAskLeadItems(Action):
    """Asks for products and quantities, or only the quantity of products already named."""

    def __init__(self, knowledge_loader: Callable[[], Knowledge] = knowledge) -> None:
        self.knowledge_loader = knowledge_loader

    def name(self) -> str:
        return "action_ask_lead_items"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = self.knowledge_loader()
        pending = tracker.get_slot(f.PENDING_PRODUCTS) or []
        if pending:
            names = " and ".join(product_name(kb, product) for product in pending)
            text = f"How many of the {names} would you like? You can add other products too."
        else:
            text = (
                f"Which products would you like a quote for, and how many of each? We have: "
                f'{range_text(kb)}. For example: "20 foot rollers and 5 deep calf massagers".'
            )
        dispatcher.utter_message(text=text)
        return []


class ActionAskConsent(Action):
    """Asks for consent with exactly the wording that is stored as evidence."""

    def name(self) -> str:
        return "action_ask_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        dispatcher.utter_message(text=f.CONSENT_TEXT, buttons=CONSENT_BUTTONS)
        return []


class ActionAskLeadConfirmed(Action):
    """The summary to confirm before anything is submitted."""

    def __init__(self, knowledge_loader: Callable[[], Knowledge] = knowledge) -> None:
        self.knowledge_loader = knowledge_loader

    def name(self) -> str:
        return "action_ask_lead_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        text = intake.summary(self.knowledge_loader(), tracker.slots)
        dispatcher.utter_message(text=text, buttons=CONFIRM_BUTTONS)
        return []


class ActionCorrectLead(Action):
    """A correction after the form ended ("actually my phone is ..."): the form then resumes
    at the summary, and submitting again updates the same lead."""

    def __init__(
        self,
        knowledge_loader: Callable[[], Knowledge] = knowledge,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.knowledge_loader = knowledge_loader
        self.clock = clock

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
