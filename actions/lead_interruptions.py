"""Leaving the enquiry form: "why do you need this?", cancelling, pausing after a crisis."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.leads.intake import fields as f

Events = List[Dict[str, Any]]
UTTER_LEAD_CANCELLED = "utter_lead_cancelled"
UTTER_LEAD_PAUSED = "utter_lead_paused"


def forget_enquiry() -> Events:
    """Clear every answer and bookkeeping slot: nothing of a stopped enquiry is kept."""
    slots = (*f.FORM_SLOTS, *f.BOOKKEEPING_SLOTS)
    return [SlotSet(slot, None) for slot in slots] + [SlotSet("requested_slot", None)]


class ActionExplainWhy(Action):
    """ "Why do you need this?" for the question being asked; the form then asks it again."""

    def name(self) -> str:
        return "action_explain_why"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        slot = tracker.get_slot("requested_slot")
        text = f.WHY_NEEDED.get(slot) or "It helps our sales team prepare the right quote for you."
        dispatcher.utter_message(text=text)
        return []


class ActionCancelLead(Action):
    """The visitor confirmed they want to stop: nothing is stored and the answers are cleared."""

    def name(self) -> str:
        return "action_cancel_lead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        dispatcher.utter_message(response=UTTER_LEAD_CANCELLED)
        return [ActiveLoop(None), *forget_enquiry()]


class ActionPauseLead(Action):
    """After a crisis answer the form stops asking; the answers stay until the visitor resumes."""

    def name(self) -> str:
        return "action_pause_lead"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        dispatcher.utter_message(response=UTTER_LEAD_PAUSED)
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
