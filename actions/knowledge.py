"""Actions that answer product and usage questions from the article's knowledge base."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.support import current_product, knowledge, products_in_message, variant
from bot import knowledge as kb_answers
from bot.knowledge import UnknownEntryError

PRODUCT_SLOT = "product"
LAST_SUBJECT_SLOT = "last_subject"
SETTING_SLOT = "setting"
COMMERCIAL_TOPIC_SLOT = "commercial_topic"
QUOTE_BUTTON = {"title": "Start an enquiry", "payload": "/request_quote"}
PRODUCTS_BUTTON = {"title": "Show the products", "payload": "/list_products"}

Events = List[Dict[str, Any]]


class ActionAnswerFaq(Action):
    """Answers ``faq/<topic>`` with the short answer and its source section."""

    def name(self) -> str:
        return "action_answer_faq"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        selector = tracker.latest_message.get("response_selector", {}).get("faq", {})
        key = selector.get("response", {}).get("intent_response_key") or ""
        topic_id = key.partition("/")[2]
        kb = knowledge()
        if topic_id not in kb.topic_ids:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(text=kb_answers.answer_topic(kb, topic_id, variant()))
        return [SlotSet(LAST_SUBJECT_SLOT, topic_id)]


class ActionListProducts(Action):
    """Lists the whole range, with quick replies to hear about each product."""

    def name(self) -> str:
        return "action_list_products"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = knowledge()
        buttons = [{"title": p.name, "payload": f"Tell me about the {p.name}"} for p in kb.products]
        dispatcher.utter_message(text=kb_answers.list_products(kb, variant()), buttons=buttons)
        return []


class ActionDescribeProduct(Action):
    """Describes the product named now, or the one discussed last."""

    def name(self) -> str:
        return "action_describe_product"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        if next(tracker.get_latest_entity_values(COMMERCIAL_TOPIC_SLOT), None):
            # "Is there a warranty on the roller?" names a product but asks what only
            # the sales team can answer: never describe the product instead.
            return ActionAnswerCommercial().run(dispatcher, tracker, domain)
        kb = knowledge()
        product_id = current_product(kb, tracker)
        if product_id is None:
            names = ", ".join(p.name for p in kb.products)
            dispatcher.utter_message(text=f"Which product do you mean? We have: {names}.")
            return []
        dispatcher.utter_message(text=kb_answers.describe_product(kb, product_id))
        return [SlotSet(PRODUCT_SLOT, product_id), SlotSet(LAST_SUBJECT_SLOT, product_id)]


class ActionCompareProducts(Action):
    """Compares two products; "compare it with X" uses the product discussed last."""

    def name(self) -> str:
        return "action_compare_products"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = knowledge()
        named = products_in_message(kb, tracker)
        remembered = tracker.get_slot(PRODUCT_SLOT)
        if len(named) == 1 and remembered in kb.product_ids and remembered != named[0]:
            named = [remembered, named[0]]
        if len(named) < 2:
            names = ", ".join(p.name for p in kb.products)
            dispatcher.utter_message(text=f"Which two would you like to compare? We have: {names}.")
            return []
        dispatcher.utter_message(text=kb_answers.compare_products(kb, named[0], named[1]))
        return [SlotSet(PRODUCT_SLOT, named[1]), SlotSet(LAST_SUBJECT_SLOT, named[1])]


class ActionProductsForSetting(Action):
    """Says which products suit home use and which suit clinics, spas and the like."""

    def name(self) -> str:
        return "action_products_for_setting"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = knowledge()
        setting = next(tracker.get_latest_entity_values(SETTING_SLOT), None)
        setting = setting or tracker.get_slot(SETTING_SLOT) or ""
        product_id = _product_asked_about(kb, tracker)
        try:
            if product_id:
                text = kb_answers.product_suits_setting(kb, product_id, setting)
            else:
                text = kb_answers.products_for_setting(kb, setting)
            dispatcher.utter_message(text=text)
        except UnknownEntryError:
            dispatcher.utter_message(
                text="Is it for use at home, or for a clinic, spa or other professional setting?",
                buttons=[
                    {"title": "At home", "payload": "Which products are good for home use?"},
                    {"title": "In a clinic or spa", "payload": "Which products suit a clinic?"},
                ],
            )
        return []


def _product_asked_about(kb, tracker: Tracker) -> str | None:
    """A product named now, or the one discussed last when the visitor says "it"."""
    named = products_in_message(kb, tracker)
    if named:
        return named[0]
    if kb_answers.refers_back(tracker.latest_message.get("text") or ""):
        return current_product(kb, tracker)
    return None


class ActionTellMore(Action):
    """ "Tell me more": the longer version of whatever was answered last."""

    def name(self) -> str:
        return "action_tell_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = knowledge()
        subject = tracker.get_slot(LAST_SUBJECT_SLOT) or tracker.get_slot(PRODUCT_SLOT)
        if not subject:
            dispatcher.utter_message(
                text="Happy to go into detail. What would you like to know more about?",
                buttons=[PRODUCTS_BUTTON],
            )
            return []
        dispatcher.utter_message(text=kb_answers.more_about(kb, subject))
        return []


class ActionAnswerCommercial(Action):
    """Price, shipping, stock...: the article does not say, so offer the sales team."""

    def name(self) -> str:
        return "action_answer_commercial"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        topic = next(tracker.get_latest_entity_values(COMMERCIAL_TOPIC_SLOT), None)
        text = kb_answers.unanswerable_answer(knowledge(), topic)
        dispatcher.utter_message(text=text, buttons=[QUOTE_BUTTON, PRODUCTS_BUTTON])
        return []


class ActionAnswerMedication(Action):
    """Medication, medical and cure questions: we do not advise; a doctor does."""

    def name(self) -> str:
        return "action_answer_medication"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        question = tracker.latest_message.get("text") or ""
        answer = kb_answers.medication_answer(knowledge(), variant(), question)
        dispatcher.utter_message(text=answer)
        return []


class ActionAnswerCrisis(Action):
    """Crisis language: emergency and crisis-line contacts before anything else."""

    def name(self) -> str:
        return "action_answer_crisis"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        dispatcher.utter_message(text=kb_answers.crisis_answer(knowledge(), variant()))
        return []
