"""Actions that answer product and usage questions from the article's knowledge base.

Thin adapters: :mod:`bot.knowledge` decides what a question is about and what
to answer; replies that never change are responses in ``domain.yml``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.support import current_product, products_in_message
from actions.wiring import knowledge, variant
from bot import knowledge as kb_answers
from bot.knowledge import Knowledge, UnknownEntryError

PRODUCT_SLOT = "product"
LAST_SUBJECT_SLOT = "last_subject"
SETTING_SLOT = "setting"
COMMERCIAL_TOPIC_SLOT = "commercial_topic"
UTTER_DEFAULT = "utter_default"
UTTER_WHICH_SETTING = "utter_which_setting"
UTTER_MORE_ABOUT_WHAT = "utter_more_about_what"

Events = List[Dict[str, Any]]


class _AnswersFromKnowledge:
    """Built with the served knowledge base and a phrasing picker; tests hand in their own.

    Not an ``Action``, so the action server does not register it as one.
    """

    def __init__(
        self,
        knowledge_loader: Callable[[], Knowledge] = knowledge,
        pick_variant: Callable[[], int] = variant,
    ) -> None:
        self.knowledge_loader = knowledge_loader
        self.pick_variant = pick_variant


class ActionAnswerFaq(_AnswersFromKnowledge, Action):
    """Answers ``faq/<topic>`` with the short answer and its source section."""

    def name(self) -> str:
        return "action_answer_faq"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        selector = tracker.latest_message.get("response_selector", {}).get("faq", {})
        key = selector.get("response", {}).get("intent_response_key") or ""
        topic_id = key.partition("/")[2]
        try:
            text = kb_answers.answer_topic(self.knowledge_loader(), topic_id, self.pick_variant())
        except UnknownEntryError:
            dispatcher.utter_message(response=UTTER_DEFAULT)
            return []
        dispatcher.utter_message(text=text)
        return [SlotSet(LAST_SUBJECT_SLOT, topic_id)]


class ActionListProducts(_AnswersFromKnowledge, Action):
    """Lists the whole range, with quick replies to hear about each product."""

    def name(self) -> str:
        return "action_list_products"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = self.knowledge_loader()
        dispatcher.utter_message(
            text=kb_answers.list_products(kb, self.pick_variant()),
            buttons=kb_answers.product_buttons(kb),
        )
        return []


class ActionDescribeProduct(_AnswersFromKnowledge, Action):
    """Describes the product named now, or the one discussed last."""

    def name(self) -> str:
        return "action_describe_product"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        if next(tracker.get_latest_entity_values(COMMERCIAL_TOPIC_SLOT), None):
            # "Is there a warranty on the roller?" names a product but asks what only
            # the sales team can answer: never describe the product instead.
            commercial = ActionAnswerCommercial(self.knowledge_loader, self.pick_variant)
            return commercial.run(dispatcher, tracker, domain)
        kb = self.knowledge_loader()
        product_id = current_product(kb, tracker)
        if product_id is None:
            dispatcher.utter_message(text=kb_answers.which_product_question(kb))
            return []
        dispatcher.utter_message(text=kb_answers.describe_product(kb, product_id))
        return [SlotSet(PRODUCT_SLOT, product_id), SlotSet(LAST_SUBJECT_SLOT, product_id)]


class ActionCompareProducts(_AnswersFromKnowledge, Action):
    """Compares two products; "compare it with X" uses the product discussed last."""

    def name(self) -> str:
        return "action_compare_products"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = self.knowledge_loader()
        named = products_in_message(kb, tracker)
        pair = kb_answers.products_to_compare(kb, named, tracker.get_slot(PRODUCT_SLOT))
        if pair is None:
            dispatcher.utter_message(text=kb_answers.which_two_question(kb))
            return []
        first, second = pair
        dispatcher.utter_message(text=kb_answers.compare_products(kb, first, second))
        return [SlotSet(PRODUCT_SLOT, second), SlotSet(LAST_SUBJECT_SLOT, second)]


class ActionProductsForSetting(_AnswersFromKnowledge, Action):
    """Says which products suit home use and which suit clinics, spas and the like."""

    def name(self) -> str:
        return "action_products_for_setting"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        kb = self.knowledge_loader()
        said = next(tracker.get_latest_entity_values(SETTING_SLOT), None)
        setting = kb_answers.setting_asked_about(said, tracker.get_slot(SETTING_SLOT))
        product_id = kb_answers.product_asked_about(
            kb,
            tracker.latest_message.get("text") or "",
            products_in_message(kb, tracker),
            tracker.get_slot(PRODUCT_SLOT),
        )
        try:
            text = kb_answers.setting_answer(kb, setting, product_id)
        except UnknownEntryError:
            dispatcher.utter_message(response=UTTER_WHICH_SETTING)
            return []
        dispatcher.utter_message(text=text)
        return []


class ActionTellMore(_AnswersFromKnowledge, Action):
    """ "Tell me more": the longer version of whatever was answered last."""

    def name(self) -> str:
        return "action_tell_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        subject = kb_answers.subject_to_expand(
            tracker.get_slot(LAST_SUBJECT_SLOT), tracker.get_slot(PRODUCT_SLOT)
        )
        try:
            text = kb_answers.more_about(self.knowledge_loader(), subject) if subject else None
        except UnknownEntryError:  # a subject the model now being served no longer has
            text = None
        if text is None:
            dispatcher.utter_message(response=UTTER_MORE_ABOUT_WHAT)
            return []
        dispatcher.utter_message(text=text)
        return []


class ActionAnswerCommercial(_AnswersFromKnowledge, Action):
    """Price, shipping, stock...: the article does not say, so offer the sales team."""

    def name(self) -> str:
        return "action_answer_commercial"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        topic = next(tracker.get_latest_entity_values(COMMERCIAL_TOPIC_SLOT), None)
        text = kb_answers.unanswerable_answer(self.knowledge_loader(), topic)
        dispatcher.utter_message(text=text, buttons=list(kb_answers.UNANSWERABLE_BUTTONS))
        return []


class ActionAnswerMedication(_AnswersFromKnowledge, Action):
    """Medication, medical and cure questions: we do not advise; a doctor does."""

    def name(self) -> str:
        return "action_answer_medication"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        question = tracker.latest_message.get("text") or ""
        answer = kb_answers.medication_answer(
            self.knowledge_loader(), self.pick_variant(), question
        )
        dispatcher.utter_message(text=answer)
        return []


class ActionAnswerCrisis(_AnswersFromKnowledge, Action):
    """Crisis language: emergency and crisis-line contacts before anything else."""

    def name(self) -> str:
        return "action_answer_crisis"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> Events:
        text = kb_answers.crisis_answer(self.knowledge_loader(), self.pick_variant())
        dispatcher.utter_message(text=text)
        return []
